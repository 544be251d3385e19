import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import type { CitizenApp } from '../../libs/identity/src/simulator/citizen-app.js';
import { storageTargets } from '../support/storage-targets.js';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';
import { logIn, registeredCitizen, RelyingParty } from './relying-party.js';

const SCOPES = ['openid', 'profile'];

/** openid-client is told the algorithm each e-service registered, and refuses a token signed otherwise. */
describe.each(storageTargets('token-signing'))(
  'the signing algorithm an e-service registers on %s',
  (_name, target) => {
    let app: NestExpressApplication;
    let dropStorage: () => Promise<void>;
    let baseUrl: string;
    let citizen: CitizenApp;

    beforeAll(async () => {
      const storage = await target.create();
      dropStorage = storage.drop;
      ({ app, baseUrl } = await startListeningTestPlatform(storage.config));
      citizen = await registeredCitizen(baseUrl);
    });
    afterAll(async () => {
      await app.close();
      await dropStorage();
    });

    it('is offered in discovery: ES256, PS256 and RS256, never none', async () => {
      const rp = await RelyingParty.register(baseUrl, 'signing-discovery', SCOPES);
      const metadata = rp.config.serverMetadata();
      for (const supported of [
        metadata.id_token_signing_alg_values_supported,
        metadata.userinfo_signing_alg_values_supported,
      ]) {
        expect([...supported!].sort()).toEqual(['ES256', 'PS256', 'RS256']);
      }
    });

    it.each(['PS256', 'RS256'] as const)(
      'signs the ID token and the JWT userinfo with %s when the e-service registered it',
      async (alg) => {
        const rp = await RelyingParty.register(baseUrl, `signing-${alg.toLowerCase()}`, SCOPES, 'standard', {
          registration: { idTokenSigningAlg: alg, userinfoSigningAlg: alg },
          metadata: { id_token_signed_response_alg: alg, userinfo_signed_response_alg: alg },
        });
        const { tokens } = await logIn(rp, citizen, ['name'], { scope: 'openid profile' });
        expect(decodeProtectedHeader(tokens.id_token!).alg).toBe(alg);
        const sub = tokens.claims()!.sub;
        expect(await oidc.fetchUserInfo(rp.config, tokens.access_token, sub)).toMatchObject({
          sub,
          name: 'CHAN, Tai Man',
        });
        const userinfo = await fetch(rp.config.serverMetadata().userinfo_endpoint!, {
          headers: { authorization: `Bearer ${tokens.access_token}` },
        });
        expect(userinfo.headers.get('content-type')).toMatch(/^application\/jwt/);
        expect(decodeProtectedHeader(await userinfo.text()).alg).toBe(alg);
      },
    );

    it('switches an e-service from ES256 to PS256 ID tokens, as an event, from the next login on', async () => {
      const rp = await RelyingParty.register(baseUrl, 'signing-switch', SCOPES);
      const before = await logIn(rp, citizen, [], { scope: 'openid' });
      expect(decodeProtectedHeader(before.tokens.id_token!).alg).toBe('ES256');
      const changed = await fetch(`${baseUrl}/admin/eservices/signing-switch/token-signing`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ idTokenSigningAlg: 'PS256' }),
      });
      expect(changed.status).toBe(200);
      expect(await changed.json()).toMatchObject({ idTokenSigningAlg: 'PS256' });
      const after = await logIn(rp, citizen, [], { scope: 'openid' });
      expect(decodeProtectedHeader(after.tokens.id_token!).alg).toBe('PS256');
    });

    it('refuses none, or a symmetric algorithm, with a clear 400', async () => {
      for (const idTokenSigningAlg of ['none', 'HS256']) {
        const refused = await fetch(`${baseUrl}/admin/eservices/signing-discovery/token-signing`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ idTokenSigningAlg }),
        });
        expect(refused.status).toBe(400);
        expect(await refused.json()).toMatchObject({ code: 'SIGNING_ALG_NOT_ALLOWED' });
      }
    });
  },
);
