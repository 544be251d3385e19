import type { DomainEvent, Sealed } from '#libs/eventsourcing';

export const AUTH_METHODS = ['private_key_jwt', 'client_secret_basic'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/**
 * How the provider treats the e-service. `fapi2`: the FAPI 2.0 Security Profile (PAR only, PKCE S256,
 * private_key_jwt with the issuer as audience, DPoP-bound tokens); `standard`: OpenID Connect as before FAPI, for
 * e-services registered before it existed and for those that authenticate with a client secret.
 */
export const SECURITY_PROFILES = ['fapi2', 'standard'] as const;
export type SecurityProfile = (typeof SECURITY_PROFILES)[number];

/**
 * The OAuth grants an e-service may use: `authorization_code` to log citizens in (with `refresh_token` when it
 * has `offline_access`), `client_credentials` for its own back office calling platform APIs, with no citizen.
 */
export const ESERVICE_GRANT_TYPES = ['authorization_code', 'client_credentials'] as const;
export type EServiceGrantType = (typeof ESERVICE_GRANT_TYPES)[number];

/** What an e-service's ID tokens and (JWT) userinfo may be signed with; never `none`. */
export const TOKEN_SIGNING_ALGS = ['ES256', 'PS256', 'RS256'] as const;
export type TokenSigningAlg = (typeof TOKEN_SIGNING_ALGS)[number];

/** What an e-service may be allowed to ask for; the provider maps each scope to its claims. */
export const ESERVICE_SCOPES = [
  'openid',
  'profile',
  'email',
  'phone',
  'address',
  'hkid',
  'corporate',
  'offline_access',
  // Administrators' tools only: the provider grants it to citizens holding the administrator role.
  'admin',
] as const;
export type EServiceScope = (typeof ESERVICE_SCOPES)[number];

/** A public JWK reduced to its public members (see client-jwks.ts). */
export type PublicJwk = { [member: string]: string };
export type ClientJwks = { keys: PublicJwk[] };

/**
 * A client secret as the log holds it: sealed by the PII vault under the subject `eservice-<clientId>`, so that
 * the log, its backups and the read model never hold it in clear.
 */
export type SealedClientSecret = Sealed<string>;

export type EServiceRegistered = DomainEvent<
  'EServiceRegistered',
  {
    clientId: string;
    name: string;
    /** The owning bureau or department's code, e.g. `HAD`, `IRD`. */
    department: string;
    redirectUris: string[];
    postLogoutRedirectUris: string[];
    authMethod: AuthMethod;
    /** With private_key_jwt. */
    jwks?: ClientJwks;
    /** With client_secret_basic. */
    clientSecret?: SealedClientSecret;
    allowedScopes: EServiceScope[];
    /** OIDC Back-Channel Logout 1.0: where the provider posts a logout token for each ended session. */
    backchannelLogoutUri?: string;
    /** Absent in events written before profiles existed: those e-services are `standard`. */
    profile?: SecurityProfile;
    /** Absent in events written before grant types could be chosen: `['authorization_code']`. */
    grantTypes?: EServiceGrantType[];
    /** Absent in events written before it could be chosen: ES256, the provider's default then. */
    idTokenSigningAlg?: TokenSigningAlg;
    /** Userinfo as a JWT signed so; absent: plain JSON. */
    userinfoSigningAlg?: TokenSigningAlg;
    registeredAt: string;
  }
>;

/** Its own event: a change of profile changes what the e-service must send, and is audited apart. */
export type EServiceProfileChanged = DomainEvent<
  'EServiceProfileChanged',
  { clientId: string; profile: SecurityProfile; changedAt: string }
>;

/** Carries only the settings that changed. */
export type EServiceUpdated = DomainEvent<
  'EServiceUpdated',
  {
    clientId: string;
    name?: string;
    redirectUris?: string[];
    postLogoutRedirectUris?: string[];
    allowedScopes?: EServiceScope[];
    jwks?: ClientJwks;
    /** `null`: back-channel logout turned off. */
    backchannelLogoutUri?: string | null;
    updatedAt: string;
  }
>;

export type EServiceGrantTypesChanged = DomainEvent<
  'EServiceGrantTypesChanged',
  { clientId: string; grantTypes: EServiceGrantType[]; changedAt: string }
>;

export type EServiceTokenSigningChanged = DomainEvent<
  'EServiceTokenSigningChanged',
  {
    clientId: string;
    idTokenSigningAlg: TokenSigningAlg;
    userinfoSigningAlg?: TokenSigningAlg;
    changedAt: string;
  }
>;

/** The previous secret stops working at once: no overlap, the e-service deploys the new one. */
export type EServiceClientSecretRotated = DomainEvent<
  'EServiceClientSecretRotated',
  { clientId: string; clientSecret: SealedClientSecret; rotatedAt: string }
>;

export type EServiceSuspended = DomainEvent<'EServiceSuspended', { clientId: string; suspendedAt: string }>;

export type EServiceReinstated = DomainEvent<
  'EServiceReinstated',
  { clientId: string; reinstatedAt: string }
>;

export type EServiceEvent =
  | EServiceRegistered
  | EServiceUpdated
  | EServiceClientSecretRotated
  | EServiceSuspended
  | EServiceReinstated
  | EServiceProfileChanged
  | EServiceGrantTypesChanged
  | EServiceTokenSigningChanged;

export const ESERVICE_EVENT_TYPES = [
  'EServiceRegistered',
  'EServiceUpdated',
  'EServiceClientSecretRotated',
  'EServiceSuspended',
  'EServiceReinstated',
  'EServiceProfileChanged',
  'EServiceGrantTypesChanged',
  'EServiceTokenSigningChanged',
] as const satisfies readonly EServiceEvent['type'][];

export const eserviceStream = (clientId: string): string => `eservice-${clientId}`;

/** The PII-vault subject the e-service's client secrets are sealed under. */
export const eserviceSecretSubject = eserviceStream;
