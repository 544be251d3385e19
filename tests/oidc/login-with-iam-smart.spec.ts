import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import * as oidc from 'openid-client';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE } from '#libs/eventsourcing';
import type { CitizenApp } from '../../libs/identity/src/simulator/citizen-app.js';
import { eventually } from '../support/eventually.js';
import { storageTargets } from '../support/storage-targets.js';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';
import { logIn, REDIRECT_URI, registeredCitizen, RelyingParty } from './relying-party.js';

const ACR_BASIC = 'urn:city-identity:acr:basic';

/**
 * Userinfo without the members of its JWT: these e-services have the hkid scope, so an encryption key, and get
 * their userinfo as a signed then encrypted JWT, which names its issuer, audience and times.
 */
const citizenClaims = ({ iss: _iss, aud: _aud, iat: _iat, exp: _exp, ...claims }: oidc.UserInfoResponse) =>
  claims;

const ACR_PLUS = 'urn:city-identity:acr:plus';

describe.each(storageTargets('oidc'))('Login with iAM Smart through openid-client on %s', (_name, target) => {
  let app: NestExpressApplication;
  let dropStorage: () => Promise<void>;
  let baseUrl: string;
  let store: EventStore;
  let taxReturn: RelyingParty;
  let libraryCard: RelyingParty;
  let citizen: CitizenApp;

  beforeAll(async () => {
    const storage = await target.create();
    dropStorage = storage.drop;
    ({ app, baseUrl } = await startListeningTestPlatform(storage.config));
    store = app.get(EVENT_STORE);
    taxReturn = await RelyingParty.register(baseUrl, 'tax-return');
    libraryCard = await RelyingParty.register(baseUrl, 'library-card');
    citizen = await registeredCitizen(baseUrl);
  });
  afterAll(async () => {
    await app.close();
    await dropStorage();
  });

  it('discovers a provider that requires PKCE S256 and offers PAR, pairwise subjects and both assurance levels', () => {
    const metadata = taxReturn.config.serverMetadata();
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.pushed_authorization_request_endpoint).toBe(`${baseUrl}/oidc/request`);
    expect(metadata.subject_types_supported).toEqual(['pairwise']);
    expect(metadata.acr_values_supported).toEqual([ACR_BASIC, ACR_PLUS]);
    // `none`: the dashboard's sign-in, a page of the platform's own (see dashboard-client.ts).
    expect(metadata.token_endpoint_auth_methods_supported).toEqual([
      'private_key_jwt',
      'client_secret_basic',
      'none',
    ]);
  });

  it('logs in with exactly the claims the citizen approved, in the ID token and from userinfo', async () => {
    const { tokens } = await logIn(taxReturn, citizen, ['name', 'email'], {
      scope: 'openid profile email',
      acr_values: `${ACR_BASIC} ${ACR_PLUS}`,
    });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ name: 'CHAN, Tai Man', acr: ACR_BASIC, aud: 'tax-return' });
    expect(claims).not.toHaveProperty('name_zh');
    expect(claims).not.toHaveProperty('birthdate');
    expect(claims.sub).not.toBe(citizen.citizenId);
    const userinfo = await oidc.fetchUserInfo(taxReturn.config, tokens.access_token, claims.sub);
    expect(citizenClaims(userinfo)).toEqual({ sub: claims.sub, name: 'CHAN, Tai Man' });
  });

  it('releases nothing personal when the citizen approves no claim', async () => {
    const { tokens } = await logIn(taxReturn, citizen, [], { scope: 'openid profile' });
    const userinfo = await oidc.fetchUserInfo(taxReturn.config, tokens.access_token, tokens.claims()!.sub);
    expect(Object.keys(citizenClaims(userinfo))).toEqual(['sub']);
  });

  it('gives each e-service its own subject for the same citizen, stable across logins', async () => {
    const first = (await logIn(taxReturn, citizen, [])).tokens.claims()!.sub;
    const again = (await logIn(taxReturn, citizen, [])).tokens.claims()!.sub;
    const other = (await logIn(libraryCard, citizen, [])).tokens.claims()!.sub;
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });

  it('records TokenIssued with the claims released', async () => {
    const emailer = await registeredCitizen(baseUrl);
    await logIn(libraryCard, emailer, ['email'], { scope: 'openid email' });
    // oidc-provider reports the grant after answering the token request: the event follows shortly.
    const issued = await eventually(
      async () =>
        (await store.readStream('oidcActivity-library-card')).find(
          (e) => e.type === 'TokenIssued' && e.data['citizenId'] === emailer.citizenId,
        ),
      { timeoutMs: 5_000 },
    );
    expect(issued.data).toMatchObject({
      clientId: 'library-card',
      acr: ACR_BASIC,
      claimsReleased: ['email'],
    });
  });

  it('refreshes, introspects and revokes tokens', async () => {
    const { tokens } = await logIn(taxReturn, citizen, ['name'], {
      scope: 'openid profile offline_access',
      prompt: 'consent',
    });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const refreshed = await oidc.refreshTokenGrant(taxReturn.config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(await oidc.tokenIntrospection(taxReturn.config, refreshed.access_token)).toMatchObject({
      active: true,
      client_id: 'tax-return',
    });
    await oidc.tokenRevocation(taxReturn.config, refreshed.access_token);
    expect(await oidc.tokenIntrospection(taxReturn.config, refreshed.access_token)).toMatchObject({
      active: false,
    });
  });

  it('raises assurance to plus after an in-person check, and only then releases the HKID number', async () => {
    const plus = await registeredCitizen(baseUrl);
    const login = await taxReturn.startLogin({ scope: 'openid hkid', acr_values: ACR_PLUS });
    const pending = await plus.fetchLoginRequest(login.shortCode!);
    expect(pending.minimumAcr).toBe('plus');
    await expect(plus.approve(pending)).rejects.toMatchObject({ status: 403, code: 'ASSURANCE_TOO_LOW' });

    const verified = await fetch(`${baseUrl}/admin/citizens/${plus.citizenId}/identity-verification`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    expect(verified.status).toBe(200);
    const { tokens } = await logIn(taxReturn, plus, ['hkid'], { scope: 'openid hkid', acr_values: ACR_PLUS });
    expect(tokens.claims()).toMatchObject({
      acr: ACR_PLUS,
      hkid: expect.stringMatching(/^Q\d{6}\([0-9A]\)$/),
    });
  });

  describe('refusals, each in the OAuth error format and never a 5xx', () => {
    it('a pushed request without PKCE', async () => {
      await expect(
        oidc.buildAuthorizationUrlWithPAR(taxReturn.config, { redirect_uri: REDIRECT_URI, scope: 'openid' }),
      ).rejects.toMatchObject({ error: 'invalid_request' });
    });

    it('a redirect URI that was not registered, exactly', async () => {
      await expect(taxReturn.startLogin({ redirect_uri: `${REDIRECT_URI}/other` })).rejects.toMatchObject({
        error: 'invalid_request',
        error_description: expect.stringContaining('redirect_uri'),
      });
    });

    it('a wrong PKCE verifier', async () => {
      const login = await taxReturn.startLogin();
      await citizen.approve(await citizen.fetchLoginRequest(login.shortCode!), []);
      const callback = await login.continue();
      await expect(login.redeem(callback, { verifier: oidc.randomPKCECodeVerifier() })).rejects.toMatchObject(
        {
          error: 'invalid_grant',
        },
      );
    });

    it('a replayed authorization code, which also revokes the tokens of its first use', async () => {
      const { login, callback, tokens } = await logIn(taxReturn, citizen, []);
      await expect(login.redeem(callback)).rejects.toMatchObject({ error: 'invalid_grant' });
      expect(await oidc.tokenIntrospection(taxReturn.config, tokens.access_token)).toMatchObject({
        active: false,
      });
    });

    it('introspecting or revoking another e-service’s token', async () => {
      const { tokens } = await logIn(taxReturn, citizen, []);
      expect(await oidc.tokenIntrospection(libraryCard.config, tokens.access_token)).toEqual({
        active: false,
      });
      await oidc.tokenRevocation(libraryCard.config, tokens.access_token).catch(() => undefined);
      expect(await oidc.tokenIntrospection(taxReturn.config, tokens.access_token)).toMatchObject({
        active: true,
      });
    });

    it('a login the citizen denied, recorded as LoginFailed', async () => {
      const before = (await store.readStream('oidcActivity-library-card')).length;
      const login = await libraryCard.startLogin();
      await citizen.deny(await citizen.fetchLoginRequest(login.shortCode!));
      const callback = await login.continue();
      expect(callback.searchParams.get('error')).toBe('access_denied');
      await expect(login.redeem(callback)).rejects.toMatchObject({ error: 'access_denied' });
      const events = (await store.readStream('oidcActivity-library-card')).slice(before);
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'LoginFailed', data: expect.objectContaining({ reason: 'denied' }) }),
      );
    });

    it('a login cancelled in the browser', async () => {
      const login = await libraryCard.startLogin();
      const visit = await login.browser.navigate(`${baseUrl}/interaction/${login.uid}/abort`, {
        method: 'POST',
        stopAt: REDIRECT_URI,
      });
      expect(new URL(visit.url).searchParams.get('error')).toBe('access_denied');
    });

    it('an interaction page opened without its browser session', async () => {
      const login = await taxReturn.startLogin();
      const stranger = await fetch(`${baseUrl}/interaction/${login.uid}`);
      expect(stranger.status).toBe(400);
      expect(await stranger.json()).toMatchObject({ code: 'INVALID_REQUEST' });
    });
  });
});
