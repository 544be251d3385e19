import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import { parseDevicePublicKey } from './device-key.js';

describe('parseDevicePublicKey', () => {
  it('accepts a P-256 public JWK and names the device by its thumbprint', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' };
    const device = await parseDevicePublicKey(jwk);
    expect(device.publicKey).toEqual({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y });
    expect(device.deviceId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await parseDevicePublicKey(jwk)).deviceId).toBe(device.deviceId);
  });

  it('refuses a private key, another curve, and a point off the curve', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    await expect(parseDevicePublicKey(jwk)).rejects.toMatchObject({
      code: 'DEVICE_KEY_INVALID',
      status: 400,
    });
    const { publicKey: p384 } = await generateKeyPair('ES384', { extractable: true });
    await expect(parseDevicePublicKey(await exportJWK(p384))).rejects.toMatchObject({
      code: 'DEVICE_KEY_INVALID',
    });
    const { d: _d, ...pub } = jwk;
    const offCurve = { ...pub, y: pub.x };
    await expect(parseDevicePublicKey(offCurve)).rejects.toMatchObject({ code: 'DEVICE_KEY_INVALID' });
    await expect(parseDevicePublicKey({ kty: 'RSA', n: 'x', e: 'AQAB' })).rejects.toMatchObject({
      code: 'DEVICE_KEY_INVALID',
    });
  });
});
