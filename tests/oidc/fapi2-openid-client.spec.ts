import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import type { CitizenApp } from '../../libs/identity/src/simulator/citizen-app.js';
import { storageTargets } from '../support/storage-targets.js';
import { freePort, startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';
import { logIn, REDIRECT_URI, registeredCitizen, RelyingParty } from './relying-party.js';

const now = () => Math.floor(Date.now() / 1000);

/** A DPoP proof signed as RFC 9449 §4.2 describes, each claim overridable to make it wrong. */
async function dpopProof(keys: oidc.CryptoKeyPair, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ jti: randomUUID(), iat: now(), ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(keys.publicKey) })
    .sign(keys.privateKey);
}

const ath = async (accessToken: string) =>
  Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))).toString(
    'base64url',
  );

/** The OAuth error of a refusal: from the JSON body, or from WWW-Authenticate at a resource. */
async function oauthError(response: Response): Promise<{ status: number; error: string | undefined }> {
  const challenge = /error="([^"]+)"/.exec(response.headers.get('www-authenticate') ?? '')?.[1];
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  return { status: response.status, error: challenge ?? body.error };
}

/** A client assertion (RFC 7523) signed with the e-service's key; claims overridable to make it wrong. */
function clientAssertion(rp: RelyingParty, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({
    iss: rp.clientId,
    sub: rp.clientId,
    jti: randomUUID(),
    iat: now(),
    exp: now() + 30,
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: rp.clientKey!.kid })
    .sign(rp.clientKey!.privateKey);
}

/** A pushed authorization request authenticated by `assertion` alone, as any FAPI client library sends one. */
async function pushWith(baseUrl: string, rp: RelyingParty, assertion: string): Promise<Response> {
  return fetch(`${baseUrl}/oidc/request`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: rp.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      code_challenge: oidc.randomPKCECodeVerifier().slice(0, 43),
      code_challenge_method: 'S256',
    }),
  });
}

describe.each(storageTargets('fapi2'))('FAPI 2.0 login through openid-client on %s', (_name, target) => {
  let app: NestExpressApplication;
  let dropStorage: () => Promise<void>;
  let baseUrl: string;
  let rp: RelyingParty;
  let citizen: CitizenApp;

  beforeAll(async () => {
    const storage = await target.create();
    dropStorage = storage.drop;
    ({ app, baseUrl } = await startListeningTestPlatform(storage.config));
    rp = await RelyingParty.register(baseUrl, 'tax-fapi', ['openid', 'profile', 'offline_access'], 'fapi2');
    citizen = await registeredCitizen(baseUrl);
  });
  afterAll(async () => {
    await app.close();
    await dropStorage();
  });

  it('discovers PAR, DPoP and the issuer in authorization responses', () => {
    const metadata = rp.config.serverMetadata();
    expect(metadata.pushed_authorization_request_endpoint).toBe(`${baseUrl}/oidc/request`);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.dpop_signing_alg_values_supported).toContain('ES256');
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('logs in with PAR, PKCE, private_key_jwt and DPoP: iss in the response, tokens bound to the DPoP key', async () => {
    const keys = await oidc.randomDPoPKeyPair('ES256');
    const bound = rp.withDPoP(keys);
    const { callback, tokens } = await logIn(bound, citizen, ['name'], {
      scope: 'openid profile offline_access',
      prompt: 'consent',
    });
    expect(callback.searchParams.get('iss')).toBe(`${baseUrl}/oidc`);
    expect(tokens.token_type).toBe('dpop');
    const jkt = await calculateJwkThumbprint(await exportJWK(keys.publicKey));
    expect(await oidc.tokenIntrospection(rp.config, tokens.access_token)).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt },
    });
    const sub = tokens.claims()!.sub;
    expect(await oidc.fetchUserInfo(rp.config, tokens.access_token, sub, bound.dpopOptions)).toEqual({
      sub,
      name: 'CHAN, Tai Man',
    });

    const refreshed = await oidc.refreshTokenGrant(
      rp.config,
      tokens.refresh_token!,
      undefined,
      bound.dpopOptions,
    );
    expect(refreshed.token_type).toBe('dpop');
    expect(await oidc.tokenIntrospection(rp.config, refreshed.access_token)).toMatchObject({ cnf: { jkt } });
    // RFC 9449 §5: a confidential client's refresh token is bound to its client authentication, and every
    // refresh needs a proof, to which the new access token is bound.
    await expect(
      oidc.refreshTokenGrant(rp.withoutDPoP().config, refreshed.refresh_token!),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('gives a back office registered for client_credentials its own DPoP-bound token, and no other e-service', async () => {
    await expect(oidc.clientCredentialsGrant(rp.config, undefined, rp.dpopOptions)).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: 'requested grant type is not allowed for this client',
    });
    const registry = await fetch(`${baseUrl}/admin/eservices/${rp.clientId}/grant-types`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ grantTypes: ['authorization_code', 'client_credentials'] }),
    });
    expect(registry.status).toBe(200);
    const keys = await oidc.randomDPoPKeyPair('ES256');
    const token = await oidc.clientCredentialsGrant(rp.config, undefined, rp.withDPoP(keys).dpopOptions);
    expect(token.token_type).toBe('dpop');
    const introspected = await oidc.tokenIntrospection(rp.config, token.access_token);
    expect(introspected).toMatchObject({
      active: true,
      client_id: rp.clientId,
      token_type: 'DPoP',
      cnf: { jkt: await calculateJwkThumbprint(await exportJWK(keys.publicKey)) },
    });
    expect(introspected).not.toHaveProperty('sub');
    await expect(oidc.clientCredentialsGrant(rp.withoutDPoP().config)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  describe('refusals, each the right OAuth error and never a 5xx', () => {
    let keys: oidc.CryptoKeyPair;
    let accessToken: string;
    let userinfo: string;
    let nonce: string;

    beforeAll(async () => {
      keys = await oidc.randomDPoPKeyPair('ES256');
      const { tokens } = await logIn(rp.withDPoP(keys), citizen, [], { scope: 'openid' });
      accessToken = tokens.access_token;
      userinfo = rp.config.serverMetadata().userinfo_endpoint!;
      // The nonce a first proof without one is answered with (RFC 9449 §9).
      const first = await fetch(userinfo, {
        headers: {
          authorization: `DPoP ${accessToken}`,
          dpop: await dpopProof(keys, { htm: 'GET', htu: userinfo, ath: await ath(accessToken) }),
        },
      });
      expect(await oauthError(first)).toEqual({ status: 401, error: 'use_dpop_nonce' });
      nonce = first.headers.get('dpop-nonce')!;
      expect(nonce).toEqual(expect.any(String));
    });

    const callUserinfo = async (claims: Record<string, unknown>, proofKeys = keys) =>
      fetch(userinfo, {
        headers: {
          authorization: `DPoP ${accessToken}`,
          dpop: await dpopProof(proofKeys, {
            htm: 'GET',
            htu: userinfo,
            ath: await ath(accessToken),
            nonce,
            ...claims,
          }),
        },
      });

    it('answers a correct proof, and refuses the same proof replayed', async () => {
      const proof = await dpopProof(keys, { htm: 'GET', htu: userinfo, ath: await ath(accessToken), nonce });
      const call = () => fetch(userinfo, { headers: { authorization: `DPoP ${accessToken}`, dpop: proof } });
      expect((await call()).status).toBe(200);
      expect(await oauthError(await call())).toEqual({ status: 401, error: 'invalid_token' });
    });

    it.each([
      ['a wrong htu', { htu: `${REDIRECT_URI}` }],
      ['a wrong htm', { htm: 'POST' }],
      ['a stale iat, even with a valid nonce', { iat: now() - 120 }],
      ['an iat in the future', { iat: now() + 120 }],
      ['a wrong access token hash', { ath: 'x'.repeat(43) }],
    ])('a proof with %s: invalid_dpop_proof', async (_case, claims) => {
      const { status, error } = await oauthError(await callUserinfo(claims));
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(error).toBe('invalid_dpop_proof');
    });

    it('a proof without a nonce: use_dpop_nonce, with a fresh nonce to use', async () => {
      const response = await callUserinfo({ nonce: undefined });
      expect(await oauthError(response)).toEqual({ status: 401, error: 'use_dpop_nonce' });
      expect(response.headers.get('dpop-nonce')).toEqual(expect.any(String));
    });

    it('a proof by another key than the token is bound to, or the bound token as a bearer token', async () => {
      const other = await oidc.randomDPoPKeyPair('ES256');
      expect(await oauthError(await callUserinfo({}, other))).toEqual({
        status: 401,
        error: 'invalid_token',
      });
      const bearer = await fetch(userinfo, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(await oauthError(bearer)).toEqual({ status: 401, error: 'invalid_token' });
    });

    it('a token request without a DPoP proof', async () => {
      const login = await rp.startLogin({ scope: 'openid' });
      await citizen.approve(await citizen.fetchLoginRequest(login.shortCode!), []);
      const callback = await login.continue();
      const withoutDPoP = rp.withoutDPoP();
      await expect(
        oidc.authorizationCodeGrant(withoutDPoP.config, callback, {
          pkceCodeVerifier: login.checks.verifier,
          expectedState: login.checks.state,
        }),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('a plain front-channel authorization request, without PAR', async () => {
      const url = oidc.buildAuthorizationUrl(rp.config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        state: oidc.randomState(),
      });
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(303);
      const back = new URL(response.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.get('error_description')).toMatch(/Pushed Authorization Request must be used/);
    });

    it('front-channel parameters beside the request_uri are ignored: the pushed request alone counts', async () => {
      const pushed = await rp.pushAuthorizationRequest({ scope: 'openid' });
      pushed.url.searchParams.set('scope', 'openid profile offline_access');
      pushed.url.searchParams.set('redirect_uri', 'http://127.0.0.1:9/elsewhere');
      const login = await rp.openLoginPage(pushed);
      const pending = await citizen.fetchLoginRequest(login.shortCode!);
      expect(pending.claims).toEqual([]);
      await citizen.approve(pending, []);
      const callback = await login.continue();
      expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
      expect((await login.redeem(callback)).scope).toBe('openid');
    });

    it.each([
      ['an audience other than the issuer', () => ({ aud: `${baseUrl}/oidc/token` })],
      ['a lifetime over 60 seconds', () => ({ aud: `${baseUrl}/oidc`, iat: now(), exp: now() + 61 })],
    ])('a client assertion with %s: invalid_client', async (_case, claims) => {
      const response = await pushWith(baseUrl, rp, await clientAssertion(rp, claims()));
      expect(await oauthError(response)).toEqual({ status: 401, error: 'invalid_client' });
    });

    it('a client assertion used twice: invalid_client', async () => {
      const assertion = await clientAssertion(rp, { aud: `${baseUrl}/oidc` });
      expect((await pushWith(baseUrl, rp, assertion)).status).toBe(201);
      expect(await oauthError(await pushWith(baseUrl, rp, assertion))).toEqual({
        status: 401,
        error: 'invalid_client',
      });
    });
  });
});

describe.each(storageTargets('fapi2-restart'))(
  'single use across a restart of the platform on %s',
  (_name, target) => {
    it('refuses a client assertion and a DPoP proof replayed after the platform restarted', async () => {
      const storage = await target.create();
      const config =
        storage.config.eventStore === 'sqlite'
          ? { ...storage.config, dataDir: mkdtempSync(join(tmpdir(), 'fapi2-restart-')) }
          : storage.config;
      const overrides = { port: await freePort(), piiMasterKey: randomBytes(32) };
      let { app, baseUrl } = await startListeningTestPlatform(config, overrides);
      try {
        const keys = await oidc.randomDPoPKeyPair('ES256');
        const rp = (await RelyingParty.register(baseUrl, 'tax-restart', ['openid'], 'fapi2')).withDPoP(keys);
        const citizen = await registeredCitizen(baseUrl);
        const { tokens } = await logIn(rp, citizen, [], { scope: 'openid' });
        const userinfo = rp.config.serverMetadata().userinfo_endpoint!;
        const noNonce = await fetch(userinfo, {
          headers: {
            authorization: `DPoP ${tokens.access_token}`,
            dpop: await dpopProof(keys, { htm: 'GET', htu: userinfo, ath: await ath(tokens.access_token) }),
          },
        });
        const proof = await dpopProof(keys, {
          htm: 'GET',
          htu: userinfo,
          ath: await ath(tokens.access_token),
          nonce: noNonce.headers.get('dpop-nonce'),
        });
        const callUserinfo = () =>
          fetch(userinfo, { headers: { authorization: `DPoP ${tokens.access_token}`, dpop: proof } });
        const assertion = await clientAssertion(rp, { aud: `${baseUrl}/oidc` });
        expect((await callUserinfo()).status).toBe(200);
        expect((await pushWith(baseUrl, rp, assertion)).status).toBe(201);

        await app.close();
        ({ app, baseUrl } = await startListeningTestPlatform(config, overrides));
        // The first request may meet a kept-alive connection to the stopped instance: spend it on the health check.
        await fetch(`${baseUrl}/health`).catch(() => undefined);

        expect(await oauthError(await callUserinfo())).toEqual({ status: 401, error: 'invalid_token' });
        expect(await oauthError(await pushWith(baseUrl, rp, assertion))).toEqual({
          status: 401,
          error: 'invalid_client',
        });
      } finally {
        await app.close();
        await storage.drop();
      }
    });
  },
);
