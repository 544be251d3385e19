export const OIDC_OPTIONS = Symbol('OidcOptions');

export interface OidcOptions {
  /** The provider's issuer URL, e.g. `http://localhost:3000/oidc`; e-services discover everything from it. */
  readonly issuer: string;
  /** Signs the provider's cookies; derived from configuration, never generated per boot. */
  readonly cookieKey: Buffer;
  /** Keys the pairwise subject identifiers: without it `sub` values cannot be linked across e-services. */
  readonly pairwiseKey: Buffer;
  /** Demo mode: the login page links to the citizen-app simulator for visitors without the app. */
  readonly demoAppUrl?: string;
  /** The platform's own browser apps (the administrators' dashboard), outside the e-service registry. */
  readonly firstPartyClients?: readonly FirstPartyClient[];
}

/**
 * A page the platform serves that signs its user in with the authorization code flow from the browser: a public
 * client (PKCE, no secret, which a page could not keep), one exact redirect URI, and only `scope`.
 */
export interface FirstPartyClient {
  readonly clientId: string;
  readonly name: string;
  readonly redirectUri: string;
  readonly scope: string;
}
