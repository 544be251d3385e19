import { describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { JsonObject } from '#libs/event-store';
import { provenDeviceKey } from './device-key-proof.js';
import { enrolDeviceAction, signDevicePayload } from './signed-payloads.js';

const now = new Date('2026-05-01T09:00:00.000Z');
const newPhone = await generateKeyPair('ES256', { extractable: true });
const { kty, crv, x, y } = await exportJWK(newPhone.publicKey);
const publicKey = { kty: kty!, crv: crv!, x: x!, y: y! } satisfies JsonObject;
const payload = enrolDeviceAction('c-1', publicKey);

describe('provenDeviceKey', () => {
  it('answers the key, named by its thumbprint, when that key signed the request', async () => {
    const proof = await signDevicePayload(newPhone.privateKey, payload, now);
    await expect(provenDeviceKey(publicKey, proof, payload, now)).resolves.toEqual({
      deviceId: await calculateJwkThumbprint(publicKey, 'sha256'),
      publicKey,
    });
  });

  it('refuses, with its own 400, a signature by another key or over another request', async () => {
    const stranger = await generateKeyPair('ES256');
    for (const proof of [
      await signDevicePayload(stranger.privateKey, payload, now),
      await signDevicePayload(newPhone.privateKey, enrolDeviceAction('c-2', publicKey), now),
    ]) {
      await expect(provenDeviceKey(publicKey, proof, payload, now)).rejects.toMatchObject({
        code: 'DEVICE_KEY_PROOF_INVALID',
        status: 400,
      });
    }
  });

  it('judges the key before its proof', async () => {
    const proof = await signDevicePayload(newPhone.privateKey, payload, now);
    await expect(provenDeviceKey({ kty: 'RSA' }, proof, payload, now)).rejects.toMatchObject({
      code: 'DEVICE_KEY_INVALID',
    });
  });
});
