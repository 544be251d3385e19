import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import { TestBrowser } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import { storageTargets } from '../support/storage-targets.js';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';
import { LogoutReceiver } from './backchannel-logout-receiver.js';
import { logIn, REDIRECT_URI, registeredCitizen, RelyingParty } from './relying-party.js';

const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

describe.each(storageTargets('oidc_bcl'))('OIDC Back-Channel Logout on %s', (_name, target) => {
  let app: NestExpressApplication;
  let dropStorage: () => Promise<void>;
  let baseUrl: string;
  const receivers: LogoutReceiver[] = [];

  beforeAll(async () => {
    const storage = await target.create();
    dropStorage = storage.drop;
    ({ app, baseUrl } = await startListeningTestPlatform(storage.config));
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await app.close();
    await dropStorage();
  });

  /** An e-service with its own logout endpoint, registered through the admin API. */
  async function eServiceWithLogout(clientId: string, failures = 0) {
    const receiver = await LogoutReceiver.start(failures);
    receivers.push(receiver);
    const rp = await RelyingParty.register(baseUrl, clientId, ['openid', 'profile', 'email'], 'standard', {
      registration: { backchannelLogoutUri: receiver.uri },
    });
    return { rp, receiver };
  }

  /** What the e-service does with a logout token: verify it against the provider's published keys. */
  async function verified(rp: RelyingParty, token: string): Promise<JWTPayload> {
    const metadata = rp.config.serverMetadata();
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(metadata.jwks_uri!)), {
      issuer: metadata.issuer,
      audience: rp.clientId,
      typ: 'logout+jwt',
      maxTokenAge: '2 minutes',
    });
    return payload;
  }

  const received = (receiver: LogoutReceiver, count = 1) =>
    eventually(async () => (receiver.tokens.length >= count ? receiver.tokens : undefined));

  it('announces back-channel logout with sid in discovery', async () => {
    const { rp } = await eServiceWithLogout('bcl-discovery');
    expect(rp.config.serverMetadata()).toMatchObject({
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
    });
  });

  it('sends each e-service a signed logout token for the session a lost device ended', async () => {
    const { rp, receiver } = await eServiceWithLogout('bcl-lost-device');
    const citizen = await registeredCitizen(baseUrl);
    const { tokens } = await logIn(rp, citizen, ['name'], { scope: 'openid profile' });
    const idToken = tokens.claims()!;
    expect(idToken.sid).toEqual(expect.any(String));

    await citizen.reportDeviceLost();

    const [token] = await received(receiver);
    expect(decodeProtectedHeader(token!)).toMatchObject({ typ: 'logout+jwt' });
    const payload = await verified(rp, token!);
    expect(payload).toMatchObject({
      sub: idToken.sub,
      sid: idToken.sid,
      events: { [LOGOUT_EVENT]: {} },
      jti: expect.any(String),
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
    expect(payload).not.toHaveProperty('nonce');
  });

  it('ends the session at every e-service when the citizen logs out at one of them', async () => {
    const { rp: housing, receiver: atHousing } = await eServiceWithLogout('bcl-housing');
    const { rp: library, receiver: atLibrary } = await eServiceWithLogout('bcl-library');
    const citizen = await registeredCitizen(baseUrl);
    const browser = new TestBrowser();
    const first = await logIn(housing, citizen, ['name'], { scope: 'openid profile' }, browser);
    const second = await logIn(library, citizen, ['name'], { scope: 'openid profile' }, browser);

    const endSession = oidc.buildEndSessionUrl(housing.config, {
      id_token_hint: first.tokens.id_token!,
      post_logout_redirect_uri: 'http://127.0.0.1:9/',
    });
    const confirm = await browser.navigate(endSession.href);
    expect(confirm.text).toContain('Sign out everywhere');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.text)![1]!;
    const done = await browser.navigate(`${baseUrl}/oidc/session/end/confirm`, {
      method: 'POST',
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
      stopAt: 'http://127.0.0.1:9/',
    });
    expect(done.url).toBe('http://127.0.0.1:9/');

    const fromLibrary = await verified(library, (await received(atLibrary))[0]!);
    expect(fromLibrary).toMatchObject({ sub: second.tokens.claims()!.sub, sid: second.tokens.claims()!.sid });
    const fromHousing = await verified(housing, (await received(atHousing))[0]!);
    expect(fromHousing).toMatchObject({ sub: first.tokens.claims()!.sub, sid: first.tokens.claims()!.sid });
    expect(await oidc.tokenIntrospection(library.config, second.tokens.access_token)).toMatchObject({
      active: false,
    });
  });

  it('retries a receiver that fails until it takes the logout token', async () => {
    const { rp, receiver } = await eServiceWithLogout('bcl-flaky', 1);
    const citizen = await registeredCitizen(baseUrl);
    const { tokens } = await logIn(rp, citizen, [], { scope: 'openid' });

    await citizen.reportDeviceLost();

    const [token] = await received(receiver);
    expect(receiver.attempts).toBe(2);
    expect(await verified(rp, token!)).toMatchObject({ sid: tokens.claims()!.sid });
  });

  it('refuses a back-channel logout URI with a fragment, and turns it off with null', async () => {
    const register = await fetch(`${baseUrl}/admin/eservices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: 'bcl-bad-uri',
        name: 'Bad',
        department: 'IRD',
        redirectUris: [REDIRECT_URI],
        authMethod: 'client_secret_basic',
        backchannelLogoutUri: 'https://rp.example/logout#frag',
      }),
    });
    expect(register.status).toBe(400);
    expect(await register.json()).toMatchObject({ code: 'BACKCHANNEL_LOGOUT_URI_INVALID' });

    const { rp, receiver } = await eServiceWithLogout('bcl-turned-off');
    const off = await fetch(`${baseUrl}/admin/eservices/${rp.clientId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ backchannelLogoutUri: null }),
    });
    expect(off.status).toBe(200);
    const citizen = await registeredCitizen(baseUrl);
    // Once the registry has caught up, ID tokens no longer carry a sid for the e-service.
    const { tokens } = await eventually(async () => {
      const login = await logIn(rp, citizen, [], { scope: 'openid' });
      return login.tokens.claims()!.sid === undefined ? login : undefined;
    });
    expect(tokens.claims()).not.toHaveProperty('sid');
    await citizen.reportDeviceLost();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receiver.attempts).toBe(0);
  });
});

describe.each(storageTargets('oidc_bcl_restart'))('the back-channel logout outbox on %s', (name, target) => {
  it('survives a restart: a logout token the receiver refused before is delivered by the next instance', async () => {
    const storage = await target.create();
    const dataDir = name === 'sqlite' ? await mkdtemp(join(tmpdir(), 'bcl-')) : undefined;
    const config = dataDir ? { eventStore: 'sqlite' as const, dataDir } : storage.config;
    const piiMasterKey = randomBytes(32);
    const receiver = await LogoutReceiver.start(Number.MAX_SAFE_INTEGER);
    try {
      const first = await startListeningTestPlatform(config, { piiMasterKey });
      const rp = await RelyingParty.register(
        first.baseUrl,
        'bcl-restart',
        ['openid', 'profile'],
        'standard',
        {
          registration: { backchannelLogoutUri: receiver.uri },
        },
      );
      const citizen = await registeredCitizen(first.baseUrl);
      const { tokens } = await logIn(rp, citizen, [], { scope: 'openid' });
      await citizen.reportDeviceLost();
      await eventually(async () => (receiver.attempts > 0 ? true : undefined));
      await first.app.close();

      receiver.recover();
      const second = await startListeningTestPlatform(config, { piiMasterKey });
      try {
        const [token] = await eventually(async () =>
          receiver.tokens.length > 0 ? receiver.tokens : undefined,
        );
        const { payload } = await jwtVerify(
          token!,
          createRemoteJWKSet(new URL(`${second.baseUrl}/oidc/jwks`)),
          { issuer: `${second.baseUrl}/oidc`, audience: 'bcl-restart', typ: 'logout+jwt' },
        );
        expect(payload).toMatchObject({ sub: tokens.claims()!.sub, sid: tokens.claims()!.sid });
      } finally {
        await second.app.close();
      }
    } finally {
      await receiver.close();
      await storage.drop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }
  });
});
