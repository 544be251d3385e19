import { beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { storageTargets } from '../support/storage-targets.js';
import {
  newKey,
  registerKey,
  registeredCorporation,
  sign,
  signFlattened,
  corporatePlatformFor,
  type CorporateKey,
} from './corporate-platform.js';

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

interface Attack {
  readonly name: string;
  readonly body: () => Promise<Record<string, unknown>>;
  readonly indication: 'TOTAL_FAILED' | 'INDETERMINATE';
  readonly subIndication: string;
}

describe.each(storageTargets('corporate_attacks'))('attack corpus of JWS on %s', (_name, target) => {
  const platform = corporatePlatformFor(target);
  let key: CorporateKey;
  let kid: string;
  let otherKid: string;
  let rsa: CorporateKey;
  let rsaKid: string;

  /** Signs `header.payload` as given, with the genuine key: what an attacker's own tooling would send. */
  const handSigned = (header: Record<string, unknown>, payload = b64('contract #1')) => {
    const input = `${b64(header)}.${payload}`;
    const signature = cryptoSign('sha256', Buffer.from(input), {
      key: key.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  };
  const genuine = () => sign(key, kid);

  beforeAll(async () => {
    const registered = await registeredCorporation(platform.http, 'ES256');
    key = registered.key!;
    kid = registered.kid;
    otherKid = (await registeredCorporation(platform.http, 'ES256')).kid;
    rsa = newKey('PS256');
    rsaKid = await registerKey(platform.http, registered.corporationId, rsa, { algorithms: ['PS256'] });
  });

  const attacks: Attack[] = [
    {
      name: 'alg none, no signature',
      body: async () => ({ jws: `${b64({ alg: 'none', kid })}.${b64('contract #1')}.` }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'alg none, with a signature part',
      body: async () => ({ jws: `${b64({ alg: 'none', kid })}.${b64('contract #1')}.AAAA` }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'HS256 keyed with the registered public key (JWK JSON)',
      body: async () => {
        const input = `${b64({ alg: 'HS256', kid })}.${b64('contract #1')}`;
        const mac = createHmac('sha256', JSON.stringify(key.publicJwk)).update(input).digest('base64url');
        return { jws: `${input}.${mac}` };
      },
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'HS256 keyed with the x coordinate',
      body: async () => {
        const input = `${b64({ alg: 'HS256', kid })}.${b64('contract #1')}`;
        const mac = createHmac('sha256', String(key.publicJwk['x'])).update(input).digest('base64url');
        return { jws: `${input}.${mac}` };
      },
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'the attacker’s own key in a jwk header, signed by it',
      body: async () => {
        const attacker = newKey('ES256');
        return { jws: await sign(attacker, kid, 'contract #1', { jwk: attacker.publicJwk }) };
      },
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    ...(['jku', 'x5u'] as const).map((header): Attack => ({
      name: `a ${header} URL in the header`,
      body: async () => ({
        jws: await sign(key, kid, 'contract #1', { [header]: 'https://attacker.example/k' }),
      }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    })),
    {
      name: 'an x5c chain in the header',
      body: async () => ({ jws: handSigned({ alg: 'ES256', kid, x5c: ['MIIBIjANBg'] }) }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'an unknown critical header',
      body: async () => ({ jws: handSigned({ alg: 'ES256', kid, crit: ['exp'], exp: 1 }) }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'crit naming an absent header',
      body: async () => ({ jws: handSigned({ alg: 'ES256', kid, crit: ['b64'] }) }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'an empty crit',
      body: async () => ({ jws: handSigned({ alg: 'ES256', kid, crit: [] }) }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'b64=false without crit (RFC 7797 §6)',
      body: async () => ({ jws: handSigned({ alg: 'ES256', kid, b64: false }, 'contract') }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'b64 as a string',
      body: async () => ({ jws: handSigned({ alg: 'ES256', kid, b64: 'false', crit: ['b64'] }) }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'a b64=true signature replayed as b64=false',
      body: async () => {
        const [, payload, signature] = (await genuine()).split('.');
        const header = b64({ alg: 'ES256', kid, b64: false, crit: ['b64'] });
        return { jws: `${header}..${signature}`, detachedPayload: b64(payload!) };
      },
      indication: 'TOTAL_FAILED',
      subIndication: 'HASH_FAILURE',
    },
    {
      name: 'an unknown kid',
      body: async () => ({ jws: await sign(key, 'no-such-key') }),
      indication: 'INDETERMINATE',
      subIndication: 'NO_SIGNING_CERTIFICATE_FOUND',
    },
    {
      name: 'no kid at all',
      body: async () => ({ jws: handSigned({ alg: 'ES256' }) }),
      indication: 'INDETERMINATE',
      subIndication: 'NO_SIGNING_CERTIFICATE_FOUND',
    },
    {
      name: 'the kid of another corporation’s key',
      body: async () => ({ jws: await sign(key, otherKid) }),
      indication: 'TOTAL_FAILED',
      subIndication: 'SIG_CRYPTO_FAILURE',
    },
    {
      name: 'a kid that is not a string',
      body: async () => ({ jws: handSigned({ alg: 'ES256', kid: { $ne: null } }) }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'a truncated token (two parts)',
      body: async () => ({ jws: (await genuine()).split('.').slice(0, 2).join('.') }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'a truncated signature',
      body: async () => ({ jws: (await genuine()).slice(0, -10) }),
      indication: 'TOTAL_FAILED',
      subIndication: 'SIG_CRYPTO_FAILURE',
    },
    {
      name: 'an empty signature',
      body: async () => ({ jws: `${(await genuine()).split('.').slice(0, 2).join('.')}.` }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'a DER-encoded ES256 signature',
      body: async () => {
        const [header, payload] = (await genuine()).split('.');
        const der = cryptoSign('sha256', Buffer.from(`${header}.${payload}`), key.privateKey);
        return { jws: `${header}.${payload}.${der.toString('base64url')}` };
      },
      indication: 'TOTAL_FAILED',
      subIndication: 'SIG_CRYPTO_FAILURE',
    },
    {
      name: 'four parts',
      body: async () => ({ jws: `${await genuine()}.AAAA` }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'the empty string',
      body: async () => ({ jws: '' }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'a huge protected header',
      body: async () => ({ jws: handSigned({ alg: 'ES256', kid, pad: 'x'.repeat(20_000) }) }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'a huge payload, tampered',
      body: async () => {
        const [header, , signature] = (await genuine()).split('.');
        return { jws: `${header}.${b64('x'.repeat(700_000))}.${signature}` };
      },
      indication: 'TOTAL_FAILED',
      subIndication: 'SIG_CRYPTO_FAILURE',
    },
    {
      name: 'a header that is not JSON',
      body: async () => ({ jws: `${b64('alg=ES256')}.${b64('x')}.AAAA` }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'a header that is a JSON array',
      body: async () => ({ jws: `${b64([{ alg: 'ES256', kid }])}.${b64('x')}.AAAA` }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'a header that is not UTF-8',
      body: async () => ({
        jws: `${Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url')}.${b64('x')}.AAAA`,
      }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'characters outside base64url',
      body: async () => ({ jws: (await genuine()).replace(/^./, '+') }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'a tampered payload',
      body: async () => {
        const [header, , signature] = (await genuine()).split('.');
        return { jws: `${header}.${b64('contract #2')}.${signature}` };
      },
      indication: 'TOTAL_FAILED',
      subIndication: 'SIG_CRYPTO_FAILURE',
    },
    {
      name: 'a tampered header (kid kept, typ added)',
      body: async () => {
        const [, payload, signature] = (await genuine()).split('.');
        return { jws: `${b64({ alg: 'ES256', kid, typ: 'JWT' })}.${payload}.${signature}` };
      },
      indication: 'TOTAL_FAILED',
      subIndication: 'SIG_CRYPTO_FAILURE',
    },
    {
      name: 'a detached payload that is not the one signed',
      body: async () => {
        const [header, , signature] = (await genuine()).split('.');
        return { jws: `${header}..${signature}`, detachedPayload: b64('contract #2') };
      },
      indication: 'TOTAL_FAILED',
      subIndication: 'HASH_FAILURE',
    },
    {
      name: 'a payload both attached and detached',
      body: async () => ({ jws: await genuine(), detachedPayload: b64('contract #1') }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'a detached payload that is not base64url',
      body: async () => {
        const [header, , signature] = (await genuine()).split('.');
        return { jws: `${header}..${signature}`, detachedPayload: 'not base64url!' };
      },
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'RS256 by a key registered for PS256 only',
      body: async () => ({ jws: await sign({ ...rsa, alg: 'RS256' }, rsaKid) }),
      indication: 'INDETERMINATE',
      subIndication: 'CRYPTO_CONSTRAINTS_FAILURE',
    },
    {
      name: 'EdDSA claimed for an EC key',
      body: async () => {
        const ed = generateKeyPairSync('ed25519');
        return { jws: await sign({ privateKey: ed.privateKey, publicJwk: {}, alg: 'EdDSA' }, kid) };
      },
      indication: 'INDETERMINATE',
      subIndication: 'CRYPTO_CONSTRAINTS_FAILURE',
    },
    {
      name: 'ES384, an algorithm not on the list',
      body: async () => ({ jws: handSigned({ alg: 'ES384', kid }) }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'alg missing',
      body: async () => ({ jws: handSigned({ kid }) }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'an unprotected header overriding kid (JSON serialization)',
      body: async () => ({ jws: { ...(await signFlattened(key, kid, 'x')), header: { kid: otherKid } } }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'two signatures in a general JSON serialization',
      body: async () => {
        const one = await signFlattened(key, kid, 'x');
        const sig = { protected: one.protected, signature: one.signature };
        return { jws: { payload: one.payload, signatures: [sig, sig] } };
      },
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'a JSON serialization without a signature',
      body: async () => {
        const { signature: _signature, ...rest } = await signFlattened(key, kid, 'x');
        return { jws: rest };
      },
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'jws as a number',
      body: async () => ({ jws: 42 }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'jws as an array',
      body: async () => ({ jws: [await genuine()] }),
      indication: 'TOTAL_FAILED',
      subIndication: 'FORMAT_FAILURE',
    },
    {
      name: 'a forged timestamp (signed by the attacker, platform-like header)',
      body: async () => {
        const jws = await genuine();
        const attacker = newKey('ES256');
        const forged = await sign(
          attacker,
          'platform',
          JSON.stringify({ genTime: '2020-01-01T00:00:00.000Z' }),
          {
            typ: 'corporate-signature-timestamp+jwt',
          },
        );
        return { jws, timestamp: forged };
      },
      indication: 'INDETERMINATE',
      subIndication: 'NO_POE',
    },
    {
      name: 'a timestamp that is not a JWS',
      body: async () => ({ jws: await genuine(), timestamp: 'yesterday' }),
      indication: 'INDETERMINATE',
      subIndication: 'NO_POE',
    },
  ];

  it.each(attacks.map((attack) => [attack.name, attack] as const))(
    '%s: never TOTAL_PASSED, never a 5xx',
    async (_attackName, attack) => {
      const response = await platform.http.post('/corporate/signatures/validation').send(await attack.body());
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        indication: attack.indication,
        subIndication: attack.subIndication,
      });
      expect(JSON.stringify(response.body)).not.toMatch(/stack|Error:/);
    },
  );

  it('answers a body that is not a validation request with a 400, not a report', async () => {
    const missing = await platform.http.post('/corporate/signatures/validation').send({}).expect(400);
    expect(missing.body.code).toBe('VALIDATION_FAILED');
    const extra = await platform.http
      .post('/corporate/signatures/validation')
      .send({ jws: await genuine(), key: key.publicJwk })
      .expect(400);
    expect(extra.body.code).toBe('VALIDATION_FAILED');
    await platform.http
      .post('/corporate/signatures/validation')
      .set('content-type', 'application/json')
      .send('{"jws":')
      .expect(400);
  });
});
