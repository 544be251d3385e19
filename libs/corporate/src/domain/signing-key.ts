import { createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { DomainError } from '#libs/errors';
import type { PublicSigningJwk, SigningAlgorithm } from './corporation.events.js';

/** The public members of each key type we accept, and the algorithms each may be used with. */
const KEY_TYPES = [
  { kty: 'EC', crv: 'P-256', members: ['kty', 'crv', 'x', 'y'], algorithms: ['ES256'] },
  { kty: 'OKP', crv: 'Ed25519', members: ['kty', 'crv', 'x'], algorithms: ['EdDSA'] },
  { kty: 'RSA', crv: undefined, members: ['kty', 'n', 'e'], algorithms: ['RS256', 'PS256'] },
] as const;

const MIN_RSA_BITS = 2048;

const invalid = (why: string) => new DomainError('SIGNING_KEY_INVALID', `signing key: ${why}`, 400);

export interface ParsedSigningKey {
  readonly kid: string;
  readonly publicJwk: PublicSigningJwk;
  readonly algorithms: SigningAlgorithm[];
}

/**
 * Reduces a submitted JWK to its public members, refuses private keys, weak or unknown key types and algorithms
 * the key cannot make, and names the key by its thumbprint: a `kid` chosen by the submitter means nothing.
 */
export async function parseSigningKey(
  jwk: Record<string, unknown>,
  algorithms: readonly string[] | undefined,
): Promise<ParsedSigningKey> {
  if ('d' in jwk || 'p' in jwk || 'k' in jwk) throw invalid('a private or symmetric key is never accepted');
  const type = KEY_TYPES.find((t) => t.kty === jwk['kty'] && (t.crv === undefined || t.crv === jwk['crv']));
  if (!type) throw invalid('the key must be EC P-256, OKP Ed25519 or RSA');
  const publicJwk: PublicSigningJwk = {};
  for (const member of type.members) {
    const value = jwk[member];
    if (typeof value !== 'string' || value.length === 0) throw invalid(`${member} is missing`);
    publicJwk[member] = value;
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: publicJwk, format: 'jwk' });
  } catch {
    throw invalid('not a valid public key');
  }
  if (type.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) {
    throw invalid(`an RSA key needs at least ${MIN_RSA_BITS} bits`);
  }
  const allowed: readonly string[] = type.algorithms;
  const chosen = algorithms ?? allowed;
  if (chosen.length === 0 || chosen.some((alg) => !allowed.includes(alg))) {
    throw invalid(`this key signs only with ${allowed.join(', ')}`);
  }
  return {
    kid: await calculateJwkThumbprint(publicJwk, 'sha256'),
    publicJwk,
    algorithms: [...new Set(chosen)] as SigningAlgorithm[],
  };
}
