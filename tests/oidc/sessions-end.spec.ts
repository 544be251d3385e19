import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import * as oidc from 'openid-client';
import request from 'supertest';
import type { EventStore, RecordedEvent } from '#libs/event-store';
import { EVENT_STORE } from '#libs/eventsourcing';
import type { CitizenApp } from '../../libs/identity/src/simulator/citizen-app.js';
import { eventually } from '../support/eventually.js';
import { storageTargets } from '../support/storage-targets.js';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';
import { registeredCorporation } from '../corporate/corporate-platform.js';
import { logIn, registeredCitizen, RelyingParty } from './relying-party.js';

const OFFLINE = { scope: 'openid profile offline_access', prompt: 'consent' };

/** A 401 whose WWW-Authenticate challenge names `error`, as openid-client reports it. */
const challenged = (error: string) => ({
  status: 401,
  cause: [expect.objectContaining({ parameters: expect.objectContaining({ error }) })],
});

describe.each(storageTargets('oidc_sessions'))('Sessions and tokens end at once on %s', (_name, target) => {
  let app: NestExpressApplication;
  let dropStorage: () => Promise<void>;
  let baseUrl: string;
  let store: EventStore;
  let housing: RelyingParty;
  let library: RelyingParty;

  beforeAll(async () => {
    const storage = await target.create();
    dropStorage = storage.drop;
    ({ app, baseUrl } = await startListeningTestPlatform(storage.config));
    store = app.get(EVENT_STORE);
    housing = await RelyingParty.register(baseUrl, 'housing-sessions');
    library = await RelyingParty.register(baseUrl, 'library-sessions');
  });
  afterAll(async () => {
    await app.close();
    await dropStorage();
  });

  const admin = (path: string, body?: object) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body && { body: JSON.stringify(body) }),
    });

  const sessionsEnded = (subject: string) =>
    eventually(async () => {
      const events = await store.readStream(`oidcSessions-${subject}`);
      return events.length > 0 ? events : undefined;
    });

  /** Every way an e-service uses a token answers that it is no longer valid, as an OAuth error. */
  async function expectEnded(rp: RelyingParty, tokens: oidc.TokenEndpointResponse, sub: string) {
    expect(await oidc.tokenIntrospection(rp.config, tokens.access_token)).toMatchObject({ active: false });
    await expect(oidc.fetchUserInfo(rp.config, tokens.access_token, sub)).rejects.toMatchObject(
      challenged('invalid_token'),
    );
    await expect(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)).rejects.toMatchObject({
      status: 400,
      error: 'invalid_grant',
    });
  }

  it('refuses every token of a device at its next use once the device is reported lost, and records the ending', async () => {
    const citizen = await registeredCitizen(baseUrl);
    const atHousing = (await logIn(housing, citizen, ['name'], OFFLINE)).tokens;
    const atLibrary = (await logIn(library, citizen, ['name'], OFFLINE)).tokens;
    expect(await oidc.tokenIntrospection(housing.config, atHousing.access_token)).toMatchObject({
      active: true,
    });

    await citizen.reportDeviceLost();

    // No waiting: the very next use fails.
    await expectEnded(housing, atHousing, atHousing.claims()!.sub);
    await expectEnded(library, atLibrary, atLibrary.claims()!.sub);
    const [ended] = (await sessionsEnded(citizen.citizenId)) as RecordedEvent[];
    expect(ended!.type).toBe('SessionsEnded');
    expect(ended!.data).toMatchObject({
      reason: 'device-lost',
      citizenId: citizen.citizenId,
      deviceId: citizen.deviceId,
      grantsRevoked: 2,
    });
    expect(ended!.data['sessions']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ clientId: 'housing-sessions', sid: expect.any(String) }),
        expect.objectContaining({ clientId: 'library-sessions', sid: expect.any(String) }),
      ]),
    );
  });

  it('ends what the old phone approved when the account moves to a new one, not what the new phone approves', async () => {
    const oldPhone = await registeredCitizen(baseUrl);
    const before = (await logIn(housing, oldPhone, ['name'], OFFLINE)).tokens;
    const newPhone = await oldPhone.enrolNewDevice();
    const after = (await logIn(housing, newPhone as CitizenApp, ['name'], OFFLINE)).tokens;

    await expectEnded(housing, before, before.claims()!.sub);
    const [ended] = (await sessionsEnded(oldPhone.citizenId)) as RecordedEvent[];
    expect(ended!.data).toMatchObject({ reason: 'device-replaced', deviceId: oldPhone.deviceId });
    expect(await oidc.tokenIntrospection(housing.config, after.access_token)).toMatchObject({ active: true });
    expect((await oidc.refreshTokenGrant(housing.config, after.refresh_token!)).access_token).toEqual(
      expect.any(String),
    );
  });

  it('refuses a refresh after the citizen is suspended, and keeps refusing after reinstatement', async () => {
    const citizen = await registeredCitizen(baseUrl);
    const { tokens } = await logIn(housing, citizen, ['name'], OFFLINE);
    expect(
      (await admin(`/admin/citizens/${citizen.citizenId}/suspension`, { reason: 'suspected-fraud' })).status,
    ).toBe(200);

    await expectEnded(housing, tokens, tokens.claims()!.sub);
    const [ended] = (await sessionsEnded(citizen.citizenId)) as RecordedEvent[];
    expect(ended!.data).toMatchObject({ reason: 'citizen-suspended', grantsRevoked: 1 });

    expect(
      (await admin(`/admin/citizens/${citizen.citizenId}/reinstatement`, { reason: 'investigation-cleared' }))
        .status,
    ).toBe(200);
    await expect(oidc.refreshTokenGrant(housing.config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('ends every session and token of a suspended e-service, and no other e-service’s', async () => {
    const parking = await RelyingParty.register(baseUrl, 'parking-sessions');
    const citizen = await registeredCitizen(baseUrl);
    const atParking = (await logIn(parking, citizen, ['name'], OFFLINE)).tokens;
    const atLibrary = (await logIn(library, citizen, ['name'], OFFLINE)).tokens;

    expect((await admin('/admin/eservices/parking-sessions/suspend')).status).toBe(200);

    const [ended] = (await sessionsEnded('parking-sessions')) as RecordedEvent[];
    expect(ended!.data).toMatchObject({
      reason: 'eservice-suspended',
      clientId: 'parking-sessions',
      grantsRevoked: 1,
    });
    // The suspended e-service cannot even authenticate; its tokens are gone for a resource server too.
    await expect(oidc.tokenIntrospection(parking.config, atParking.access_token)).rejects.toMatchObject({
      status: 401,
      error: 'invalid_client',
    });
    await expect(
      oidc.fetchUserInfo(parking.config, atParking.access_token, atParking.claims()!.sub),
    ).rejects.toMatchObject(challenged('invalid_token'));
    expect((await admin('/admin/eservices/parking-sessions/reinstate')).status).toBe(200);
    // Reinstated, it authenticates again (once the directory has caught up), but its old tokens stay dead.
    const introspected = await eventually(() =>
      oidc.tokenIntrospection(parking.config, atParking.access_token).catch(() => undefined),
    );
    expect(introspected).toMatchObject({ active: false });
    expect(await oidc.tokenIntrospection(library.config, atLibrary.access_token)).toMatchObject({
      active: true,
    });
  });

  it('ends the grants that speak for a corporation once the representative’s appointment is revoked, and only those', async () => {
    const portal = await RelyingParty.register(baseUrl, 'corp-portal-sessions', [
      'openid',
      'profile',
      'corporate',
      'offline_access',
    ]);
    const http = request(app.getHttpServer());
    const citizen = await registeredCitizen(baseUrl);
    const { corporationId } = await registeredCorporation(http);
    const appointment = await admin(`/corporate/corporations/${corporationId}/appointments`, {
      citizenId: citizen.citizenId,
      role: 'authorised-signatory',
      eservices: ['*'],
    });
    expect(appointment.status).toBe(201);
    const { appointmentId } = ((await appointment.json()) as { appointments: { appointmentId: string }[] })
      .appointments[0]!;
    const login = await portal.startLogin({ ...OFFLINE, scope: 'openid profile corporate offline_access' });
    const pending = await citizen.fetchLoginRequest(login.shortCode!);
    await citizen.approve(pending, pending.claims, corporationId);
    const corporate = await login.redeem(await login.continue());
    expect(corporate.claims()).toMatchObject({ corp_id: corporationId });
    const personal = (await logIn(housing, citizen, ['name'], OFFLINE)).tokens;

    const revoked = await admin(
      `/corporate/corporations/${corporationId}/appointments/${appointmentId}/revocation`,
      {
        reason: 'left the company',
      },
    );
    expect(revoked.status).toBe(200);

    await expectEnded(portal, corporate, corporate.claims()!.sub);
    const [ended] = (await sessionsEnded(citizen.citizenId)) as RecordedEvent[];
    expect(ended!.data).toMatchObject({ reason: 'appointment-revoked', corporationId, grantsRevoked: 1 });
    expect(await oidc.tokenIntrospection(housing.config, personal.access_token)).toMatchObject({
      active: true,
    });
  });
});
