import { constants, verify, type KeyObject } from 'node:crypto';

/** How node:crypto checks a JWS algorithm's signature value, and the one key type it may be used with. */
export interface JwsAlgorithm {
  readonly digest: string | null;
  /** The key's type as `keyTypeOf` names it: node's `asymmetricKeyType`, and for EC its curve. */
  readonly keyType: 'ec-prime256v1' | 'rsa' | 'ed25519';
  readonly options?: { dsaEncoding?: 'ieee-p1363'; padding?: number; saltLength?: number };
}

const pss = (bytes: number) => ({ padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: bytes });
const pkcs1 = { padding: constants.RSA_PKCS1_PADDING };

/** The asymmetric JWS algorithms (RFC 7518, RFC 8037) the platform verifies; `Ed25519` is the fully-specified EdDSA. */
export const JWS_ALGORITHMS: Readonly<Record<string, JwsAlgorithm>> = {
  // JWS carries ECDSA signatures as r||s, not DER.
  ES256: { digest: 'sha256', keyType: 'ec-prime256v1', options: { dsaEncoding: 'ieee-p1363' } },
  PS256: { digest: 'sha256', keyType: 'rsa', options: pss(32) },
  PS384: { digest: 'sha384', keyType: 'rsa', options: pss(48) },
  PS512: { digest: 'sha512', keyType: 'rsa', options: pss(64) },
  RS256: { digest: 'sha256', keyType: 'rsa', options: pkcs1 },
  RS384: { digest: 'sha384', keyType: 'rsa', options: pkcs1 },
  RS512: { digest: 'sha512', keyType: 'rsa', options: pkcs1 },
  EdDSA: { digest: null, keyType: 'ed25519' },
  Ed25519: { digest: null, keyType: 'ed25519' },
};

export const keyTypeOf = (key: KeyObject): string =>
  key.asymmetricKeyType === 'ec'
    ? `ec-${key.asymmetricKeyDetails?.namedCurve ?? ''}`
    : (key.asymmetricKeyType ?? 'unknown');

/**
 * The raw check of a JWS signature value with an already imported key, synchronously (no thread-pool hop for a
 * sub-millisecond operation): false for an algorithm not listed, a key of another type, or a value that does not
 * verify. Which algorithms a caller accepts is its own allow-list's question, asked before.
 */
export function jwsSignatureVerifies(alg: string, key: KeyObject, input: Buffer, signature: Buffer): boolean {
  if (!Object.hasOwn(JWS_ALGORITHMS, alg)) return false;
  const algorithm = JWS_ALGORITHMS[alg]!;
  if (keyTypeOf(key) !== algorithm.keyType) return false;
  try {
    return verify(algorithm.digest, input, { key, ...algorithm.options }, signature);
  } catch {
    return false;
  }
}
