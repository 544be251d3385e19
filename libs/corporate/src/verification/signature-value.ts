import { constants, verify, type KeyObject } from 'node:crypto';

/** `alg` as the key's allow-list names it: `Ed25519` is registered as the fully-specified EdDSA. */
export const canonicalAlgorithm = (alg: string): string => (alg === 'Ed25519' ? 'EdDSA' : alg);

/**
 * The raw check of a JWS signature value with an already imported key (sync: no thread-pool hop for a
 * sub-millisecond operation). Only algorithms the key's allow-list admits ever reach here.
 */
export function signatureValueVerifies(
  alg: string,
  key: KeyObject,
  input: Buffer,
  signature: Buffer,
): boolean {
  try {
    switch (canonicalAlgorithm(alg)) {
      case 'ES256':
        // JWS carries r||s (64 bytes), not DER.
        return (
          signature.length === 64 && verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature)
        );
      case 'EdDSA':
        return verify(null, input, key, signature);
      case 'RS256':
        return verify('sha256', input, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case 'PS256':
        return verify(
          'sha256',
          input,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
          signature,
        );
      default:
        return false;
    }
  } catch {
    return false;
  }
}
