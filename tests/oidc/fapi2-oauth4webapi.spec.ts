import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import * as oauth from 'oauth4webapi';
import type { CitizenApp } from '../../libs/identity/src/simulator/citizen-app.js';
import { TestBrowser } from '../support/browser.js';
import { storageTargets } from '../support/storage-targets.js';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';
import { REDIRECT_URI, registeredCitizen, RelyingParty } from './relying-party.js';

const insecure = { [oauth.allowInsecureRequests]: true };

/** oauth4webapi leaves the DPoP nonce round trip to its caller (RFC 9449 §8): one retry with the nonce given. */
async function withDPoPNonce<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) throw error;
    return request();
  }
}

/**
 * The second, independent relying-party library: oauth4webapi drives the whole FAPI 2.0 flow (PAR, PKCE,
 * private_key_jwt, DPoP, iss in the authorization response) with no code of ours on the e-service's side.
 */
describe.each(storageTargets('fapi2-oauth4webapi'))(
  'FAPI 2.0 login through oauth4webapi on %s',
  (_name, target) => {
    let app: NestExpressApplication;
    let dropStorage: () => Promise<void>;
    let baseUrl: string;
    let as: oauth.AuthorizationServer;
    let client: oauth.Client;
    let clientAuth: oauth.ClientAuth;
    let citizen: CitizenApp;

    beforeAll(async () => {
      const storage = await target.create();
      dropStorage = storage.drop;
      ({ app, baseUrl } = await startListeningTestPlatform(storage.config));
      // Registered through the admin API; only its key is taken from the helper, the rest is oauth4webapi.
      const registered = await RelyingParty.register(
        baseUrl,
        'rates-fapi',
        ['openid', 'profile', 'offline_access'],
        'fapi2',
        { registration: { idTokenSigningAlg: 'PS256', userinfoSigningAlg: 'PS256' } },
      );
      const issuer = new URL(`${baseUrl}/oidc`);
      as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
      // oauth4webapi refuses an ID token or a JWT userinfo signed with another algorithm than these.
      client = {
        client_id: registered.clientId,
        id_token_signed_response_alg: 'PS256',
        userinfo_signed_response_alg: 'PS256',
      };
      clientAuth = oauth.PrivateKeyJwt({
        key: registered.clientKey!.privateKey,
        kid: registered.clientKey!.kid,
      });
      citizen = await registeredCitizen(baseUrl);
    });
    afterAll(async () => {
      await app.close();
      await dropStorage();
    });

    it('logs in with PAR, PKCE, private_key_jwt and DPoP, reads PS256 ID token and userinfo, refreshes, all bound to its DPoP key', async () => {
      const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const nonce = oauth.generateRandomNonce();
      const pushed = await withDPoPNonce(async () =>
        oauth.processPushedAuthorizationResponse(
          as,
          client,
          await oauth.pushedAuthorizationRequest(
            as,
            client,
            clientAuth,
            {
              response_type: 'code',
              redirect_uri: REDIRECT_URI,
              scope: 'openid profile offline_access',
              prompt: 'consent',
              state,
              nonce,
              code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
              code_challenge_method: 'S256',
            },
            { DPoP, ...insecure },
          ),
        ),
      );
      const authorize = new URL(as.authorization_endpoint!);
      authorize.searchParams.set('client_id', client.client_id);
      authorize.searchParams.set('request_uri', pushed.request_uri);

      // The citizen: the login page's short code, approved in the app; the browser then returns to the e-service.
      const browser = new TestBrowser();
      const page = await browser.navigate(authorize.href, { stopAt: REDIRECT_URI });
      const shortCode = /data-testid="short-code">([^<]+)</.exec(page.text)![1]!;
      const uid = /\/interaction\/([^/?#]+)$/.exec(page.url)![1]!;
      await citizen.approve(await citizen.fetchLoginRequest(shortCode), ['name']);
      const back = await browser.navigate(`${baseUrl}/interaction/${uid}/continue`, { stopAt: REDIRECT_URI });

      // validateAuthResponse checks `iss` (RFC 9207), which discovery says the provider always sends.
      const callback = oauth.validateAuthResponse(as, client, new URL(back.url), state);
      const tokens = await withDPoPNonce(async () =>
        oauth.processAuthorizationCodeResponse(
          as,
          client,
          await oauth.authorizationCodeGrantRequest(
            as,
            client,
            clientAuth,
            callback,
            REDIRECT_URI,
            verifier,
            {
              DPoP,
              ...insecure,
            },
          ),
          { expectedNonce: nonce, requireIdToken: true },
        ),
      );
      expect(tokens.token_type).toBe('dpop');
      const { sub } = oauth.getValidatedIdTokenClaims(tokens)!;

      const userinfo = await withDPoPNonce(async () =>
        oauth.processUserInfoResponse(
          as,
          client,
          sub,
          await oauth.userInfoRequest(as, client, tokens.access_token, { DPoP, ...insecure }),
        ),
      );
      // A signed userinfo (JWT) names its issuer and audience; oauth4webapi checked its algorithm.
      expect(userinfo).toMatchObject({
        sub,
        name: 'CHAN, Tai Man',
        iss: `${baseUrl}/oidc`,
        aud: client.client_id,
      });
      expect(userinfo).not.toHaveProperty('email');

      const refreshed = await withDPoPNonce(async () =>
        oauth.processRefreshTokenResponse(
          as,
          client,
          await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, {
            DPoP,
            ...insecure,
          }),
        ),
      );
      expect(refreshed.token_type).toBe('dpop');

      // The same access token without its key is refused: oauth4webapi sends it as a bearer token.
      await expect(
        (async () =>
          oauth.processUserInfoResponse(
            as,
            client,
            sub,
            await oauth.userInfoRequest(as, client, refreshed.access_token, insecure),
          ))(),
      ).rejects.toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    });

    it('gets a DPoP-bound client_credentials token for the back office of the e-service', async () => {
      const registry = await fetch(`${baseUrl}/admin/eservices/${client.client_id}/grant-types`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ grantTypes: ['authorization_code', 'client_credentials'] }),
      });
      expect(registry.status).toBe(200);
      const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
      const token = await withDPoPNonce(async () =>
        oauth.processClientCredentialsResponse(
          as,
          client,
          await oauth.clientCredentialsGrantRequest(as, client, clientAuth, {}, { DPoP, ...insecure }),
        ),
      );
      expect(token.token_type).toBe('dpop');
      const introspection = await oauth.processIntrospectionResponse(
        as,
        client,
        await oauth.introspectionRequest(as, client, clientAuth, token.access_token, insecure),
      );
      expect(introspection).toMatchObject({ active: true, client_id: client.client_id, token_type: 'DPoP' });
    });

    it('refuses a plain authorization request from the e-service, pointing it to PAR', async () => {
      const authorize = new URL(as.authorization_endpoint!);
      const state = oauth.generateRandomState();
      for (const [name, value] of Object.entries({
        client_id: client.client_id,
        response_type: 'code',
        redirect_uri: REDIRECT_URI,
        scope: 'openid',
        state,
        code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
        code_challenge_method: 'S256',
      })) {
        authorize.searchParams.set(name, value);
      }
      const page = await new TestBrowser().navigate(authorize.href, { stopAt: REDIRECT_URI });
      expect(() => oauth.validateAuthResponse(as, client, new URL(page.url), state)).toThrow(
        expect.objectContaining({ error: 'invalid_request' }),
      );
    });
  },
);
