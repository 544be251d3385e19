export const OIDC_PROVIDER = Symbol('OidcProvider');
