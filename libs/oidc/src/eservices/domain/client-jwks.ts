import { createPublicKey, type KeyObject } from 'node:crypto';
import { DomainError } from '#libs/errors';
import type { ClientJwks, PublicJwk } from './eservice.events.js';

const MAX_KEYS = 10;
const MIN_RSA_BITS = 2048;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * Per key type: its public members, the algorithms (`alg`) it may sign with, and the one it may receive
 * encrypted ID tokens and userinfo with (a key with `use: "enc"`; nested JWS in JWE, content in A256GCM).
 */
const KEY_TYPES: Readonly<
  Record<string, { members: readonly string[]; algs: readonly string[]; encryption?: EncryptionAlg }>
> = {
  'EC/P-256': { members: ['kty', 'crv', 'x', 'y'], algs: ['ES256'], encryption: 'ECDH-ES+A256KW' },
  RSA: {
    members: ['kty', 'n', 'e'],
    algs: ['PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512'],
    encryption: 'RSA-OAEP-256',
  },
  'OKP/Ed25519': { members: ['kty', 'crv', 'x'], algs: ['EdDSA', 'Ed25519'] },
};

export type EncryptionAlg = 'ECDH-ES+A256KW' | 'RSA-OAEP-256';

/** The key management algorithm of the e-service's encryption key (`use: "enc"`), if it registered one. */
export function encryptionAlgOf(jwks: ClientJwks | undefined): EncryptionAlg | undefined {
  const key = jwks?.keys.find((k) => k['use'] === 'enc');
  return key && KEY_TYPES[typeOf(key)]?.encryption;
}

const typeOf = (jwk: Record<string, unknown>) =>
  jwk['kty'] === 'RSA' ? 'RSA' : `${String(jwk['kty'])}/${String(jwk['crv'])}`;

const invalid = (why: string) => new DomainError('JWKS_INVALID', why, 400);

/**
 * The keys an e-service signs its client assertions (private_key_jwt) and request objects with, and at most one
 * it receives encrypted ID tokens and userinfo with (`use: "enc"`). Only public
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
  if (parsed.every((key) => key['use'] === 'enc')) throw invalid('jwks needs a signing key');
  if (parsed.filter((key) => key['use'] === 'enc').length > 1) {
    throw invalid('jwks takes one encryption key (use "enc")');
  }
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
  const type = KEY_TYPES[typeOf(jwk)];
  if (!type) throw invalid(`${where} must be an EC P-256, RSA or OKP Ed25519 key`);

  const key: PublicJwk = {};
  for (const member of [...type.members, 'kid', 'alg', 'use']) {
    const value = jwk[member];
    if (value === undefined && !type.members.includes(member)) continue;
    if (typeof value !== 'string' || value === '')
      throw invalid(`${where}.${member} must be a non-empty string`);
    key[member] = value;
  }
  if (key['use'] === 'enc') {
    if (!type.encryption) throw invalid(`${where}: an encryption key must be EC P-256 or RSA`);
    if (key['alg'] !== undefined && key['alg'] !== type.encryption) {
      throw invalid(`${where}.alg must be ${type.encryption} for this encryption key`);
    }
  } else {
    if (key['alg'] !== undefined && !type.algs.includes(key['alg'])) {
      throw invalid(`${where}.alg must be one of ${type.algs.join(', ')} for this key`);
    }
    if (key['use'] !== undefined && key['use'] !== 'sig')
      throw invalid(`${where}.use must be "sig" or "enc"`);
  }

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
