import { describe, expect, it } from '@jest/globals';
import { createHmac, KeyObject, sign } from 'node:crypto';
import { CompactSign, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import type { JsonObject } from '#libs/event-store';
import type { DevicePublicKey } from '../domain/citizen.events.js';
import { loginDecisionPayload, signDevicePayload } from './signed-payloads.js';
import { verifyDeviceSignature } from './verify-device-signature.js';

const now = new Date('2026-05-01T09:00:00.000Z');
const device = await generateKeyPair('ES256', { extractable: true });
const { kty, crv, x, y } = await exportJWK(device.publicKey);
const publicKey = { kty, crv, x, y } as DevicePublicKey;
const payload = loginDecisionPayload({
  loginRequestId: 'l-1',
  challenge: 'c'.repeat(43),
  decision: 'approve',
  approvedClaims: ['name', 'email'],
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const signWith = (key: CryptoKey, header: Record<string, unknown>, body: unknown) =>
  new CompactSign(new TextEncoder().encode(JSON.stringify(body)))
    .setProtectedHeader({ alg: 'ES256', ...header })
    .sign(key);
/** For headers jose itself refuses to produce: what an attacker's own tooling would send. */
const handSigned = (header: Record<string, unknown>, body: unknown, encode = b64) => {
  const input = `${b64({ alg: 'ES256', ...header })}.${encode(body)}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: KeyObject.from(device.privateKey),
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
};
const iat = (at: Date) => Math.floor(at.getTime() / 1000);

const rejects = (jws: string, expected: JsonObject = payload, at = now) =>
  expect(verifyDeviceSignature(jws, publicKey, expected, at)).rejects.toMatchObject({
    code: 'DEVICE_SIGNATURE_INVALID',
    status: 401,
  });

describe('verifyDeviceSignature', () => {
  it('accepts the device key ES256 signature over exactly the expected payload', async () => {
    const jws = await signDevicePayload(device.privateKey, payload, now);
    await expect(verifyDeviceSignature(jws, publicKey, payload, now)).resolves.toEqual({
      acceptableUntil: expect.any(Date),
    });
  });

  it('says until when the signature is acceptable: its iat plus the 5 minutes of allowed skew', async () => {
    const jws = await signDevicePayload(device.privateKey, payload, now);
    await expect(verifyDeviceSignature(jws, publicKey, payload, now)).resolves.toEqual({
      acceptableUntil: new Date(now.getTime() + 300_000),
    });
  });

  it('signs each time uniquely (jti), and refuses a jti that is not a short string', async () => {
    const [first, second] = await Promise.all([
      signDevicePayload(device.privateKey, payload, now),
      signDevicePayload(device.privateKey, payload, now),
    ]);
    expect(first.split('.')[1]).not.toBe(second.split('.')[1]);
    await rejects(await signWith(device.privateKey, {}, { ...payload, iat: iat(now), jti: 42 }));
    await rejects(await signWith(device.privateKey, {}, { ...payload, iat: iat(now), jti: 'j'.repeat(65) }));
  });

  it('binds the claims as a sorted list, whatever order the citizen picked them in', () => {
    expect(payload['approvedClaims']).toEqual(['email', 'name']);
  });

  it('accepts a device clock up to 5 minutes off, no more', async () => {
    for (const skew of [-300_000, 300_000]) {
      const jws = await signDevicePayload(device.privateKey, payload, new Date(now.getTime() + skew));
      await expect(verifyDeviceSignature(jws, publicKey, payload, now)).resolves.toEqual({
        acceptableUntil: expect.any(Date),
      });
    }
    for (const skew of [-301_000, 301_000]) {
      await rejects(await signDevicePayload(device.privateKey, payload, new Date(now.getTime() + skew)));
    }
  });

  it('refuses a payload without iat, or with an iat that is not a number', async () => {
    await rejects(await signWith(device.privateKey, {}, payload));
    await rejects(await signWith(device.privateKey, {}, { ...payload, iat: String(iat(now)) }));
  });

  it('refuses a payload that differs from the request in any member', async () => {
    const sign = (body: JsonObject) => signWith(device.privateKey, {}, { ...body, iat: iat(now) });
    await rejects(await sign({ ...payload, challenge: 'another challenge' }));
    await rejects(await sign({ ...payload, approvedClaims: ['email', 'hkid', 'name'] }));
    await rejects(await sign({ ...payload, decision: 'deny' }));
    await rejects(await sign({ ...payload, extra: true }));
    const { challenge: _challenge, ...missing } = payload;
    await rejects(await sign(missing));
    const reordered = Object.fromEntries(Object.entries(payload).reverse());
    await expect(verifyDeviceSignature(await sign(reordered), publicKey, payload, now)).resolves.toEqual({
      acceptableUntil: expect.any(Date),
    });
  });

  it('refuses a signature by any other key', async () => {
    const other = await generateKeyPair('ES256');
    await rejects(await signDevicePayload(other.privateKey, payload, now));
  });

  it('refuses a token that names its own key, even one that verifies with it', async () => {
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const attackerJwk = await exportJWK(attacker.publicKey);
    const body = { ...payload, iat: iat(now) };
    await rejects(await signWith(attacker.privateKey, { jwk: attackerJwk }, body));
    await rejects(await signWith(device.privateKey, { jwk: { kty, crv, x, y } }, body));
    await rejects(await signWith(device.privateKey, { jku: 'https://attacker.example/jwks' }, body));
    await rejects(await signWith(device.privateKey, { x5u: 'https://attacker.example/cert' }, body));
    await rejects(await signWith(device.privateKey, { x5c: ['MIIB'] }, body));
  });

  it('refuses critical header extensions, b64=false among them', async () => {
    const body = { ...payload, iat: iat(now) };
    await rejects(handSigned({ crit: ['exp'], exp: 1 }, body));
    await expect(verifyDeviceSignature(handSigned({}, body), publicKey, payload, now)).resolves.toEqual({
      acceptableUntil: expect.any(Date),
    });
    await rejects(handSigned({ b64: false, crit: ['b64'] }, body, JSON.stringify));
  });

  it('refuses every algorithm but ES256: none, HS256 keyed with the public key, ES384', async () => {
    const body = b64({ ...payload, iat: iat(now) });
    await rejects(`${b64({ alg: 'none' })}.${body}.`);
    const hsInput = `${b64({ alg: 'HS256' })}.${body}`;
    const hmac = createHmac('sha256', JSON.stringify(publicKey)).update(hsInput).digest('base64url');
    await rejects(`${hsInput}.${hmac}`);
    const p384 = await generateKeyPair('ES384');
    const es384 = await new CompactSign(
      new TextEncoder().encode(JSON.stringify({ ...payload, iat: iat(now) })),
    )
      .setProtectedHeader({ alg: 'ES384' })
      .sign(p384.privateKey);
    await rejects(es384);
  });

  it('refuses what is not a compact JWS over a JSON object', async () => {
    const valid = await signDevicePayload(device.privateKey, payload, now);
    const [header, body, signature] = valid.split('.');
    await rejects('');
    await rejects('not.a.jws');
    await rejects(`${header}.${body}`);
    await rejects(`${header}.${body}.${signature}.extra`);
    await rejects(`${header}.${body}.${signature!.slice(0, -4)}AAAA`);
    await rejects(await signWith(device.privateKey, {}, [payload]));
    const notJson = await new CompactSign(new TextEncoder().encode('approve please'))
      .setProtectedHeader({ alg: 'ES256' })
      .sign(device.privateKey);
    await rejects(notJson);
  });
});
