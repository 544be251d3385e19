/**
 * The administrators' access tokens, issued by the platform's own OpenID Provider: a port implemented by
 * libs/oidc, so that this library does not depend on it. Without an implementation only ADMIN_TOKEN opens the
 * admin endpoints.
 */
export interface AdministratorTokens {
  /** Whom the access token stands for, judged now: the role is read as it stands at this request. */
  check(accessToken: string): Promise<AdministratorTokenCheck>;
}

export type AdministratorTokenCheck =
  | { readonly outcome: 'administrator'; readonly citizenId: string }
  /** Not a live token of ours: unknown, expired, revoked, or its e-service or citizen is gone. */
  | { readonly outcome: 'invalid' }
  /** A live token that does not open the admin endpoints: `code` and `reason` say why. */
  | { readonly outcome: 'forbidden'; readonly code: string; readonly reason: string };

export const ADMINISTRATOR_TOKENS = Symbol('AdministratorTokens');
