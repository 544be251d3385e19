import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { generateKeyPair } from 'jose';
import type { JsonObject } from '#libs/event-store';
import { signDevicePayload } from '#libs/identity';
import {
  personFor,
  startIdentityPlatform,
  type IdentityPlatform,
  type Problem,
} from './identity-platform.js';

/*
 * A device key is enrolled only with proof that the requester holds its private half: the new key signs the
 * request that enrols it, at registration, when the app moves to a new phone, and at a counter.
 */

let platform: IdentityPlatform;
let people = 900_000;

beforeAll(async () => {
  platform = await startIdentityPlatform();
});
afterAll(() => platform.close());

/** A signature as the app makes it, by a key that is not the one being enrolled. */
const strangerSigns = async (payload: JsonObject) =>
  signDevicePayload((await generateKeyPair('ES256')).privateKey, payload, platform.clock.now());

/** A request without its proof is bad input: 400, naming that field alone. */
const expectProofMissing = async (call: () => Promise<unknown>, field: string) => {
  const problem = await platform.expectRefusal(call, 400, 'VALIDATION_FAILED');
  expect(problem.violations?.map((v) => v.field)).toEqual([field]);
};

const revealsNothing = (problem: Problem, ...secrets: string[]) => {
  for (const secret of secrets) expect(JSON.stringify(problem)).not.toContain(secret);
};

describe('registration', () => {
  const register = (body: object, idempotencyKey?: string) => {
    const call = platform.http.post('/citizens');
    return (idempotencyKey === undefined ? call : call.set('Idempotency-Key', idempotencyKey)).send(body);
  };

  it('needs the proof: without it, 400 naming the field', async () => {
    const { deviceProof: _, ...unproven } = await (
      await platform.installApp()
    ).signRegistration(personFor(++people));
    await expectProofMissing(() => register(unproven), 'deviceProof');
  });

  it('refuses a proof by another key, writing nothing: the HKID number is still free', async () => {
    const phone = await platform.installApp();
    const person = personFor(++people);
    const body = await phone.signRegistration(person);
    const { deviceProof: _, ...request } = body;
    const forged = { ...body, deviceProof: await strangerSigns({ action: 'register', ...request }) };

    const problem = await platform.expectRefusal(() => register(forged), 400, 'DEVICE_KEY_PROOF_INVALID');
    revealsNothing(problem, person.hkid.slice(0, 7), forged.deviceProof);
    expect(await phone.sendRegistration(body)).toMatchObject({ deviceId: phone.deviceId });
  });

  it('refuses a proof over another request: other personal data, another kind of request', async () => {
    const phone = await platform.installApp();
    const body = await phone.signRegistration(personFor(++people));
    for (const tampered of [
      { ...body, hkid: personFor(++people).hkid },
      { ...body, nameEn: 'WONG, Siu Ming' },
      { ...body, nameZh: undefined },
      { ...body, deviceProof: (await phone.signKeyProof(randomUUID())).newDeviceSignature },
    ]) {
      await platform.expectRefusal(() => register(tampered), 400, 'DEVICE_KEY_PROOF_INVALID');
    }
    await register(body).expect(201);
  });

  it('refuses a proof made more than five minutes ago', async () => {
    const body = await (await platform.installApp()).signRegistration(personFor(++people));
    platform.clock.advance(5 * 60_000 + 1_000);
    await platform.expectRefusal(() => register(body), 400, 'DEVICE_KEY_PROOF_INVALID');
  });

  it('answers a retry under the same Idempotency-Key with the first answer, even once its proof is old', async () => {
    const body = await (await platform.installApp()).signRegistration(personFor(++people));
    const key = randomUUID();
    const first = await register(body, key).expect(201);
    platform.clock.advance(10 * 60_000);
    const before = (await platform.log()).length;
    expect((await register(body, key).expect(201)).body).toEqual(first.body);
    expect((await platform.log()).length).toBe(before);
    // Not a retry: the old proof is checked, and refused.
    await platform.expectRefusal(() => register(body, randomUUID()), 400, 'DEVICE_KEY_PROOF_INVALID');
    await platform.expectRefusal(() => register(body), 400, 'DEVICE_KEY_PROOF_INVALID');
  });
});

describe('moving the account to a new phone, from the app', () => {
  const enrol = (citizenId: string, body: object) =>
    platform.http.post(`/citizens/${citizenId}/devices`).send(body);

  it('needs the new phone to sign: without it, 400 naming the field', async () => {
    const phone = await platform.registeredApp();
    const { newDeviceSignature: _, ...unproven } = await phone.signEnrolment(await platform.installApp());
    await expectProofMissing(() => enrol(phone.citizenId, unproven), 'newDeviceSignature');
  });

  it('refuses the proof of another key, the current phone signing for the new one included', async () => {
    const phone = await platform.registeredApp();
    const next = await platform.installApp();
    const request = {
      action: 'enrol-device',
      citizenId: phone.citizenId,
      devicePublicKey: next.devicePublicKey,
    };
    // The current phone's signature is good once: each attempt is signed by it afresh.
    const current = await phone.signEnrolment(next);
    for (const body of [
      { ...current, newDeviceSignature: current.signature },
      { ...(await phone.signEnrolment(next)), newDeviceSignature: await strangerSigns(request) },
    ]) {
      await platform.expectRefusal(() => enrol(phone.citizenId, body), 400, 'DEVICE_KEY_PROOF_INVALID');
    }
  });

  it('refuses a new phone proof made for another citizen', async () => {
    const phone = await platform.registeredApp();
    const next = await platform.installApp();
    const { newDeviceSignature } = await next.signKeyProof(randomUUID());
    const body = { ...(await phone.signEnrolment(next)), newDeviceSignature };
    await platform.expectRefusal(() => enrol(phone.citizenId, body), 400, 'DEVICE_KEY_PROOF_INVALID');
  });

  it('enrols the new phone when both sign', async () => {
    const phone = await platform.registeredApp();
    const next = await platform.installApp();
    expect((await enrol(phone.citizenId, await phone.signEnrolment(next)).expect(201)).body).toMatchObject({
      activeDeviceId: next.deviceId,
    });
  });
});

describe('enrolling a phone at a counter', () => {
  const enrol = (citizenId: string, body: object) =>
    platform.admin(`/admin/citizens/${citizenId}/devices`, body);

  it('needs the new phone to sign: without it, 400 naming the field', async () => {
    const phone = await platform.registeredApp();
    const { devicePublicKey } = await platform.installApp();
    await expectProofMissing(() => enrol(phone.citizenId, { devicePublicKey }), 'newDeviceSignature');
  });

  it('refuses the proof of another key, or one made for another citizen', async () => {
    const phone = await platform.registeredApp();
    const next = await platform.installApp();
    const { devicePublicKey } = next;
    const request = { action: 'enrol-device', citizenId: phone.citizenId, devicePublicKey };
    for (const newDeviceSignature of [
      await strangerSigns(request),
      (await next.signKeyProof(randomUUID())).newDeviceSignature,
    ]) {
      const problem = await platform.expectRefusal(
        () => enrol(phone.citizenId, { devicePublicKey, newDeviceSignature }),
        400,
        'DEVICE_KEY_PROOF_INVALID',
      );
      revealsNothing(problem, newDeviceSignature);
    }
    await enrol(phone.citizenId, await next.signKeyProof(phone.citizenId)).expect(201);
  });
});
