import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { CitizenApp } from '../../libs/identity/src/simulator/citizen-app.js';
import { TestBrowser } from '../support/browser.js';
import { storageTargets } from '../support/storage-targets.js';
import { startListeningTestPlatform } from '../support/test-platform.js';
import { logIn, REDIRECT_URI, registeredCitizen, RelyingParty } from './relying-party.js';

const ACR_BASIC = 'urn:city-identity:acr:basic';

describe.each(storageTargets('oidc_stepup'))(
  'Step-up, re-authentication and the claims parameter on %s',
  (_name, target) => {
    let app: NestExpressApplication;
    let dropStorage: () => Promise<void>;
    let baseUrl: string;
    let rp: RelyingParty;
    let citizen: CitizenApp;

    beforeAll(async () => {
      const storage = await target.create();
      dropStorage = storage.drop;
      ({ app, baseUrl } = await startListeningTestPlatform(storage.config));
      // No `hkid`, no `corporate`: the e-service may have neither.
      rp = await RelyingParty.register(baseUrl, 'stepup-permits', ['openid', 'profile', 'email']);
      citizen = await registeredCitizen(baseUrl);
    });
    afterAll(async () => {
      await app.close();
      await dropStorage();
    });

    it('completes a login whose claims parameter names claims the e-service may not have, leaving them out', async () => {
      const claims = JSON.stringify({
        id_token: { hkid: { essential: true }, corp_id: null, name: null },
        userinfo: { corp_name: null, hkid: null },
      });
      const login = await rp.startLogin({ scope: 'openid profile', claims });
      const pending = await citizen.fetchLoginRequest(login.shortCode!);
      expect(pending.claims).not.toContain('hkid');
      await citizen.approve(pending, ['name']);
      const callback = await login.continue();
      expect(callback.origin + callback.pathname).toBe(REDIRECT_URI);
      expect(callback.searchParams.get('code')).toEqual(expect.any(String));
      const idToken = (await login.redeem(callback)).claims()!;
      expect(idToken).toMatchObject({ name: 'CHAN, Tai Man' });
      for (const withheld of ['hkid', 'corp_id', 'corp_name']) expect(idToken).not.toHaveProperty(withheld);
    });

    it('puts auth_time and acr in the ID token when the claims parameter asks for them', async () => {
      const claims = JSON.stringify({ id_token: { auth_time: { essential: true }, acr: null } });
      const { tokens } = await logIn(rp, citizen, [], { scope: 'openid', claims });
      expect(tokens.claims()).toMatchObject({ auth_time: expect.any(Number), acr: ACR_BASIC });
    });

    it('puts auth_time in the ID token for max_age, and acr for acr_values', async () => {
      const { tokens } = await logIn(rp, citizen, [], {
        scope: 'openid',
        max_age: '300',
        acr_values: ACR_BASIC,
      });
      const idToken = tokens.claims()!;
      expect(idToken).toMatchObject({ auth_time: expect.any(Number), acr: ACR_BASIC });
      expect(Math.abs(idToken.auth_time! - Date.now() / 1000)).toBeLessThan(60);
    });

    it.each<Record<string, string>>([{ prompt: 'login' }, { max_age: '0' }])(
      'asks the app again for a login in a browser already signed in, with %o',
      async (parameters) => {
        const browser = new TestBrowser();
        const first = (await logIn(rp, citizen, [], { scope: 'openid' }, browser)).tokens.claims()!;
        const again = await rp.startLogin({ scope: 'openid', ...parameters }, browser);
        expect(again.shortCode).toEqual(expect.any(String));
        const pending = await citizen.fetchLoginRequest(again.shortCode!);
        await citizen.approve(pending, []);
        const second = (await again.redeem(await again.continue())).claims()!;
        expect(second.sub).toBe(first.sub);
        expect(second.auth_time).toBeGreaterThanOrEqual(first.auth_time ?? 0);
      },
    );

    it('tells the app that the e-service will keep access when it asks for offline_access with prompt=consent', async () => {
      const offline = await RelyingParty.register(baseUrl, 'stepup-offline', [
        'openid',
        'profile',
        'offline_access',
      ]);
      const kept = await offline.startLogin({ scope: 'openid offline_access', prompt: 'consent' });
      expect(await citizen.fetchLoginRequest(kept.shortCode!)).toMatchObject({ offlineAccess: true });
      // Without prompt=consent no refresh token is issued (OIDC Core §11), and the app says nothing of the kind.
      const notKept = await offline.startLogin({ scope: 'openid offline_access' });
      expect(await citizen.fetchLoginRequest(notKept.shortCode!)).not.toHaveProperty('offlineAccess');
    });
  },
);
