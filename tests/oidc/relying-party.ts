import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { webcrypto } from 'node:crypto';
import * as oidc from 'openid-client';
import { CitizenApp } from '../../libs/identity/src/simulator/citizen-app.js';
import type { ClaimName } from '#libs/identity';
import { TestBrowser } from '../support/browser.js';
import { hkidFor, TEST_ADMIN_TOKEN } from '../support/test-platform.js';

export const REDIRECT_URI = 'http://127.0.0.1:9/callback';

let citizens = 0;

/** An e-service registered through the admin API, integrating with openid-client as a real one would. */
export class RelyingParty {
  private constructor(
    readonly clientId: string,
    readonly config: oidc.Configuration,
    private readonly baseUrl: string,
    /** A fapi2 e-service's DPoP key: its PAR, token and userinfo requests carry proofs by it. */
    readonly dpop?: oidc.DPoPHandle,
    /** The key its client assertions are signed with, for tests that sign their own. */
    readonly clientKey?: { privateKey: webcrypto.CryptoKey; kid: string },
    /** The private half of its encryption key, for tests that decrypt with another library. */
    readonly decryptionKey?: webcrypto.CryptoKey,
  ) {}

  static async register(
    baseUrl: string,
    clientId: string,
    allowedScopes = ['openid', 'profile', 'email', 'phone', 'address', 'hkid', 'offline_access'],
    // These e-services speak plain OpenID Connect (no DPoP): FAPI 2.0 e-services are tested in fapi2-*.spec.ts.
    profile: 'standard' | 'fapi2' = 'standard',
    options: {
      /** More registration fields, e.g. `idTokenSigningAlg`. */
      registration?: Record<string, unknown>;
      /** The client metadata openid-client holds the provider to, e.g. `id_token_signed_response_alg`. */
      metadata?: Partial<oidc.ClientMetadata>;
      /** An encryption key to register (one is, by default, with the hkid scope, which needs it). */
      encryption?: 'ECDH-ES+A256KW' | 'RSA-OAEP-256';
    } = {},
  ): Promise<RelyingParty> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk: JWK = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' };
    jwk.kid = await calculateJwkThumbprint(jwk);
    const encryption = options.encryption ?? (allowedScopes.includes('hkid') ? 'ECDH-ES+A256KW' : undefined);
    const decryption = encryption && (await generateKeyPair(encryption, { extractable: true }));
    const encryptionJwk = decryption && { ...(await exportJWK(decryption.publicKey)), use: 'enc' };
    const response = await fetch(`${baseUrl}/admin/eservices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId,
        name: `E-service ${clientId}`,
        department: 'IRD',
        redirectUris: [REDIRECT_URI],
        postLogoutRedirectUris: ['http://127.0.0.1:9/'],
        authMethod: 'private_key_jwt',
        jwks: { keys: encryptionJwk ? [jwk, encryptionJwk] : [jwk] },
        allowedScopes,
        profile,
        ...options.registration,
      }),
    });
    if (response.status !== 201)
      throw new Error(`registration failed: ${response.status} ${await response.text()}`);
    const { config } = await RelyingParty.connect(
      baseUrl,
      clientId,
      'private_key_jwt',
      oidc.PrivateKeyJwt({ key: privateKey as webcrypto.CryptoKey, kid: jwk.kid }),
      options.metadata,
    );
    // openid-client decrypts the ID token and userinfo itself, and checks the inner JWS.
    if (decryption) {
      oidc.enableDecryptingResponses(config, ['A256GCM'], decryption.privateKey as webcrypto.CryptoKey);
    }
    const rp = new RelyingParty(
      clientId,
      config,
      baseUrl,
      undefined,
      { privateKey: privateKey as webcrypto.CryptoKey, kid: jwk.kid },
      decryption ? (decryption.privateKey as webcrypto.CryptoKey) : undefined,
    );
    return profile === 'fapi2' ? rp.withDPoP(await oidc.randomDPoPKeyPair('ES256')) : rp;
  }

  /** The same e-service proving possession of `keys` (a fresh pair unless given) in every request. */
  withDPoP(keys: oidc.CryptoKeyPair): RelyingParty {
    return new RelyingParty(
      this.clientId,
      this.config,
      this.baseUrl,
      oidc.getDPoPHandle(this.config, keys),
      this.clientKey,
      this.decryptionKey,
    );
  }

  /** The same e-service sending no DPoP proof. */
  withoutDPoP(): RelyingParty {
    return new RelyingParty(
      this.clientId,
      this.config,
      this.baseUrl,
      undefined,
      this.clientKey,
      this.decryptionKey,
    );
  }

  /** DPoP options for openid-client's calls, empty without DPoP. */
  get dpopOptions(): { DPoP?: oidc.DPoPHandle } {
    return this.dpop ? { DPoP: this.dpop } : {};
  }

  /** Discovery and client authentication for an e-service already registered. */
  static async connect(
    baseUrl: string,
    clientId: string,
    method: 'private_key_jwt' | 'client_secret_basic',
    auth: oidc.ClientAuth,
    metadata: Partial<oidc.ClientMetadata> = {},
  ): Promise<RelyingParty> {
    const config = await oidc.discovery(
      new URL(`${baseUrl}/oidc`),
      clientId,
      { ...metadata, token_endpoint_auth_method: method },
      auth,
      { execute: [oidc.allowInsecureRequests] },
    );
    return new RelyingParty(clientId, config, baseUrl);
  }

  /** PAR with PKCE, then the browser reaches the login page: what the citizen sees, and how to go on. */
  async startLogin(
    parameters: Record<string, string> = {},
    browser = new TestBrowser(),
  ): Promise<LoginInProgress> {
    return this.openLoginPage(await this.pushAuthorizationRequest(parameters), browser);
  }

  /** The e-service's back channel: PAR with PKCE, answered by the authorization URL for the browser. */
  async pushAuthorizationRequest(parameters: Record<string, string> = {}): Promise<PushedAuthorization> {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = await oidc.buildAuthorizationUrlWithPAR(
      this.config,
      {
        redirect_uri: REDIRECT_URI,
        scope: 'openid profile email',
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        ...parameters,
      },
      this.dpopOptions,
    );
    return { url, checks: { verifier, state, nonce } };
  }

  /** The browser follows the authorization URL to the login page (or back to the e-service with an error). */
  async openLoginPage(
    { url, checks }: PushedAuthorization,
    browser = new TestBrowser(),
  ): Promise<LoginInProgress> {
    const page = await browser.navigate(url.href, { stopAt: REDIRECT_URI });
    const shortCode = /data-testid="short-code">([^<]+)</.exec(page.text)?.[1];
    const uid = /\/interaction\/([^/?#]+)$/.exec(page.url)?.[1];
    return new LoginInProgress(this, browser, this.baseUrl, checks, page.url, shortCode, uid);
  }
}

export interface PushedAuthorization {
  readonly url: URL;
  readonly checks: { verifier: string; state: string; nonce: string };
}

export class LoginInProgress {
  constructor(
    readonly rp: RelyingParty,
    readonly browser: TestBrowser,
    private readonly baseUrl: string,
    readonly checks: { verifier: string; state: string; nonce: string },
    /** Where the browser ended: the login page, or the redirect URI with an error. */
    readonly landedAt: string,
    readonly shortCode: string | undefined,
    readonly uid: string | undefined,
  ) {}

  /** The browser goes on once the app has decided: back to the e-service's redirect URI. */
  async continue(): Promise<URL> {
    const visit = await this.browser.navigate(`${this.baseUrl}/interaction/${this.uid}/continue`, {
      stopAt: REDIRECT_URI,
    });
    return new URL(visit.url);
  }

  redeem(
    callback: URL,
    overrides: Partial<{ verifier: string }> = {},
  ): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
    return oidc.authorizationCodeGrant(
      this.rp.config,
      callback,
      {
        pkceCodeVerifier: overrides.verifier ?? this.checks.verifier,
        expectedState: this.checks.state,
        expectedNonce: this.checks.nonce,
        idTokenExpected: true,
      },
      undefined,
      this.rp.dpopOptions,
    );
  }
}

export async function registeredCitizen(baseUrl: string): Promise<CitizenApp> {
  const app = await CitizenApp.install({ baseUrl });
  await app.register({
    nameEn: 'CHAN, Tai Man',
    nameZh: '陳大文',
    hkid: hkidFor(++citizens, 'Q'),
    dateOfBirth: '1990-02-14',
  });
  return app;
}

/** The whole login: the e-service starts it, the citizen approves `claims` in the app, the e-service redeems the code. */
export async function logIn(
  rp: RelyingParty,
  citizen: CitizenApp,
  claims?: readonly ClaimName[],
  parameters: Record<string, string> = {},
  /** The same browser for several logins: one session at several e-services. */
  browser?: TestBrowser,
) {
  const login = await rp.startLogin(parameters, browser);
  const pending = await citizen.fetchLoginRequest(login.shortCode!);
  await citizen.approve(pending, claims ?? pending.claims);
  const callback = await login.continue();
  return { login, callback, tokens: await login.redeem(callback) };
}
