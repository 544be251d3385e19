import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import * as oidc from 'openid-client';
import { ManualClock } from '#libs/eventsourcing';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';
import { logIn, REDIRECT_URI, registeredCitizen, RelyingParty } from './relying-party.js';

describe('login lifecycle around the OpenID Provider', () => {
  let app: NestExpressApplication;
  let baseUrl: string;
  const clock = new ManualClock(new Date());
  let rp: RelyingParty;

  beforeAll(async () => {
    ({ app, baseUrl } = await startListeningTestPlatform(undefined, {}, { clock }));
    // No hkid scope, so no encryption key: its ID token is the plain signed one, sent back as id_token_hint.
    rp = await RelyingParty.register(baseUrl, 'parking-permit', [
      'openid',
      'profile',
      'email',
      'offline_access',
    ]);
  });
  afterAll(() => app.close());

  const admin = (path: string, body?: object) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body && { body: JSON.stringify(body) }),
    });

  it('refuses a login request the app approves too late, and the e-service gets access_denied', async () => {
    const citizen = await registeredCitizen(baseUrl);
    const login = await rp.startLogin();
    const pending = await citizen.fetchLoginRequest(login.shortCode!);
    clock.advance(3 * 60_000);
    await expect(citizen.approve(pending)).rejects.toMatchObject({
      status: 410,
      code: 'LOGIN_REQUEST_EXPIRED',
    });
    const callback = await login.continue();
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('error_description')).toContain('expired');
  });

  it('stops releasing claims for a suspended citizen', async () => {
    const citizen = await registeredCitizen(baseUrl);
    const { tokens } = await logIn(rp, citizen, ['name']);
    expect(
      (await admin(`/admin/citizens/${citizen.citizenId}/suspension`, { reason: 'suspected-fraud' })).status,
    ).toBe(200);
    await expect(
      oidc.fetchUserInfo(rp.config, tokens.access_token, tokens.claims()!.sub),
    ).rejects.toBeDefined();
    const login = await rp.startLogin();
    await expect(citizen.approve(await citizen.fetchLoginRequest(login.shortCode!))).rejects.toMatchObject({
      status: 403,
      code: 'CITIZEN_SUSPENDED',
    });
  });

  it('logs out at the e-service’s request and returns to its registered post-logout URI', async () => {
    const citizen = await registeredCitizen(baseUrl);
    const { login, tokens } = await logIn(rp, citizen, []);
    const endSession = oidc.buildEndSessionUrl(rp.config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'http://127.0.0.1:9/',
      state: 'bye',
    });
    const confirm = await login.browser.navigate(endSession.href);
    expect(confirm.status).toBe(200);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.text)?.[1];
    expect(xsrf).toBeDefined();
    const done = await login.browser.navigate(`${baseUrl}/oidc/session/end/confirm`, {
      method: 'POST',
      body: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }),
      stopAt: 'http://127.0.0.1:9/',
    });
    expect(done.url).toBe('http://127.0.0.1:9/?state=bye');
  });

  it('authenticates an e-service with client_secret_basic, the secret shown once at registration', async () => {
    const registered = await admin('/admin/eservices', {
      clientId: 'bus-fares',
      name: 'Bus fare concessions',
      department: 'TD',
      redirectUris: [REDIRECT_URI],
      authMethod: 'client_secret_basic',
      allowedScopes: ['openid', 'profile'],
    });
    expect(registered.status).toBe(201);
    const { clientSecret } = (await registered.json()) as { clientSecret: string };
    const withSecret = await RelyingParty.connect(
      baseUrl,
      'bus-fares',
      'client_secret_basic',
      oidc.ClientSecretBasic(clientSecret),
    );
    const citizen = await registeredCitizen(baseUrl);
    const { tokens } = await logIn(withSecret, citizen, ['name'], { scope: 'openid profile' });
    expect(tokens.claims()).toMatchObject({ aud: 'bus-fares', name: 'CHAN, Tai Man' });
    const wrong = await RelyingParty.connect(
      baseUrl,
      'bus-fares',
      'client_secret_basic',
      oidc.ClientSecretBasic('nope'),
    );
    // 401 with a WWW-Authenticate challenge naming invalid_client.
    await expect(oidc.tokenIntrospection(wrong.config, tokens.access_token)).rejects.toMatchObject({
      status: 401,
    });
  });
});
