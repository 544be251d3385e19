import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startIdentityPlatform, type IdentityPlatform } from './identity-platform.js';

let platform: IdentityPlatform;

beforeAll(async () => {
  platform = await startIdentityPlatform();
});
afterAll(() => platform.close());

const directoryEntry = async (citizenId: string) => {
  await platform.projected();
  return (await platform.http.get(`/citizens/${citizenId}`).expect(200)).body;
};

describe('devices, from the app', () => {
  it('moves the account to a new phone: the old one is revoked as replaced and can no longer act', async () => {
    const oldPhone = await platform.registeredApp();
    const newPhone = await oldPhone.enrolNewDevice();
    const log = await platform.log();
    expect(log.slice(-2).map((e) => [e.type, e.data])).toEqual([
      ['DeviceRevoked', expect.objectContaining({ deviceId: oldPhone.deviceId, reason: 'replaced' })],
      ['DeviceEnrolled', expect.objectContaining({ deviceId: newPhone.deviceId })],
    ]);
    expect(await directoryEntry(oldPhone.citizenId)).toMatchObject({ status: 'active', activeDevices: 1 });
    await platform.expectRefusal(
      () => oldPhone.updateProfile({ email: 'a@example.hk' }),
      403,
      'DEVICE_REVOKED',
    );
    await platform.expectRefusal(() => oldPhone.enrolNewDevice(), 403, 'DEVICE_REVOKED');
    expect(await newPhone.updateProfile({ email: 'a@example.hk' })).toEqual({
      citizenId: oldPhone.citizenId,
      status: 'active',
      assuranceLevel: 'basic',
      activeDeviceId: newPhone.deviceId,
      administrator: false,
    });
  });

  it('reports itself lost; an administrator then enrols the next phone after an in-person check', async () => {
    const phone = await platform.registeredApp();
    expect(await phone.reportDeviceLost()).toMatchObject({ activeDeviceId: null });
    expect(await directoryEntry(phone.citizenId)).toMatchObject({ activeDevices: 0 });
    await platform.expectRefusal(() => phone.reportDeviceLost(), 403, 'DEVICE_REVOKED');

    const next = await platform.installApp();
    const path = `/admin/citizens/${phone.citizenId}/devices`;
    await next.enrolAtCounter(phone.citizenId, async (body) => {
      const enrolled = await platform.admin(path, body);
      expect(enrolled.status).toBe(201);
      expect(enrolled.body).toMatchObject({ citizenId: phone.citizenId, activeDeviceId: next.deviceId });
    });
    expect(await directoryEntry(phone.citizenId)).toMatchObject({ activeDevices: 1 });
    expect(await next.updateProfile({ email: 'a@example.hk' })).toMatchObject({
      activeDeviceId: next.deviceId,
    });
    const again = await next.signKeyProof(phone.citizenId);
    await platform.expectRefusal(() => platform.admin(path, again), 409, 'DEVICE_ALREADY_ENROLLED');
  });

  it('an administrator reports a phone lost for a citizen who called the hotline', async () => {
    const phone = await platform.registeredApp();
    const path = `/admin/citizens/${phone.citizenId}/devices/${phone.deviceId}/lost`;
    expect((await platform.admin(path).expect(200)).body).toMatchObject({ activeDeviceId: null });
    await platform.expectRefusal(() => platform.admin(path), 409, 'DEVICE_ALREADY_REVOKED');
  });

  it('refuses a new device key that is not a public P-256 key, writing nothing', async () => {
    const phone = await platform.registeredApp();
    const { newDeviceSignature } = await (await platform.installApp()).signKeyProof(phone.citizenId);
    await platform.expectRefusal(
      () =>
        platform.admin(`/admin/citizens/${phone.citizenId}/devices`, {
          devicePublicKey: { kty: 'RSA' },
          newDeviceSignature,
        }),
      400,
      'DEVICE_KEY_INVALID',
    );
  });
});

describe('the e-ME profile', () => {
  it('keeps each detail sealed, and refuses invalid ones without quoting them', async () => {
    const phone = await platform.registeredApp();
    await phone.updateProfile({
      address: 'Flat 8, 88 Nathan Road',
      phone: '+85291234567',
      email: 'ng@example.hk',
    });
    const log = JSON.stringify(await platform.log(), (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    for (const secret of ['Nathan Road', '91234567', 'ng@example.hk']) expect(log).not.toContain(secret);

    const bad = await platform.expectRefusal(
      () => phone.updateProfile({ phone: '91234567', email: 'not-an-email' }),
      400,
      'VALIDATION_FAILED',
    );
    expect(bad.violations?.map((v) => v.field).sort()).toEqual(['profile.email', 'profile.phone']);
    expect(JSON.stringify(bad)).not.toContain('not-an-email');
    await platform.expectRefusal(() => phone.updateProfile({}), 400, 'PROFILE_UPDATE_EMPTY');
  });

  it('refuses a signature made for another action, another citizen, or too long ago', async () => {
    const sent: { path: string; body: Record<string, unknown> }[] = [];
    const recording: typeof fetch = (input, init) => {
      sent.push({ path: new URL(String(input)).pathname, body: JSON.parse(String(init?.body ?? '{}')) });
      return fetch(input, init);
    };
    const phone = await platform.registeredApp({ fetch: recording });
    const other = await platform.registeredApp();
    await phone.updateProfile({ email: 'first@example.hk' });
    const update = sent[sent.length - 1]!;

    await platform.expectRefusal(
      () =>
        platform.http
          .post(`/citizens/${phone.citizenId}/devices/${phone.deviceId}/lost`)
          .send({ signature: update.body['signature'] }),
      401,
      'DEVICE_SIGNATURE_INVALID',
    );
    await platform.expectRefusal(
      () => platform.http.patch(`/citizens/${other.citizenId}/profile`).send(update.body),
      401,
      'DEVICE_SIGNATURE_INVALID',
    );
    await platform.expectRefusal(
      () => platform.http.patch(update.path).send({ ...update.body, profile: { email: 'other@example.hk' } }),
      401,
      'DEVICE_SIGNATURE_INVALID',
    );
    platform.clock.advance(5 * 60_000 + 1_000);
    await platform.expectRefusal(
      () => platform.http.patch(update.path).send(update.body),
      401,
      'DEVICE_SIGNATURE_INVALID',
    );
  });

  it('takes a signed request once: replayed within its five minutes it is refused, not applied again', async () => {
    const sent: { path: string; body: Record<string, unknown>; response: unknown }[] = [];
    let idempotencyKey: string | undefined = undefined;
    const recording: typeof fetch = async (input, init) => {
      const headers = { ...(init?.headers as Record<string, string>) };
      if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
      const response = await fetch(input, { ...init, headers });
      sent.push({
        path: new URL(String(input)).pathname,
        body: JSON.parse(String(init?.body ?? '{}')),
        response: await response.clone().json(),
      });
      return response;
    };
    const phone = await platform.registeredApp({ fetch: recording });
    const profileUpdates = async () =>
      (await platform.log()).filter(
        (e) => e.stream === `citizen-${phone.citizenId}` && e.type === 'ProfileUpdated',
      ).length;

    await phone.updateProfile({ email: 'before@example.hk' });
    const first = sent[sent.length - 1]!;
    platform.clock.advance(1_000);
    await phone.updateProfile({ email: 'after@example.hk' });
    // Sent again, the first change would undo the second: the platform refuses it and writes nothing.
    await platform.expectRefusal(
      () => platform.http.patch(first.path).send(first.body),
      401,
      'DEVICE_SIGNATURE_REPLAYED',
    );
    expect(await profileUpdates()).toBe(2);

    // A retry under the first request's Idempotency-Key (its answer was lost) gets that answer, once applied.
    idempotencyKey = randomUUID();
    platform.clock.advance(1_000);
    await phone.updateProfile({ email: 'keyed@example.hk' });
    const keyed = sent[sent.length - 1]!;
    const retry = await platform.http
      .patch(keyed.path)
      .set('idempotency-key', idempotencyKey)
      .send(keyed.body)
      .expect(200);
    expect(retry.body).toEqual(keyed.response);
    expect(await profileUpdates()).toBe(3);
    // Without that key, or under another one, it is a replay.
    await platform.expectRefusal(
      () => platform.http.patch(keyed.path).send(keyed.body),
      401,
      'DEVICE_SIGNATURE_REPLAYED',
    );
    await platform.expectRefusal(
      () => platform.http.patch(keyed.path).set('idempotency-key', randomUUID()).send(keyed.body),
      401,
      'DEVICE_SIGNATURE_REPLAYED',
    );
    expect(await profileUpdates()).toBe(3);
  });

  it('refuses an app request for a citizen who does not exist', async () => {
    await platform.expectRefusal(
      () =>
        platform.http
          .patch(`/citizens/${randomUUID()}/profile`)
          .send({ deviceId: 'd'.repeat(43), profile: { email: 'x@example.hk' }, signature: 'e30.e30.e30' }),
      401,
      'DEVICE_SIGNATURE_INVALID',
    );
  });
});

describe('administrators', () => {
  it('verify a citizen in person: plus from then on, once', async () => {
    const phone = await platform.registeredApp();
    const path = `/admin/citizens/${phone.citizenId}/identity-verification`;
    expect((await platform.admin(path).expect(200)).body).toMatchObject({ assuranceLevel: 'plus' });
    expect(await directoryEntry(phone.citizenId)).toMatchObject({ assuranceLevel: 'plus' });
    await platform.expectRefusal(() => platform.admin(path), 409, 'IDENTITY_ALREADY_VERIFIED');
  });

  it('suspend and reinstate a citizen, with a reason code', async () => {
    const phone = await platform.registeredApp();
    const suspension = `/admin/citizens/${phone.citizenId}/suspension`;
    const reinstatement = `/admin/citizens/${phone.citizenId}/reinstatement`;
    await platform.expectRefusal(
      () => platform.admin(suspension, { reason: 'bored' }),
      400,
      'VALIDATION_FAILED',
    );
    await platform.expectRefusal(
      () => platform.admin(reinstatement, { reason: 'citizen-request' }),
      409,
      'CITIZEN_NOT_SUSPENDED',
    );

    expect(
      (await platform.admin(suspension, { reason: 'account-compromised' }).expect(200)).body,
    ).toMatchObject({
      status: 'suspended',
    });
    expect(await directoryEntry(phone.citizenId)).toMatchObject({ status: 'suspended' });
    await platform.expectRefusal(
      () => platform.admin(suspension, { reason: 'legal-order' }),
      409,
      'CITIZEN_ALREADY_SUSPENDED',
    );
    await platform.expectRefusal(
      () => phone.updateProfile({ email: 'x@example.hk' }),
      403,
      'CITIZEN_SUSPENDED',
    );
    await platform.expectRefusal(() => phone.enrolNewDevice(), 403, 'CITIZEN_SUSPENDED');

    await platform.admin(reinstatement, { reason: 'suspended-in-error' }).expect(200);
    expect(await directoryEntry(phone.citizenId)).toMatchObject({ status: 'active' });
    expect(await phone.updateProfile({ email: 'x@example.hk' })).toMatchObject({ status: 'active' });
  });

  it('need the admin token, and a citizen that exists', async () => {
    const phone = await platform.registeredApp();
    const path = `/admin/citizens/${phone.citizenId}/identity-verification`;
    await platform.expectRefusal(() => platform.http.post(path), 401, 'ADMIN_TOKEN_REQUIRED');
    await platform.expectRefusal(
      () => platform.http.post(path).set('Authorization', 'Bearer not-the-admin-token'),
      401,
      'ADMIN_TOKEN_INVALID',
    );
    await platform.expectRefusal(
      () => platform.admin(`/admin/citizens/${randomUUID()}/identity-verification`),
      404,
      'CITIZEN_NOT_FOUND',
    );
  });
});
