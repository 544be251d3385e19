import { createHash } from 'node:crypto';

/** This platform's namespace for name-based (RFC 9562 version 5) UUIDs. */
const NAMESPACE = Buffer.from('6f1d3c2a5b8e4f7a9c0d1e2f3a4b5c6d', 'hex');

/**
 * The same parts always give the same UUID: how an idempotency key becomes event ids (and, for a command
 * that creates an aggregate, its id), so that a retried request writes nothing new.
 */
export function deterministicUuid(...parts: readonly string[]): string {
  const hash = createHash('sha1').update(NAMESPACE);
  for (const part of parts)
    hash
      .update(String(Buffer.byteLength(part)))
      .update(':')
      .update(part);
  const bytes = hash.digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
