import { createPublicKey, type KeyObject } from 'node:crypto';
import { DomainError } from '#libs/errors';
import type { ClientJwks, PublicJwk } from './eservice.events.js';

const MAX_KEYS = 10;
const MIN_RSA_BITS = 2048;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Per key type: its public members, and the algorithms (`alg`) it may be used with. */
const KEY_TYPES: Readonly<Record<string, { members: readonly string[]; algs: readonly string[] }>> = {
  'EC/P-256': { members: ['kty', 'crv', 'x', 'y'], algs: ['ES256'] },
  RSA: { members: ['kty', 'n', 'e'], algs: ['PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512'] },
  'OKP/Ed25519': { members: ['kty', 'crv', 'x'], algs: ['EdDSA', 'Ed25519'] },
};

const invalid = (why: string) => new DomainError('JWKS_INVALID', why, 400);

/**
 * The keys an e-service signs its client assertions (private_key_jwt) and request objects with. Only public
 * signing keys of strong types are taken, each reduced to its public members and `kid`/`alg`/`use`: a private
 * key sent by mistake is refused, never stored, since the log keeps everything forever.
 */
export function parseClientJwks(input: unknown): ClientJwks {
  const keys = (input as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw invalid('jwks must be {"keys": [...]} with a key');
  if (keys.length > MAX_KEYS) throw invalid(`jwks takes at most ${MAX_KEYS} keys`);
  const parsed = keys.map((key: unknown, i) => parseKey(key, `jwks.keys[${i}]`));
  const kids = parsed.flatMap((key) => (key['kid'] === undefined ? [] : [key['kid']]));
  if (new Set(kids).size !== kids.length) throw invalid('jwks: two keys share a kid');
  return { keys: parsed };
}

function parseKey(input: unknown, where: string): PublicJwk {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid(`${where} must be a JWK object`);
  }
  const jwk = input as Record<string, unknown>;
  const privateMember = PRIVATE_MEMBERS.find((member) => member in jwk);
  if (privateMember !== undefined) {
    throw invalid(`${where} has the private member "${privateMember}": send only public keys`);
  }
  const type = KEY_TYPES[jwk['kty'] === 'RSA' ? 'RSA' : `${String(jwk['kty'])}/${String(jwk['crv'])}`];
  if (!type) throw invalid(`${where} must be an EC P-256, RSA or OKP Ed25519 key`);

  const key: PublicJwk = {};
  for (const member of [...type.members, 'kid', 'alg', 'use']) {
    const value = jwk[member];
    if (value === undefined && !type.members.includes(member)) continue;
    if (typeof value !== 'string' || value === '')
      throw invalid(`${where}.${member} must be a non-empty string`);
    key[member] = value;
  }
  if (key['alg'] !== undefined && !type.algs.includes(key['alg'])) {
    throw invalid(`${where}.alg must be one of ${type.algs.join(', ')} for this key`);
  }
  if (key['use'] !== undefined && key['use'] !== 'sig') throw invalid(`${where}.use must be "sig"`);

  const keyObject = importPublicKey(key, where);
  const bits = keyObject.asymmetricKeyDetails?.modulusLength;
  if (key['kty'] === 'RSA' && (bits === undefined || bits < MIN_RSA_BITS)) {
    throw invalid(`${where} is an RSA key of ${bits} bits; at least ${MIN_RSA_BITS} are needed`);
  }
  return key;
}

/** Node checks the key itself: an EC point off its curve, or a malformed modulus, does not import. */
function importPublicKey(key: PublicJwk, where: string): KeyObject {
  try {
    return createPublicKey({ key, format: 'jwk' });
  } catch {
    throw invalid(`${where} is not a valid public key`);
  }
}
