import type { JsonObject } from '#libs/event-store';

/** What every event carries besides its data (ARCHITECTURE.md, "The event log"). */
export interface EventMetadata extends JsonObject {
  correlationId: string;
  causationId: string;
  actor: string;
  occurredAt: string;
  schemaVersion: number;
}

/** Who asked for a write and why: carried from the HTTP edge (or a saga) into every event it produces. */
export interface CommandContext {
  readonly correlationId: string;
  /** The id of the request or event that caused this command. */
  readonly causationId: string;
  /** `citizen:<id>`, `admin:<name>`, `system:<saga>`, ... never personal data. */
  readonly actor: string;
  /** From the HTTP `Idempotency-Key` header: makes a retried command a no-op that answers as the first time. */
  readonly idempotency?: Idempotency;
}

export interface Idempotency {
  readonly key: string;
  /** A hash of the request, so that the same key sent with a different request is refused, not replayed. */
  readonly fingerprint: string;
}

/** The metadata of an event a command writes: who asked and why, from its context, and when it happened. */
export function metadataOf(
  context: CommandContext,
  occurredAt: string,
  schemaVersion: number,
): EventMetadata {
  return {
    correlationId: context.correlationId,
    causationId: context.causationId,
    actor: context.actor,
    occurredAt,
    schemaVersion,
  };
}
