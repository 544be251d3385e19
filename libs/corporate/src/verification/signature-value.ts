import type { KeyObject } from 'node:crypto';
import { jwsSignatureVerifies } from '#libs/eventsourcing';

/** `alg` as the key's allow-list names it: `Ed25519` is registered as the fully-specified EdDSA. */
export const canonicalAlgorithm = (alg: string): string => (alg === 'Ed25519' ? 'EdDSA' : alg);

/**
 * The raw check of a JWS signature value with the key's imported KeyObject. Only algorithms the key's
 * allow-list admits ever reach here; an ES256 value must be r||s, 64 bytes.
 */
export function signatureValueVerifies(
  alg: string,
  key: KeyObject,
  input: Buffer,
  signature: Buffer,
): boolean {
  const canonical = canonicalAlgorithm(alg);
  if (canonical === 'ES256' && signature.length !== 64) return false;
  return jwsSignatureVerifies(canonical, key, input, signature);
}
