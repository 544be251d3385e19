import { createPublicKey, type KeyObject } from 'node:crypto';
import { JWS_ALGORITHMS, jwsSignatureVerifies, keyTypeOf } from '#libs/eventsourcing';

/**
 * Compact JWS/JWT verification with node:crypto, for the gateway's hot paths (every exchange verifies a
 * participant's token, and its provider the request and artefact): a synchronous verification with a KeyObject
 * imported once costs a fraction of jose's WebCrypto round trip plus its key import. The rules are jose's:
 * an allow-list of algorithms, each bound to its key type, no key ever taken from the token, `crit` refused,
 * and the registered claims checked as `jwtVerify` checks them.
 */

const MIN_RSA_BITS = 2048;
const KEY_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** A public key from our own list (a registered JWKS, the gateway's published keys), imported once. */
export interface VerifyingKey {
  readonly kid?: string;
  readonly alg?: string;
  readonly key: KeyObject;
  readonly keyType: string;
}

export class JwtInvalid extends Error {
  constructor(readonly why: string) {
    super(`JWT invalid: ${why}`);
    this.name = 'JwtInvalid';
  }
}

/** Imports the public keys of a JWKS; a key node cannot import, or an RSA key under 2048 bits, is left out. */
export function verifyingKeysOf(jwks: { readonly keys: readonly Record<string, unknown>[] }): VerifyingKey[] {
  return jwks.keys.flatMap((jwk) => {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: jwk as never, format: 'jwk' });
    } catch {
      return [];
    }
    const keyType = keyTypeOf(key);
    if (keyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) return [];
    const { kid, alg } = jwk;
    return [
      {
        key,
        keyType,
        ...(typeof kid === 'string' && { kid }),
        ...(typeof alg === 'string' && { alg }),
      },
    ];
  });
}

export interface JwtExpectations {
  readonly algorithms: readonly string[];
  readonly issuer: string;
  /** `aud` must be this, or an array holding it. */
  readonly audience?: string;
  readonly subject?: string;
  /** The header's `typ`, when the token must say what it is. */
  readonly typ?: string;
  readonly now: Date;
  readonly clockToleranceS?: number;
  /** Claims that must be present (besides those checked above). */
  readonly requiredClaims?: readonly string[];
}

export interface VerifiedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Verifies a compact JWT's signature with one of `keys` (the header's kid and alg choose) and its claims. */
export function verifyJwt(
  token: string,
  keys: readonly VerifyingKey[],
  expect: JwtExpectations,
): VerifiedJwt {
  const { header, payload } = verifyCompact(token, keys, expect.algorithms);
  if (expect.typ !== undefined && header['typ'] !== expect.typ) throw new JwtInvalid('unexpected typ');
  checkClaims(payload, expect);
  return { header, payload };
}

function verifyCompact(token: string, keys: readonly VerifyingKey[], algorithms: readonly string[]) {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part)))
    throw new JwtInvalid('not a compact JWS');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  const header = jsonObjectOf(encodedHeader, 'header');
  const alg = header['alg'];
  if (typeof alg !== 'string' || !algorithms.includes(alg) || !Object.hasOwn(JWS_ALGORITHMS, alg)) {
    throw new JwtInvalid('algorithm not accepted');
  }
  if (KEY_HEADERS.some((name) => name in header))
    throw new JwtInvalid('the key is never taken from the token');
  // No extension is understood here, so none may be critical (RFC 7515 §4.1.11); b64:false comes only with crit.
  if ('crit' in header || 'b64' in header) throw new JwtInvalid('unsupported critical header');
  const algorithm = JWS_ALGORITHMS[alg]!;
  const kid = header['kid'];
  const candidates = keys.filter(
    (k) =>
      k.keyType === algorithm.keyType &&
      (kid === undefined || k.kid === kid) &&
      (k.alg === undefined || k.alg === alg),
  );
  const input = Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii');
  const signature = Buffer.from(encodedSignature, 'base64url');
  const verified = candidates.some(({ key }) => jwsSignatureVerifies(alg, key, input, signature));
  if (!verified) throw new JwtInvalid('signature not valid');
  return { header, payload: jsonObjectOf(encodedPayload, 'payload') };
}

function jsonObjectOf(encoded: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new JwtInvalid(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtInvalid(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function checkClaims(payload: Readonly<Record<string, unknown>>, expect: JwtExpectations): void {
  const now = Math.floor(expect.now.getTime() / 1000);
  const tolerance = expect.clockToleranceS ?? 0;
  for (const claim of expect.requiredClaims ?? []) {
    if (!(claim in payload)) throw new JwtInvalid(`missing ${claim}`);
  }
  for (const claim of ['iat', 'nbf', 'exp'] as const) {
    if (claim in payload && (typeof payload[claim] !== 'number' || !Number.isFinite(payload[claim]))) {
      throw new JwtInvalid(`${claim} must be a number`);
    }
  }
  if (payload['iss'] !== expect.issuer) throw new JwtInvalid('unexpected iss');
  if (expect.subject !== undefined && payload['sub'] !== expect.subject)
    throw new JwtInvalid('unexpected sub');
  if (expect.audience !== undefined) {
    const aud = payload['aud'];
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(expect.audience)) throw new JwtInvalid('unexpected aud');
  }
  if (typeof payload['nbf'] === 'number' && payload['nbf'] > now + tolerance)
    throw new JwtInvalid('not yet valid');
  if (typeof payload['exp'] === 'number' && payload['exp'] <= now - tolerance)
    throw new JwtInvalid('expired');
}
