import { randomBytes, type webcrypto } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import * as oidc from 'openid-client';

export interface DemoEServiceOptions {
  /** The platform's public URL; its OpenID Provider is at `/oidc`. */
  readonly platformUrl: string;
  readonly port: number;
  readonly host: string;
  /** Registers the demo e-service through the admin API when it is not registered yet. */
  readonly adminToken: string;
  /** Keeps the demo's private key across restarts; in memory when absent. */
  readonly dataDir?: string;
}

export interface DemoEService {
  readonly url: string;
  close(): Promise<void>;
}

export const DEMO_CLIENT_ID = 'demo-eservice';

interface Session {
  login?: { state: string; nonce: string; verifier: string };
  result?: { idToken: Record<string, unknown>; userinfo: Record<string, unknown>; idTokenRaw: string };
  error?: string;
}

/**
 * "Login with iAM Smart" as an e-service integrates it: a relying party built on openid-client using discovery,
 * PAR, PKCE and private_key_jwt, showing what the citizen chose to share.
 */
export async function startDemoEService(options: DemoEServiceOptions): Promise<DemoEService> {
  const sessions = new Map<string, Session>();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${port}`;
  const key = await demoKey(options.dataDir);
  await ensureRegistered(options, url, key.publicJwk);
  let config: oidc.Configuration | undefined;
  const configuration = async () =>
    (config ??= await oidc.discovery(
      new URL(`${options.platformUrl}/oidc`),
      DEMO_CLIENT_ID,
      { token_endpoint_auth_method: 'private_key_jwt' },
      oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.publicJwk.kid! }),
      { execute: [oidc.allowInsecureRequests] },
    ));

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void route(req, res).catch(() => {
      res
        .writeHead(500, { 'content-type': 'text/plain' })
        .end('the demo e-service failed to handle this request');
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const here = new URL(req.url ?? '/', url);
    const session = sessionOf(req, res, sessions);
    switch (here.pathname) {
      case '/':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(homePage(session));
        return;
      case '/login': {
        const login = {
          state: oidc.randomState(),
          nonce: oidc.randomNonce(),
          verifier: oidc.randomPKCECodeVerifier(),
        };
        session.login = login;
        delete session.error;
        const scope = here.searchParams.get('scope') ?? 'openid profile email';
        const target = await oidc.buildAuthorizationUrlWithPAR(await configuration(), {
          redirect_uri: `${url}/callback`,
          scope,
          state: login.state,
          nonce: login.nonce,
          code_challenge: await oidc.calculatePKCECodeChallenge(login.verifier),
          code_challenge_method: 'S256',
        });
        res.writeHead(303, { location: target.href }).end();
        return;
      }
      case '/callback': {
        const login = session.login;
        delete session.login;
        try {
          if (!login) throw new Error('no login in progress in this browser');
          const tokens = await oidc.authorizationCodeGrant(await configuration(), here, {
            pkceCodeVerifier: login.verifier,
            expectedState: login.state,
            expectedNonce: login.nonce,
            idTokenExpected: true,
          });
          const claims = tokens.claims()!;
          const userinfo = await oidc.fetchUserInfo(await configuration(), tokens.access_token, claims.sub);
          session.result = {
            idToken: { ...claims },
            userinfo: { ...userinfo },
            idTokenRaw: tokens.id_token!,
          };
        } catch (error) {
          session.error =
            error instanceof oidc.AuthorizationResponseError
              ? (error.error_description ?? error.error)
              : 'the login did not complete';
        }
        res.writeHead(303, { location: '/' }).end();
        return;
      }
      case '/logout': {
        const idToken = session.result?.idTokenRaw;
        delete session.result;
        const target = idToken
          ? oidc.buildEndSessionUrl(await configuration(), {
              id_token_hint: idToken,
              post_logout_redirect_uri: `${url}/`,
            }).href
          : '/';
        res.writeHead(303, { location: target }).end();
        return;
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  }

  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function demoKey(
  dataDir: string | undefined,
): Promise<{ privateKey: webcrypto.CryptoKey; publicJwk: JWK }> {
  const file = dataDir && join(dataDir, 'demo-eservice-key.json');
  let privateJwk: JWK;
  if (file && existsSync(file)) {
    privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } else {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    privateJwk = await exportJWK(privateKey);
    privateJwk.kid = await calculateJwkThumbprint(privateJwk);
    privateJwk.alg = 'ES256';
    if (file) writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
  }
  const { d: _private, ...publicJwk } = privateJwk;
  return { privateKey: (await importJWK(privateJwk, 'ES256')) as webcrypto.CryptoKey, publicJwk };
}

/** Registers the demo with its redirect URIs and key, or updates them when its address or key changed. */
async function ensureRegistered(options: DemoEServiceOptions, url: string, publicJwk: JWK): Promise<void> {
  const headers = { authorization: `Bearer ${options.adminToken}`, 'content-type': 'application/json' };
  const registration = {
    name: 'Demo e-service (Housing applications)',
    redirectUris: [`${url}/callback`],
    postLogoutRedirectUris: [`${url}/`],
    jwks: { keys: [publicJwk] },
  };
  const existing = await fetch(`${options.platformUrl}/admin/eservices/${DEMO_CLIENT_ID}`, { headers });
  const response =
    existing.status === 404
      ? await fetch(`${options.platformUrl}/admin/eservices`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            ...registration,
            clientId: DEMO_CLIENT_ID,
            department: 'HD',
            authMethod: 'private_key_jwt',
            allowedScopes: ['openid', 'profile', 'email', 'phone', 'address', 'offline_access'],
            // Plain OpenID Connect with openid-client, the shortest code to read; FAPI 2.0 is in the guide.
            profile: 'standard',
          }),
        })
      : await fetch(`${options.platformUrl}/admin/eservices/${DEMO_CLIENT_ID}`, {
          method: 'PATCH',
          headers,
          body: JSON.stringify(registration),
        });
  if (!response.ok) {
    throw new Error(`registering the demo e-service failed: ${response.status} ${await response.text()}`);
  }
}

function sessionOf(req: IncomingMessage, res: ServerResponse, sessions: Map<string, Session>): Session {
  const id = /(?:^|;\s*)demo_session=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '')?.[1];
  const existing = id && sessions.get(id);
  if (existing) return existing;
  const fresh = randomBytes(16).toString('base64url');
  res.setHeader('set-cookie', `demo_session=${fresh}; HttpOnly; SameSite=Lax; Path=/`);
  const session: Session = {};
  sessions.set(fresh, session);
  return session;
}

function homePage(session: Session): string {
  const e = (text: unknown) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const rows = (claims: Record<string, unknown>) =>
    Object.entries(claims)
      .map(
        ([name, value]) =>
          `<tr><th>${e(name)}</th><td data-claim="${e(name)}">${e(typeof value === 'object' ? JSON.stringify(value) : value)}</td></tr>`,
      )
      .join('');
  const body = session.result
    ? `<h2>You are logged in</h2><p>What you chose to share, from the user info endpoint:</p>
       <table id="userinfo">${rows(session.result.userinfo)}</table>
       <details><summary>ID token claims</summary><table>${rows(session.result.idToken)}</table></details>
       <p><a href="/logout">Log out</a></p>`
    : `<p>Apply for public housing without typing your details: log in and choose what to share.</p>
       <p><a class="button" id="login" href="/login?scope=openid%20profile%20email">Login with iAM Smart</a></p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo e-service</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
.button{display:inline-block;padding:.75rem 1.25rem;background:#0b6e4f;color:#fff;border-radius:.5rem;text-decoration:none}
th{text-align:left;padding-right:1rem}.error{color:#a00}</style></head>
<body><h1>Housing applications (demo e-service)</h1>
${session.error ? `<p class="error" role="alert">${e(session.error)}</p>` : ''}${body}</body></html>`;
}
