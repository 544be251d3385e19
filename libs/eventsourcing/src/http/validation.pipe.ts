import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidationFailed, type FieldViolation } from '#libs/errors';

/** class-validator on every body and query: unknown fields refused, every bad field listed in one 400. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // A value the client sent is never echoed back: it may be an HKID number.
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const violations = flatten(errors);
      return new ValidationFailed(
        `${violations.length} field${violations.length === 1 ? ' is' : 's are'} invalid: ${violations.map((v) => v.field).join(', ')}`,
        violations,
      );
    },
  });
}

function flatten(errors: readonly ValidationError[], prefix = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
