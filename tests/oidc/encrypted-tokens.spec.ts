import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { compactDecrypt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, ProjectionRunner } from '#libs/eventsourcing';
import type { CitizenApp } from '../../libs/identity/src/simulator/citizen-app.js';
import { TestBrowser } from '../support/browser.js';
import { storageTargets } from '../support/storage-targets.js';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';
import { logIn, REDIRECT_URI, registeredCitizen, RelyingParty } from './relying-party.js';

const ACR_PLUS = 'urn:city-identity:acr:plus';
const HKID = /^Q\d{6}\([0-9A]\)$/;
const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' };

/** A JWE's protected header: what it was encrypted with, and that a signed JWT is inside (nested JWS). */
const jweHeader = (token: string) => {
  expect(token.split('.')).toHaveLength(5);
  return decodeProtectedHeader(token);
};

describe.each(storageTargets('encrypted-tokens'))(
  'encrypted ID tokens and userinfo on %s',
  (_name, target) => {
    let app: NestExpressApplication;
    let dropStorage: () => Promise<void>;
    let baseUrl: string;
    let plus: CitizenApp;

    beforeAll(async () => {
      const storage = await target.create();
      dropStorage = storage.drop;
      ({ app, baseUrl } = await startListeningTestPlatform(storage.config));
      plus = await registeredCitizen(baseUrl);
      const verified = await fetch(`${baseUrl}/admin/citizens/${plus.citizenId}/identity-verification`, {
        method: 'POST',
        headers: admin,
      });
      expect(verified.status).toBe(200);
    });
    afterAll(async () => {
      await app.close();
      await dropStorage();
    });

    it.each(['ECDH-ES+A256KW', 'RSA-OAEP-256'] as const)(
      'releases the HKID number only encrypted with %s to the e-service key, decrypted by openid-client',
      async (encryption) => {
        const rp = await RelyingParty.register(
          baseUrl,
          `hkid-${encryption === 'RSA-OAEP-256' ? 'rsa' : 'ec'}`,
          ['openid', 'hkid'],
          'standard',
          { encryption },
        );
        const { tokens } = await logIn(rp, plus, ['hkid'], { scope: 'openid hkid', acr_values: ACR_PLUS });
        expect(jweHeader(tokens.id_token!)).toMatchObject({ alg: encryption, enc: 'A256GCM', cty: 'JWT' });
        expect(tokens.claims()).toMatchObject({ acr: ACR_PLUS, hkid: expect.stringMatching(HKID) });

        const raw = await fetch(rp.config.serverMetadata().userinfo_endpoint!, {
          headers: { authorization: `Bearer ${tokens.access_token}` },
        });
        expect(raw.headers.get('content-type')).toMatch(/^application\/jwt/);
        expect(jweHeader(await raw.text())).toMatchObject({ alg: encryption, enc: 'A256GCM', cty: 'JWT' });
        const sub = tokens.claims()!.sub;
        expect(await oidc.fetchUserInfo(rp.config, tokens.access_token, sub)).toMatchObject({
          sub,
          hkid: expect.stringMatching(HKID),
        });
      },
    );

    it('refuses to register the hkid scope without an encryption key, with a clear 400', async () => {
      const { publicKey } = await generateKeyPair('ES256');
      const response = await fetch(`${baseUrl}/admin/eservices`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({
          clientId: 'hkid-unencrypted',
          name: 'No encryption key',
          department: 'IRD',
          redirectUris: [REDIRECT_URI],
          authMethod: 'private_key_jwt',
          jwks: { keys: [{ ...(await exportJWK(publicKey)), use: 'sig' }] },
          allowedScopes: ['openid', 'hkid'],
        }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        code: 'ENCRYPTION_KEY_REQUIRED',
        detail: expect.stringContaining('"use": "enc"'),
      });
    });

    it('answers invalid_scope when an e-service registered with hkid before keys were needed asks for it', async () => {
      // Registered through the registry, then given the hkid scope the way an event from before the rule would.
      const rp = await RelyingParty.register(baseUrl, 'hkid-legacy', ['openid']);
      const store = app.get<EventStore>(EVENT_STORE);
      const [registered] = await store.readStream('eservice-hkid-legacy');
      const { position } = await store.append('eservice-hkid-legacy', [
        {
          id: randomUUID(),
          type: 'EServiceUpdated',
          data: {
            clientId: 'hkid-legacy',
            allowedScopes: ['openid', 'hkid'],
            updatedAt: new Date().toISOString(),
          },
          metadata: registered!.metadata,
        },
      ]);
      await app.get(ProjectionRunner).waitFor(position);
      await expect(rp.pushAuthorizationRequest({ scope: 'openid hkid' })).rejects.toMatchObject({
        error: 'invalid_scope',
      });
      // Without hkid, its logins go on.
      await expect(rp.pushAuthorizationRequest({ scope: 'openid' })).resolves.toBeDefined();
    });

    it('is decrypted by oauth4webapi too, with the e-service key and nothing of ours', async () => {
      const rp = await RelyingParty.register(baseUrl, 'hkid-oauth4webapi', ['openid', 'hkid'], 'standard', {
        encryption: 'ECDH-ES+A256KW',
      });
      const decryptionKey = rp.decryptionKey!;
      const decrypt: oauth.JweDecryptFunction = async (jwe) =>
        new TextDecoder().decode(
          (
            await compactDecrypt(jwe, decryptionKey, {
              keyManagementAlgorithms: ['ECDH-ES+A256KW'],
              contentEncryptionAlgorithms: ['A256GCM'],
            })
          ).plaintext,
        );
      const insecure = { [oauth.allowInsecureRequests]: true };
      const issuer = new URL(`${baseUrl}/oidc`);
      const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
      const client = { client_id: rp.clientId };
      const clientAuth = oauth.PrivateKeyJwt({ key: rp.clientKey!.privateKey, kid: rp.clientKey!.kid });
      const verifier = oauth.generateRandomCodeVerifier();
      const pushed = await oauth.processPushedAuthorizationResponse(
        as,
        client,
        await oauth.pushedAuthorizationRequest(
          as,
          client,
          clientAuth,
          {
            response_type: 'code',
            redirect_uri: REDIRECT_URI,
            scope: 'openid hkid',
            acr_values: ACR_PLUS,
            code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
            code_challenge_method: 'S256',
          },
          insecure,
        ),
      );
      const authorize = new URL(as.authorization_endpoint!);
      authorize.searchParams.set('client_id', client.client_id);
      authorize.searchParams.set('request_uri', pushed.request_uri);
      const browser = new TestBrowser();
      const page = await browser.navigate(authorize.href, { stopAt: REDIRECT_URI });
      const shortCode = /data-testid="short-code">([^<]+)</.exec(page.text)![1]!;
      const uid = /\/interaction\/([^/?#]+)$/.exec(page.url)![1]!;
      await plus.approve(await plus.fetchLoginRequest(shortCode), ['hkid']);
      const back = await browser.navigate(`${baseUrl}/interaction/${uid}/continue`, { stopAt: REDIRECT_URI });
      const callback = oauth.validateAuthResponse(as, client, new URL(back.url), oauth.expectNoState);

      const tokens = await oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(
          as,
          client,
          clientAuth,
          callback,
          REDIRECT_URI,
          verifier,
          insecure,
        ),
        { requireIdToken: true, [oauth.jweDecrypt]: decrypt },
      );
      const claims = oauth.getValidatedIdTokenClaims(tokens)!;
      expect(claims).toMatchObject({ hkid: expect.stringMatching(HKID) });
      const userinfo = await oauth.processUserInfoResponse(
        as,
        client,
        claims.sub,
        await oauth.userInfoRequest(as, client, tokens.access_token, insecure),
        { [oauth.jweDecrypt]: decrypt },
      );
      expect(userinfo).toMatchObject({ sub: claims.sub, hkid: claims['hkid'] });
    });
  },
);
