import type { DomainEvent } from '#libs/eventsourcing';

/**
 * The platform issued a signature timestamp: this signature value (its SHA-256), by this corporation's key,
 * existed at `genTime`. Recorded before the token is released, so that every timestamp in circulation is on the
 * log: evidence in a dispute, and the seal signatures counted by the adoption metrics.
 */
export type SignatureTimestamped = DomainEvent<
  'SignatureTimestamped',
  { corporationId: string; kid: string; sigDigest: string; genTime: string }
>;

export type SignatureTimestampEvent = SignatureTimestamped;

/** A stream per corporation and day, so that no stream grows without end. */
export const signatureTimestampStream = (corporationId: string, day: string): string =>
  `corporateTimestamps-${corporationId}:${day}`;
