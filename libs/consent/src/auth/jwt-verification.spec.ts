import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { JwtInvalid, verifyingKeysOf, verifyJwt, type JwtExpectations } from './jwt-verification.js';

const NOW = new Date('2026-11-26T00:00:00Z');
const SECONDS = Math.floor(NOW.getTime() / 1000);
const ISSUER = 'social-welfare';
const AUDIENCE = 'https://gateway.example/gateway';

const expectations: JwtExpectations = {
  algorithms: ['ES256', 'PS256', 'RS256', 'EdDSA'],
  issuer: ISSUER,
  audience: AUDIENCE,
  subject: ISSUER,
  now: NOW,
  requiredClaims: ['exp', 'iat', 'jti'],
};

async function keyPair(alg: string, kid: string) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg };
  return { privateKey, jwk };
}

const claims = (overrides: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  sub: ISSUER,
  aud: AUDIENCE,
  iat: SECONDS,
  exp: SECONDS + 120,
  jti: 'one',
  ...overrides,
});

/** By hand, so that a test may make what jose would refuse to make (a critical extension, a bad claim). */
const signed = async (
  privateKey: CryptoKey,
  header: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
) => {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(claims(overrides))}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: KeyObject.from(privateKey),
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
};

const why = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof JwtInvalid) return error.why;
    throw error;
  }
  throw new Error('verified');
};

describe('verifyJwt (node:crypto): what jose would accept, and nothing more', () => {
  it.each([
    ['ES256', 'ES256'],
    ['PS256', 'PS256'],
    ['RS256', 'RS256'],
    ['Ed25519', 'EdDSA'],
  ])('verifies a %s token made by jose, with the key its kid names', async (generated, alg) => {
    const { privateKey, jwk } = await keyPair(generated, 'k1');
    const other = await keyPair('ES256', 'k0');
    const token = await new SignJWT(claims()).setProtectedHeader({ alg, kid: 'k1' }).sign(privateKey);
    const { payload } = verifyJwt(
      token,
      verifyingKeysOf({ keys: [other.jwk, { ...jwk, alg }] }),
      expectations,
    );
    expect(payload).toMatchObject({ iss: ISSUER, jti: 'one' });
  });

  it('refuses a payload changed after signing, and a signature of another key', async () => {
    const { privateKey, jwk } = await keyPair('ES256', 'k1');
    const keys = verifyingKeysOf({ keys: [jwk] });
    const token = await signed(privateKey, { alg: 'ES256', kid: 'k1' });
    const [header, , signature] = token.split('.');
    const changed = Buffer.from(JSON.stringify(claims({ sub: 'someone-else' }))).toString('base64url');
    expect(why(() => verifyJwt(`${header}.${changed}.${signature}`, keys, expectations))).toBe(
      'signature not valid',
    );
    const stranger = await keyPair('ES256', 'k1');
    const forged = await signed(stranger.privateKey, { alg: 'ES256', kid: 'k1' });
    expect(why(() => verifyJwt(forged, keys, expectations))).toBe('signature not valid');
  });

  it('refuses alg none, HMAC, an algorithm not allowed, and an algorithm of another key type', async () => {
    const { privateKey, jwk } = await keyPair('ES256', 'k1');
    const keys = verifyingKeysOf({ keys: [jwk] });
    const body = Buffer.from(JSON.stringify(claims())).toString('base64url');
    const header = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    expect(why(() => verifyJwt(`${header({ alg: 'none' })}.${body}.`, keys, expectations))).toBe(
      'algorithm not accepted',
    );
    expect(why(() => verifyJwt(`${header({ alg: 'HS256' })}.${body}.c2ln`, keys, expectations))).toBe(
      'algorithm not accepted',
    );
    const es256 = await signed(privateKey, { alg: 'ES256' });
    expect(why(() => verifyJwt(es256, keys, { ...expectations, algorithms: ['PS256'] }))).toBe(
      'algorithm not accepted',
    );
    // An RSA key registered, a token claiming ES256: no key of that type, whatever the signature.
    const rsa = await keyPair('PS256', 'k1');
    // (es256 is signed by hand with no kid: every key of the right type is a candidate)
    const { alg: _alg, ...withoutAlg } = rsa.jwk;
    expect(why(() => verifyJwt(es256, verifyingKeysOf({ keys: [withoutAlg] }), expectations))).toBe(
      'signature not valid',
    );
  });

  it('never takes a key from the token, and refuses critical extensions', async () => {
    const { privateKey, jwk } = await keyPair('ES256', 'k1');
    const keys = verifyingKeysOf({ keys: [jwk] });
    expect(why(() => verifyJwt('', keys, expectations))).toBe('not a compact JWS');
    for (const header of [
      { alg: 'ES256', jwk },
      { alg: 'ES256', jku: 'https://attacker.example/jwks' },
      { alg: 'ES256', x5c: ['MIIB'] },
    ]) {
      const token = await signed(privateKey, header);
      expect(why(() => verifyJwt(token, keys, expectations))).toBe('the key is never taken from the token');
    }
    const critical = await signed(privateKey, { alg: 'ES256', crit: ['x-ours'], 'x-ours': true });
    expect(why(() => verifyJwt(critical, keys, expectations))).toBe('unsupported critical header');
  });

  it('checks iss, sub, aud (a string or a list), typ, the required claims, exp and nbf with the tolerance', async () => {
    const { privateKey, jwk } = await keyPair('ES256', 'k1');
    const keys = verifyingKeysOf({ keys: [jwk] });
    const check = async (overrides: Record<string, unknown>, changed: Partial<JwtExpectations> = {}) => {
      const token = await signed(privateKey, { alg: 'ES256', typ: 'JWT' }, overrides);
      return why(() => verifyJwt(token, keys, { ...expectations, ...changed }));
    };
    expect(await check({ iss: 'another' })).toBe('unexpected iss');
    expect(await check({ sub: 'another' })).toBe('unexpected sub');
    expect(await check({ aud: 'https://elsewhere.example' })).toBe('unexpected aud');
    expect(await check({ jti: undefined })).toBe('missing jti');
    expect(await check({ exp: String(SECONDS + 60) })).toBe('exp must be a number');
    expect(await check({ exp: SECONDS })).toBe('expired');
    expect(await check({ exp: SECONDS - 10 }, { clockToleranceS: 5 })).toBe('expired');
    expect(await check({ nbf: SECONDS + 10 })).toBe('not yet valid');
    expect(await check({}, { typ: 'exchange-request+jwt' })).toBe('unexpected typ');

    const fine = await signed(privateKey, { alg: 'ES256' }, { aud: ['other', AUDIENCE], exp: SECONDS - 10 });
    expect(verifyJwt(fine, keys, { ...expectations, clockToleranceS: 30 }).payload['jti']).toBe('one');
  });

  it('leaves out the keys it cannot trust: RSA under 2048 bits, and what does not import', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weak = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    expect(verifyingKeysOf({ keys: [weak, { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }] })).toEqual([]);
  });
});
