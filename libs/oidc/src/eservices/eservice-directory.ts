import type { SecurityProfile } from './domain/eservice.events.js';

/**
 * The registered e-services (relying parties) as the OpenID Provider needs them. Implemented by the e-service
 * registry (libs/oidc/src/eservices), read by the provider (libs/oidc/src/provider).
 */
export interface EServiceDirectory {
  /** The oidc-provider client metadata of an active e-service, `undefined` if unknown or suspended. */
  findClient(clientId: string): Promise<EServiceClient | undefined>;
  /** Who the e-service is, for the login page and for statistics. */
  describe(clientId: string): Promise<EServiceSummary | undefined>;
}

export interface EServiceSummary {
  readonly clientId: string;
  readonly name: string;
  /** The department (B/D) that owns the e-service. */
  readonly department: string;
  readonly status: 'active' | 'suspended';
}

export interface EServiceClient {
  readonly client_id: string;
  readonly client_name: string;
  readonly redirect_uris: readonly string[];
  readonly post_logout_redirect_uris: readonly string[];
  readonly token_endpoint_auth_method: 'private_key_jwt' | 'client_secret_basic';
  /** With private_key_jwt: the e-service's public keys. */
  readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
  /** With client_secret_basic: the secret in clear, as oidc-provider compares it (kept sealed at rest). */
  readonly client_secret?: string;
  /** Space-separated scopes this e-service may request (`openid` always included). */
  readonly scope: string;
  readonly grant_types: readonly string[];
  readonly response_types: readonly string[];
  /** OIDC Back-Channel Logout 1.0 (see sessions/backchannel-logout-directory.ts). */
  readonly backchannel_logout_uri?: string;
  readonly backchannel_logout_session_required?: boolean;
  /** ES256, PS256 or RS256, as the e-service registered. */
  readonly id_token_signed_response_alg: string;
  /** Set: userinfo answers a JWT signed so. */
  readonly userinfo_signed_response_alg?: string;
  /** With an encryption key in jwks: ID tokens and userinfo encrypted to it (ECDH-ES+A256KW or RSA-OAEP-256). */
  readonly id_token_encrypted_response_alg?: string;
  readonly id_token_encrypted_response_enc?: string;
  readonly userinfo_encrypted_response_alg?: string;
  readonly userinfo_encrypted_response_enc?: string;
  /** The e-service's profile; `fapi2` comes with the two members below. */
  readonly security_profile: SecurityProfile;
  /** FAPI 2.0: the authorization endpoint takes only a `request_uri` from PAR. */
  readonly require_pushed_authorization_requests?: true;
  /** FAPI 2.0: every access and refresh token is bound to a DPoP key. */
  readonly dpop_bound_access_tokens?: true;
}

export const ESERVICE_DIRECTORY = Symbol('EServiceDirectory');
