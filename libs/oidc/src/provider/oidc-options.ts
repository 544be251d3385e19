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
}
