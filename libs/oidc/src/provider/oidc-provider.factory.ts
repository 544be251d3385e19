import { createHmac } from 'node:crypto';
import { Logger } from '@nestjs/common';
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { EventStore } from '#libs/event-store';
import type { Clock, PiiVault, ReadModelDatabase } from '#libs/eventsourcing';
import type { CitizenClaims } from '#libs/identity';
import type { EServiceDirectory } from '../eservices/eservice-directory.js';
import { ACR, ADMIN_SCOPE, releasableClaims, SCOPE_CLAIMS } from './claims-policy.js';
import { escapeHtml } from './login-page.js';
import { CORPORATE_CLAIMS, setupCorporateGrants, type CorporateGrants } from './corporate-grants.js';
import { setupInteractionLogins } from './interaction-logins.js';
import { oidcAdapterFactory, setupOidcPayloads } from './oidc-payload-adapter.js';
import type { OidcOptions } from './oidc-options.js';
import { recordProtocolEvent } from './protocol-events.js';
import { ENCRYPTION_JWA, securityProfileConfiguration } from './security-profiles.js';
import { setupSigningKeys, SIGNING_ALGORITHMS, type SigningKeys } from './signing-keys.js';
import { setupGrantOrigins } from '../sessions/grant-origins.js';
import type { GrantValidity } from '../sessions/grant-validity.js';
import { refuseEndedGrantsAtIntrospection } from '../sessions/introspection-check.js';
import { logoutPage, recordCitizenLogouts } from '../sessions/citizen-logout.js';
import { leaveBackchannelLogoutToTheOutbox } from '../sessions/logout-token.js';

export interface OidcProviderDependencies {
  readonly options: OidcOptions;
  readonly readModels: ReadModelDatabase;
  readonly vault: PiiVault;
  readonly clock: Clock;
  readonly store: EventStore;
  readonly directory: EServiceDirectory;
  readonly citizens: CitizenClaims;
  readonly signingKeys: SigningKeys;
  readonly corporateGrants: CorporateGrants;
  readonly grantValidity: GrantValidity;
}

const logger = new Logger('OpenIdProvider');

/** The OpenID Provider e-services integrate with; secure by default, every choice below on purpose. */
export async function createOidcProvider(deps: OidcProviderDependencies): Promise<Provider> {
  await deps.readModels.migrate(async (db) => {
    await setupOidcPayloads(db);
    await setupSigningKeys(db);
    await setupInteractionLogins(db);
    await setupCorporateGrants(db);
    await setupGrantOrigins(db);
  });

  const firstParty = deps.options.firstPartyClients ?? [];
  const { features: profileFeatures, ...profileSettings } = securityProfileConfiguration(
    deps.options.cookieKey,
  );
  const configuration: Configuration = {
    ...profileSettings,
    adapter: oidcAdapterFactory(deps.readModels, deps.directory, () => deps.clock.now().getTime()),
    jwks: (await deps.signingKeys.load()) as Configuration['jwks'],
    cookies: { keys: [deps.options.cookieKey.toString('base64url')] },
    findAccount: async (_ctx, sub, token) => {
      const account = await deps.citizens.account(sub);
      if (!account || !(await deps.grantValidity.allows(account, token?.grantId as string | undefined)))
        return undefined;
      return {
        accountId: sub,
        // oidc-provider passes the claims the grant rejected; what is neither requested nor granted it drops itself.
        claims: async (_use, scope, claims, rejected) => ({
          sub,
          ...(await deps.citizens.claims(sub, releasableClaims(scope, Object.keys(claims ?? {}), rejected))),
          ...(scope.split(' ').includes('corporate') &&
            (await deps.corporateGrants.claimsOf(token?.grantId as string | undefined))),
        }),
      };
    },
    claims: {
      acr: null,
      ...Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([s, c]) => [s, [...c]])),
      // Acting for a company: the corporation picked in the app (Digital Corporate Identity).
      corporate: [...CORPORATE_CLAIMS],
    },
    scopes: ['openid', 'offline_access', 'corporate', ADMIN_SCOPE, ...Object.keys(SCOPE_CLAIMS)],
    acrValues: [ACR.basic, ACR.plus],
    // One subject per e-service: two e-services cannot correlate a citizen by `sub`.
    subjectTypes: ['pairwise'],
    pairwiseIdentifier: (_ctx, accountId, client) =>
      createHmac('sha256', deps.options.pairwiseKey)
        .update(`${client.clientId}\n${accountId}`)
        .digest('base64url'),
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      subject_type: 'pairwise',
      id_token_signed_response_alg: 'ES256',
      token_endpoint_auth_method: 'private_key_jwt',
    },
    // `none` only serves the first-party pages below: the e-service registry offers the other two alone.
    clientAuthMethods: [
      'private_key_jwt',
      'client_secret_basic',
      ...(firstParty.length > 0 ? ['none' as const] : []),
    ],
    clients: firstParty.map((client) => ({
      client_id: client.clientId,
      client_name: client.name,
      redirect_uris: [client.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: client.scope,
    })),
    responseTypes: ['code'],
    pkce: { required: () => true },
    // The approved claims go in the ID token too: e-services doing "form filling" read them there.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      // An e-service may introspect and revoke only its own tokens: no e-service learns of another's logins.
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      pushedAuthorizationRequests: { enabled: true },
      requestObjects: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: logoutPage },
      backchannelLogout: { enabled: true },
      ...profileFeatures,
    },
    enabledJWA: {
      clientAuthSigningAlgValues: ['ES256', 'PS256', 'RS256', 'EdDSA'],
      requestObjectSigningAlgValues: ['ES256', 'PS256', 'RS256', 'EdDSA'],
      // Each e-service gets the one it registered (id_token_signed_response_alg, userinfo_signed_response_alg).
      idTokenSigningAlgValues: [...SIGNING_ALGORITHMS],
      userinfoSigningAlgValues: [...SIGNING_ALGORITHMS],
      ...ENCRYPTION_JWA,
    },
    ttl: {
      AuthorizationCode: 60,
      AccessToken: 600,
      ClientCredentials: 600,
      IdToken: 600,
      RefreshToken: 24 * 3600,
      Interaction: 600,
      Session: 600,
      Grant: 24 * 3600,
      PushedAuthorizationRequest: 60,
    },
    issueRefreshToken: (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
      policy: everyLoginApprovedInTheApp(),
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(String(out['error'] ?? 'server_error'), String(out['error_description'] ?? ''));
    },
  };

  const provider = new Provider(deps.options.issuer, configuration);
  refuseEndedGrantsAtIntrospection(provider, deps.grantValidity);
  leaveBackchannelLogoutToTheOutbox(provider);
  recordCitizenLogouts(provider, deps.store, deps.clock);
  provider.on(
    'grant.success',
    (ctx: KoaContextWithOIDC) => void recordTokenIssued(ctx, deps.store, deps.clock),
  );
  provider.on(
    'grant.error',
    (ctx: KoaContextWithOIDC, error: { error?: string }) =>
      void recordFailure(deps.store, deps.clock, ctx.oidc.client?.clientId, error.error ?? 'server_error'),
  );
  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) =>
    logger.error(`server error: ${error.name}`),
  );
  return provider;
}

/**
 * iAM Smart asks the app at every login, even inside a browser session: the login prompt is always shown,
 * except right after the app approved it in this very authorization.
 */
function everyLoginApprovedInTheApp() {
  const policy = interactionPolicy.base();
  policy
    .get('login')!
    .checks.add(
      new interactionPolicy.Check('app_approval_required', 'every login is approved in the app', (ctx) =>
        ctx.oidc.result?.['login']
          ? interactionPolicy.Check.NO_NEED_TO_PROMPT
          : interactionPolicy.Check.REQUEST_PROMPT,
      ),
    );
  return policy;
}

async function recordTokenIssued(ctx: KoaContextWithOIDC, store: EventStore, clock: Clock): Promise<void> {
  const code = ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken;
  const clientId = ctx.oidc.client?.clientId;
  if (!code || !clientId || !code.accountId) return;
  try {
    await recordProtocolEvent(store, {
      type: 'TokenIssued',
      data: {
        clientId,
        citizenId: code.accountId,
        acr: code.acr ?? '',
        claimsReleased: releasedClaims(ctx),
        grantType: String(ctx.oidc.params?.['grant_type'] ?? ''),
        issuedAt: clock.now().toISOString(),
      },
    });
  } catch (error) {
    logger.error(`could not record TokenIssued: ${(error as Error).name}`);
  }
}

export async function recordFailure(
  store: EventStore,
  clock: Clock,
  clientId: string | undefined,
  reason: string,
): Promise<void> {
  if (!clientId) return;
  try {
    await recordProtocolEvent(store, {
      type: 'LoginFailed',
      data: { clientId, reason, failedAt: clock.now().toISOString() },
    });
  } catch (error) {
    logger.error(`could not record LoginFailed: ${(error as Error).name}`);
  }
}

function releasedClaims(ctx: KoaContextWithOIDC): string[] {
  const grant = ctx.oidc.entities.Grant;
  const clientId = ctx.oidc.client?.clientId;
  if (!grant || !clientId) return [];
  return releasableClaims(
    grant.getOIDCScope() ?? '',
    grant.getOIDCClaims() ?? [],
    grant.getRejectedOIDCClaims() ?? [],
  );
}

function errorPage(error: string, description: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in error</title></head>
<body><h1>Sign-in could not continue</h1><p><code>${escapeHtml(error)}</code></p><p>${escapeHtml(description)}</p></body></html>`;
}
