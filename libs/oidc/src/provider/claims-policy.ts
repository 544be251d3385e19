import type { AssuranceLevel, ClaimName } from '#libs/identity';
import { CORPORATE_CLAIMS } from './corporate-grants.js';

export const ACR = { basic: 'urn:city-identity:acr:basic', plus: 'urn:city-identity:acr:plus' } as const;

/** Which claims each scope stands for; `hkid` only ever through its own explicit scope. */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly ClaimName[]>> = {
  profile: ['name', 'name_zh', 'birthdate'],
  email: ['email'],
  phone: ['phone_number'],
  address: ['address'],
  hkid: ['hkid'],
};

const ALL_CLAIMS = new Set<string>(Object.values(SCOPE_CLAIMS).flat());

export interface AuthorizationRequest {
  readonly scope: string;
  /** The OIDC `claims` request parameter, parsed. */
  readonly claims?: {
    readonly id_token?: Record<string, unknown>;
    readonly userinfo?: Record<string, unknown>;
  };
  readonly acr_values?: string;
}

/**
 * The citizen's claims that scopes and named claims cover, less those rejected: what may leave the platform,
 * whether oidc-provider asks for the values (userinfo, ID token) or we record what was released.
 */
export function releasableClaims(
  scope: string,
  named: readonly string[],
  rejected: readonly string[],
): ClaimName[] {
  const wanted = new Set<string>([...scope.split(' ').flatMap((s) => SCOPE_CLAIMS[s] ?? []), ...named]);
  return [...ALL_CLAIMS].filter((c): c is ClaimName => wanted.has(c) && !rejected.includes(c));
}

/** The claims the citizen is asked to share: those of the requested scopes, and of the `claims` parameter. */
export function requestedClaims(request: AuthorizationRequest): ClaimName[] {
  const scopes = request.scope.split(' ');
  const fromScopes = scopes.flatMap((scope) => SCOPE_CLAIMS[scope] ?? []);
  const fromParameter = [
    ...Object.keys(request.claims?.id_token ?? {}),
    ...Object.keys(request.claims?.userinfo ?? {}),
  ].filter((name): name is ClaimName => ALL_CLAIMS.has(name) && (name !== 'hkid' || scopes.includes('hkid')));
  return [...new Set([...fromScopes, ...fromParameter])];
}

/**
 * The lowest assurance the e-service accepts. `acr_values` lists acceptable levels; an essential `acr` claim
 * names the only ones. Asking for the HKID number needs `plus` whatever else is asked.
 */
export function minimumAcr(request: AuthorizationRequest, claims: readonly ClaimName[]): AssuranceLevel {
  if (claims.includes('hkid')) return 'plus';
  const essential = request.claims?.id_token?.['acr'] as
    { essential?: boolean; values?: unknown } | undefined;
  const listed =
    essential?.essential && Array.isArray(essential.values)
      ? essential.values
      : request.acr_values?.split(' ');
  if (!listed || listed.length === 0) return 'basic';
  return listed.includes(ACR.basic) ? 'basic' : listed.includes(ACR.plus) ? 'plus' : 'basic';
}

/**
 * Access to the admin API: no claim, and granted only to a citizen who holds the administrator role (the admin API
 * checks the role again at every request).
 */
export const ADMIN_SCOPE = 'admin';

export const requestsAdminScope = (request: AuthorizationRequest): boolean =>
  request.scope.split(' ').includes(ADMIN_SCOPE);

/** Claims of the protocol, not of the citizen: oidc-provider never asks a grant for them. */
const PROTOCOL_CLAIMS = new Set(['sub', 'sid', 'auth_time', 'acr', 'amr', 'iss']);

/**
 * What to grant so that exactly the approved claims flow: every requested scope, with the claims the citizen did
 * not approve rejected, and the admin scope rejected unless the citizen is an administrator. A scope or claim is
 * rejected rather than left out: one left out would be asked for again, at a fresh login page, forever. So a
 * claim the `claims` parameter names but the citizen was never asked for (`hkid` without its scope, `corp_id`
 * without `corporate`, a name we do not know) is rejected too: OIDC Core §5.5, left out and the login completes.
 * `corporate`: the citizen picked a corporation, whose claims the `corporate` scope then releases.
 */
export function grantFor(
  request: AuthorizationRequest,
  approved: readonly ClaimName[],
  administrator = false,
  corporate = false,
): { scopes: string[]; rejectedScopes: string[]; claims: string[]; rejectedClaims: string[] } {
  const asked = request.scope.split(' ').filter((scope) => scope !== '');
  const withheld = (scope: string) => scope === ADMIN_SCOPE && !administrator;
  const requested = requestedClaims(request);
  const corporateClaims = new Set<string>(corporate && asked.includes('corporate') ? CORPORATE_CLAIMS : []);
  const named = [
    ...new Set([
      ...Object.keys(request.claims?.id_token ?? {}),
      ...Object.keys(request.claims?.userinfo ?? {}),
    ]),
  ];
  const unaskable = named.filter(
    (c) => !PROTOCOL_CLAIMS.has(c) && !corporateClaims.has(c) && !(requested as string[]).includes(c),
  );
  return {
    scopes: asked.filter((scope) => !withheld(scope)),
    rejectedScopes: asked.filter(withheld),
    claims: [
      ...requested.filter((c) => approved.includes(c)),
      ...named.filter((c) => corporateClaims.has(c)),
    ],
    rejectedClaims: [...requested.filter((c) => !approved.includes(c)), ...unaskable],
  };
}
