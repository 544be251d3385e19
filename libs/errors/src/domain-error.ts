/**
 * The one error family of the platform. Every refusal the domain or the store makes carries a stable,
 * greppable code and the HTTP status it maps to at the edge (RFC 9457 problem+json).
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 422,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  constructor(
    message: string,
    readonly violations: readonly FieldViolation[],
  ) {
    super('VALIDATION_FAILED', message, 400, { violations });
  }
}

export interface FieldViolation {
  readonly field: string;
  readonly messages: readonly string[];
}
