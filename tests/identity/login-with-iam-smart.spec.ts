import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { CommandContext } from '#libs/eventsourcing';
import {
  CITIZEN_CLAIMS,
  LOGIN_GATEWAY,
  type CitizenClaims,
  type ClaimName,
  type LoginGateway,
  type StartLogin,
} from '#libs/identity';
import type { CitizenApp } from '../../libs/identity/src/simulator/citizen-app.js';
import { startIdentityPlatform, type IdentityPlatform } from './identity-platform.js';

let platform: IdentityPlatform;
let gateway: LoginGateway;
let citizenClaims: CitizenClaims;

const context = (): CommandContext => ({
  correlationId: randomUUID(),
  causationId: randomUUID(),
  actor: 'oidc',
});
const taxPortal = (overrides: Partial<StartLogin> = {}): StartLogin => ({
  clientId: 'tax-portal',
  eServiceName: 'Tax Portal',
  minimumAcr: 'basic',
  claims: ['name', 'name_zh', 'birthdate', 'hkid', 'email', 'address'],
  ...overrides,
});
const startLogin = (overrides: Partial<StartLogin> = {}) => gateway.start(taxPortal(overrides), context());

/** A registered citizen whose identity an administrator verified in person. */
const plusCitizen = async (): Promise<CitizenApp> => {
  const phone = await platform.registeredApp();
  await platform.admin(`/admin/citizens/${phone.citizenId}/identity-verification`).expect(200);
  return phone;
};

beforeAll(async () => {
  platform = await startIdentityPlatform();
  gateway = platform.app.get(LOGIN_GATEWAY);
  citizenClaims = platform.app.get(CITIZEN_CLAIMS);
});
afterAll(() => platform.close());

describe('Login with iAM Smart, approved in the app', () => {
  it('gives the e-service exactly the claims the citizen chose, and their values', async () => {
    const phone = await plusCitizen();
    await phone.updateProfile({ email: 'tai.man@example.hk', phone: '+85291234567' });
    const started = await startLogin();
    expect(started).toEqual({
      loginRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      shortCode: expect.stringMatching(/^[2-9A-HJ-NP-Z]{8}$/),
      qrPayload: `iamsmart://login?code=${started.shortCode}`,
      expiresAt: new Date(platform.clock.now().getTime() + 120_000).toISOString(),
    });
    expect(await gateway.status(started.loginRequestId)).toEqual({
      state: 'pending',
      expiresAt: started.expiresAt,
    });

    const request = await phone.fetchLoginRequest(started.qrPayload);
    expect(request).toEqual({
      loginRequestId: started.loginRequestId,
      eServiceId: 'tax-portal',
      eServiceName: 'Tax Portal',
      claims: ['name', 'name_zh', 'birthdate', 'hkid', 'email', 'address'],
      minimumAcr: 'basic',
      challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: started.expiresAt,
    });
    const chosen: ClaimName[] = ['name', 'hkid', 'birthdate', 'email'];
    expect(await phone.approve(request, chosen)).toEqual({
      loginRequestId: started.loginRequestId,
      outcome: 'approved',
      approvedClaims: ['birthdate', 'email', 'hkid', 'name'],
    });

    const status = await gateway.status(started.loginRequestId);
    expect(status).toEqual({
      state: 'approved',
      citizenId: phone.citizenId,
      deviceId: phone.deviceId,
      acr: 'plus',
      approvedClaims: ['birthdate', 'email', 'hkid', 'name'],
    });
    const approved = status.state === 'approved' ? status.approvedClaims : [];
    const values = await citizenClaims.claims(phone.citizenId, approved);
    expect(values).toEqual({
      name: 'CHAN, Tai Man',
      birthdate: '1990-02-14',
      hkid: expect.stringMatching(/^K\d{6}\([0-9A]\)$/),
      email: 'tai.man@example.hk',
    });
    expect(await citizenClaims.account(phone.citizenId)).toEqual({
      status: 'active',
      acr: 'plus',
      administrator: false,
      activeDeviceIds: [phone.deviceId],
    });
  });

  it('leaves out claims with no value: no address given, a removed phone number', async () => {
    const phone = await platform.registeredApp();
    await phone.updateProfile({ phone: '+85291234567' });
    await phone.updateProfile({ phone: null });
    expect(await citizenClaims.claims(phone.citizenId, ['name_zh', 'address', 'phone_number'])).toEqual({
      name_zh: '陳大文',
    });
  });

  it('answers nothing for a citizen or a request that does not exist', async () => {
    expect(await citizenClaims.claims(randomUUID(), ['name'])).toEqual({});
    expect(await citizenClaims.account(randomUUID())).toBeUndefined();
    expect(await citizenClaims.account('not-a-uuid')).toBeUndefined();
    expect(await gateway.status(randomUUID())).toEqual({ state: 'unknown' });
    expect(await gateway.status('not-a-uuid')).toEqual({ state: 'unknown' });
  });

  it('records a denial, and the request is no longer offered to the app', async () => {
    const phone = await platform.registeredApp();
    const started = await startLogin({ claims: [] });
    const request = await phone.fetchLoginRequest(started.shortCode.toLowerCase());
    expect(await phone.deny(request)).toEqual({
      loginRequestId: started.loginRequestId,
      outcome: 'denied',
      approvedClaims: [],
    });
    expect(await gateway.status(started.loginRequestId)).toEqual({ state: 'denied' });
    await platform.expectRefusal(
      () => phone.fetchLoginRequest(started.shortCode),
      404,
      'LOGIN_REQUEST_NOT_FOUND',
    );
  });

  it('answers a retry under the same Idempotency-Key with the first answer, writing nothing more', async () => {
    const phone = await platform.registeredApp();
    const started = await startLogin({ claims: ['name'] });
    const request = await phone.fetchLoginRequest(started.shortCode);
    const body = await phone.signDecision(request, 'approve', ['name']);
    const path = `/app/login-requests/${started.loginRequestId}/decision`;
    const first = await platform.http.post(path).set('Idempotency-Key', 'decide-1').send(body).expect(200);
    const before = (await platform.log()).length;
    const retry = await platform.http.post(path).set('Idempotency-Key', 'decide-1').send(body).expect(200);
    expect(retry.body).toEqual(first.body);
    expect((await platform.log()).length).toBe(before);
  });

  it('keeps the profile out of the log in clear', async () => {
    const phone = await platform.registeredApp();
    await phone.updateProfile({ address: '1 Queensway, Admiralty', email: 'secret.mail@example.hk' });
    const log = JSON.stringify(await platform.log(), (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    expect(log).not.toContain('Queensway');
    expect(log).not.toContain('secret.mail');
  });
});

describe('refusals: a status, a code, and nothing written', () => {
  it('an unknown short code, and an unknown request', async () => {
    const phone = await platform.registeredApp();
    await platform.expectRefusal(() => phone.fetchLoginRequest('ZZZZ9999'), 404, 'LOGIN_REQUEST_NOT_FOUND');
    await platform.expectRefusal(() => phone.fetchLoginRequest('not a code'), 404, 'LOGIN_REQUEST_NOT_FOUND');
    const body = await phone.signDecision({ loginRequestId: randomUUID(), challenge: 'x' }, 'approve', []);
    await platform.expectRefusal(
      () => phone.sendDecision(randomUUID(), body),
      404,
      'LOGIN_REQUEST_NOT_FOUND',
    );
  });

  it('a replayed approval', async () => {
    const phone = await platform.registeredApp();
    const started = await startLogin({ claims: ['name'] });
    const body = await phone.signDecision(await phone.fetchLoginRequest(started.shortCode), 'approve', [
      'name',
    ]);
    await phone.sendDecision(started.loginRequestId, body);
    await platform.expectRefusal(
      () => phone.sendDecision(started.loginRequestId, body),
      409,
      'LOGIN_REQUEST_ALREADY_DECIDED',
    );
  });

  it('a signature forged with another key', async () => {
    const victim = await platform.registeredApp();
    const attacker = await platform.registeredApp();
    const started = await startLogin({ claims: ['name'] });
    const request = await attacker.fetchLoginRequest(started.shortCode);
    const forged = {
      ...(await attacker.signDecision(request, 'approve', ['name'])),
      citizenId: victim.citizenId,
      deviceId: victim.deviceId,
    };
    const refusal = await platform.expectRefusal(
      () => attacker.sendDecision(started.loginRequestId, forged),
      401,
      'DEVICE_SIGNATURE_INVALID',
    );
    expect(JSON.stringify(refusal)).not.toContain('CHAN');
    expect(await gateway.status(started.loginRequestId)).toMatchObject({ state: 'pending' });
  });

  it('a signature over another challenge', async () => {
    const phone = await platform.registeredApp();
    const started = await startLogin({ claims: ['name'] });
    const request = await phone.fetchLoginRequest(started.shortCode);
    const other = await phone.fetchLoginRequest((await startLogin()).shortCode);
    const body = await phone.signDecision({ ...request, challenge: other.challenge }, 'approve', ['name']);
    await platform.expectRefusal(
      () => phone.sendDecision(started.loginRequestId, body),
      401,
      'DEVICE_SIGNATURE_INVALID',
    );
  });

  it('a body that says other than what was signed', async () => {
    const phone = await platform.registeredApp();
    const started = await startLogin({ claims: ['name', 'email'] });
    const body = await phone.signDecision(await phone.fetchLoginRequest(started.shortCode), 'approve', [
      'name',
    ]);
    await platform.expectRefusal(
      () => phone.sendDecision(started.loginRequestId, { ...body, approvedClaims: ['name', 'email'] }),
      401,
      'DEVICE_SIGNATURE_INVALID',
    );
    await platform.expectRefusal(
      () => phone.sendDecision(started.loginRequestId, { ...body, decision: 'deny', approvedClaims: [] }),
      401,
      'DEVICE_SIGNATURE_INVALID',
    );
  });

  it('the old phone, revoked once a new one was enrolled; the new one approves', async () => {
    const oldPhone = await platform.registeredApp();
    const newPhone = await oldPhone.enrolNewDevice();
    const started = await startLogin({ claims: ['name'] });
    const request = await oldPhone.fetchLoginRequest(started.shortCode);
    await platform.expectRefusal(() => oldPhone.approve(request, ['name']), 403, 'DEVICE_REVOKED');
    expect(await newPhone.approve(request, ['name'])).toMatchObject({ outcome: 'approved' });
  });

  it('a citizen suspended by an administrator, until reinstated', async () => {
    const phone = await platform.registeredApp();
    await platform
      .admin(`/admin/citizens/${phone.citizenId}/suspension`, { reason: 'suspected-fraud' })
      .expect(200);
    expect(await citizenClaims.account(phone.citizenId)).toEqual({
      status: 'suspended',
      acr: 'basic',
      administrator: false,
      activeDeviceIds: [phone.deviceId],
    });
    const started = await startLogin({ claims: ['name'] });
    const request = await phone.fetchLoginRequest(started.shortCode);
    await platform.expectRefusal(() => phone.approve(request, ['name']), 403, 'CITIZEN_SUSPENDED');
    await platform
      .admin(`/admin/citizens/${phone.citizenId}/reinstatement`, { reason: 'investigation-cleared' })
      .expect(200);
    expect(await phone.approve(request, ['name'])).toMatchObject({ outcome: 'approved' });
  });

  it('a basic citizen approving a request that needs plus', async () => {
    const phone = await platform.registeredApp();
    const started = await startLogin({ minimumAcr: 'plus', claims: ['name'] });
    const request = await phone.fetchLoginRequest(started.shortCode);
    expect(request.minimumAcr).toBe('plus');
    await platform.expectRefusal(() => phone.approve(request, ['name']), 403, 'ASSURANCE_TOO_LOW');
  });

  it('a claim the e-service did not ask for', async () => {
    const phone = await platform.registeredApp();
    const started = await startLogin({ claims: ['name'] });
    const request = await phone.fetchLoginRequest(started.shortCode);
    await platform.expectRefusal(
      () => phone.approve(request, ['name', 'email']),
      400,
      'CLAIMS_NOT_REQUESTED',
    );
  });

  it('the HKID number from a basic citizen', async () => {
    const phone = await platform.registeredApp();
    const started = await startLogin({ claims: ['name', 'hkid'] });
    const request = await phone.fetchLoginRequest(started.shortCode);
    await platform.expectRefusal(() => phone.approve(request, ['name', 'hkid']), 403, 'HKID_REQUIRES_PLUS');
    expect(await phone.approve(request, ['name'])).toMatchObject({ approvedClaims: ['name'] });
  });

  it('a claim name the platform does not know', async () => {
    const phone = await platform.registeredApp();
    const started = await startLogin({ claims: ['name'] });
    const request = await phone.fetchLoginRequest(started.shortCode);
    const body = await phone.signDecision(request, 'approve', ['salary' as ClaimName]);
    const refusal = await platform.expectRefusal(
      () => phone.sendDecision(started.loginRequestId, body),
      400,
      'VALIDATION_FAILED',
    );
    expect(refusal.violations).toEqual([expect.objectContaining({ field: 'approvedClaims' })]);
  });

  it('an expired request: reported expired at once, refused with 410, and LoginExpired written once', async () => {
    const phone = await platform.registeredApp();
    const started = await startLogin({ claims: ['name'] });
    const request = await phone.fetchLoginRequest(started.shortCode);
    platform.clock.advance(120_000);
    expect(await gateway.status(started.loginRequestId)).toEqual({ state: 'expired' });
    await platform.expectRefusal(
      () => phone.fetchLoginRequest(started.shortCode),
      404,
      'LOGIN_REQUEST_NOT_FOUND',
    );

    const before = (await platform.log()).length;
    await expect(phone.approve(request, ['name'])).rejects.toMatchObject({
      status: 410,
      code: 'LOGIN_REQUEST_EXPIRED',
    });
    const written = (await platform.log()).slice(before);
    expect(written.map((e) => [e.stream, e.type])).toEqual([
      [`loginRequest-${started.loginRequestId}`, 'LoginExpired'],
    ]);
    await platform.expectRefusal(() => phone.approve(request, ['name']), 410, 'LOGIN_REQUEST_EXPIRED');
    expect(await gateway.status(started.loginRequestId)).toEqual({ state: 'expired' });
  });
});
