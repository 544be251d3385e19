import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { encryptionAlgOf, parseClientJwks } from './client-jwks.js';

type Jwk = Record<string, unknown>;
const pair = (type: 'ec' | 'rsa' | 'ed25519' | 'ed448', options: object = {}) => {
  const keys = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
  return {
    publicJwk: keys.publicKey.export({ format: 'jwk' }) as Jwk,
    privateJwk: keys.privateKey.export({ format: 'jwk' }) as Jwk,
  };
};
const ec = pair('ec', { namedCurve: 'P-256' });
const rsa = pair('rsa', { modulusLength: 2048 });
const ed = pair('ed25519');
const refused = (message: string) =>
  expect.objectContaining({ code: 'JWKS_INVALID', status: 400, message: expect.stringContaining(message) });

describe('parseClientJwks', () => {
  it('takes EC P-256, RSA 2048 and Ed25519 public keys, reduced to their public members and kid/alg/use', () => {
    const jwks = parseClientJwks({
      keys: [
        { ...ec.publicJwk, kid: 'ec-1', alg: 'ES256', use: 'sig', key_ops: ['verify'], x5t: 'ignored' },
        { ...rsa.publicJwk, kid: 'rsa-1', alg: 'PS256' },
        { ...ed.publicJwk, alg: 'EdDSA' },
      ],
    });
    expect(jwks.keys).toEqual([
      {
        kty: 'EC',
        crv: 'P-256',
        x: ec.publicJwk['x'],
        y: ec.publicJwk['y'],
        kid: 'ec-1',
        alg: 'ES256',
        use: 'sig',
      },
      { kty: 'RSA', n: rsa.publicJwk['n'], e: rsa.publicJwk['e'], kid: 'rsa-1', alg: 'PS256' },
      { kty: 'OKP', crv: 'Ed25519', x: ed.publicJwk['x'], alg: 'EdDSA' },
    ]);
  });

  it.each([
    ['an EC private key', { keys: [ec.privateJwk] }, 'private member "d"'],
    ['an RSA private key without d', { keys: [{ ...rsa.publicJwk, p: 'AQAB' }] }, 'private member "p"'],
    ['a symmetric key', { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, 'private member "k"'],
    [
      'a P-384 key',
      { keys: [pair('ec', { namedCurve: 'P-384' }).publicJwk] },
      'must be an EC P-256, RSA or OKP Ed25519',
    ],
    ['an Ed448 key', { keys: [pair('ed448').publicJwk] }, 'must be an EC P-256, RSA or OKP Ed25519'],
    ['a 1024-bit RSA key', { keys: [pair('rsa', { modulusLength: 1024 }).publicJwk] }, 'of 1024 bits'],
    [
      'a point off the curve',
      { keys: [{ ...ec.publicJwk, y: ec.publicJwk['x'] }] },
      'not a valid public key',
    ],
    [
      'a missing member',
      { keys: [{ kty: 'EC', crv: 'P-256', x: ec.publicJwk['x'] }] },
      '.y must be a non-empty string',
    ],
    ['a mismatched alg', { keys: [{ ...ec.publicJwk, alg: 'RS256' }] }, '.alg must be one of ES256'],
    ['an encryption key alone', { keys: [{ ...ec.publicJwk, use: 'enc' }] }, 'needs a signing key'],
    ['an unknown use', { keys: [{ ...ec.publicJwk, use: 'wrap' }] }, '.use must be "sig" or "enc"'],
    [
      'an Ed25519 encryption key',
      { keys: [ec.publicJwk, { ...ed.publicJwk, use: 'enc' }] },
      'an encryption key must be EC P-256 or RSA',
    ],
    [
      'an encryption key with a signing alg',
      { keys: [ed.publicJwk, { ...ec.publicJwk, use: 'enc', alg: 'ES256' }] },
      '.alg must be ECDH-ES+A256KW',
    ],
    [
      'two encryption keys',
      { keys: [ed.publicJwk, { ...ec.publicJwk, use: 'enc' }, { ...rsa.publicJwk, use: 'enc' }] },
      'one encryption key',
    ],
    ['a non-string kid', { keys: [{ ...ec.publicJwk, kid: 7 }] }, '.kid must be a non-empty string'],
    [
      'two keys with one kid',
      {
        keys: [
          { ...ec.publicJwk, kid: 'a' },
          { ...ed.publicJwk, kid: 'a' },
        ],
      },
      'share a kid',
    ],
    ['no keys', { keys: [] }, 'with a key'],
    ['a bare key', ec.publicJwk, 'with a key'],
    ['a key that is not an object', { keys: ['AQAB'] }, 'must be a JWK object'],
    ['eleven keys', { keys: Array.from({ length: 11 }, () => ed.publicJwk) }, 'at most 10 keys'],
  ])('refuses %s', (_case, jwks, message) => {
    expect(() => parseClientJwks(jwks)).toThrow(refused(message));
  });
});

describe('encryptionAlgOf', () => {
  it('names the key management algorithm of the encryption key, if any', () => {
    expect(encryptionAlgOf(parseClientJwks({ keys: [ed.publicJwk, { ...ec.publicJwk, use: 'enc' }] }))).toBe(
      'ECDH-ES+A256KW',
    );
    expect(
      encryptionAlgOf(
        parseClientJwks({ keys: [ed.publicJwk, { ...rsa.publicJwk, use: 'enc', alg: 'RSA-OAEP-256' }] }),
      ),
    ).toBe('RSA-OAEP-256');
    expect(encryptionAlgOf(parseClientJwks({ keys: [ec.publicJwk] }))).toBeUndefined();
    expect(encryptionAlgOf(undefined)).toBeUndefined();
  });
});
