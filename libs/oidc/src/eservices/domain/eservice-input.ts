import { DomainError } from '#libs/errors';
import { parseClientJwks } from './client-jwks.js';
import {
  ESERVICE_GRANT_TYPES,
  ESERVICE_SCOPES,
  SECURITY_PROFILES,
  TOKEN_SIGNING_ALGS,
  type AuthMethod,
  type EServiceGrantType,
  type EServiceScope,
  type SecurityProfile,
  type TokenSigningAlg,
} from './eservice.events.js';
import type { EServiceSettings, TokenSigning } from './eservice.state.js';
import { parseBackchannelLogoutUri, parseRedirectUris } from './redirect-uris.js';

const CLIENT_ID = /^[a-z0-9][a-z0-9-]{2,62}$/;
/** A bureau or department's code, e.g. `HAD`, `IRD`. */
export const DEPARTMENT_CODE = /^[A-Z]{2,10}$/;
const MAX_NAME_LENGTH = 200;
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** What an administrator may change after registration; unset fields stay as they are. */
export interface SettingsInput {
  readonly name?: string;
  readonly redirectUris?: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[];
  readonly allowedScopes?: readonly string[];
  readonly jwks?: unknown;
  /** `null` turns back-channel logout off. */
  readonly backchannelLogoutUri?: string | null;
}

export interface RegistrationInput extends SettingsInput {
  readonly clientId: string;
  readonly name: string;
  readonly department: string;
  readonly redirectUris: readonly string[];
  readonly authMethod: AuthMethod;
  /** Default: `fapi2`, or `standard` with client_secret_basic, which FAPI 2.0 does not allow. */
  readonly profile?: string;
  /** Default: `['authorization_code']`. */
  readonly grantTypes?: readonly string[];
  /** Default: ES256. */
  readonly idTokenSigningAlg?: string;
  /** Set: userinfo answers a JWT signed so; unset: plain JSON. */
  readonly userinfoSigningAlg?: string;
}

/** A registration that passed every check that does not depend on the log. */
export interface Registration {
  readonly clientId: string;
  readonly department: string;
  readonly authMethod: AuthMethod;
  readonly profile: SecurityProfile;
  readonly grantTypes: readonly EServiceGrantType[];
  readonly tokenSigning: TokenSigning;
  readonly settings: EServiceSettings;
}

/** The client id names the stream and the OAuth client: a lower-case slug the administrator chooses. */
export function parseClientId(input: string): string {
  if (!CLIENT_ID.test(input)) {
    throw new DomainError(
      'CLIENT_ID_INVALID',
      'clientId must be 3-63 of a-z 0-9 and -, starting with a letter or digit',
      400,
    );
  }
  return input;
}

export function parseRegistration(input: RegistrationInput): Registration {
  const clientId = parseClientId(input.clientId);
  if (!DEPARTMENT_CODE.test(input.department)) {
    throw new DomainError('DEPARTMENT_INVALID', 'department must be a code of 2-10 capital letters', 400);
  }
  const usesKeys = input.authMethod === 'private_key_jwt';
  if (usesKeys !== (input.jwks !== undefined)) {
    throw new DomainError(
      'JWKS_INVALID',
      usesKeys
        ? 'private_key_jwt needs the public keys in jwks'
        : 'client_secret_basic takes no jwks: the secret is generated',
      400,
    );
  }
  return {
    clientId,
    department: input.department,
    authMethod: input.authMethod,
    profile:
      input.profile === undefined
        ? input.authMethod === 'private_key_jwt'
          ? 'fapi2'
          : 'standard'
        : parseProfile(input.profile),
    grantTypes: parseGrantTypes(input.grantTypes ?? ['authorization_code']),
    tokenSigning: parseTokenSigning(input.idTokenSigningAlg ?? 'ES256', input.userinfoSigningAlg),
    settings: {
      name: parseName(input.name),
      redirectUris: parseRedirectUris('redirectUris', input.redirectUris),
      postLogoutRedirectUris: parseRedirectUris('postLogoutRedirectUris', input.postLogoutRedirectUris ?? []),
      allowedScopes: parseScopes(input.allowedScopes ?? ['openid']),
      ...(input.jwks !== undefined && { jwks: parseClientJwks(input.jwks) }),
      ...(typeof input.backchannelLogoutUri === 'string' && {
        backchannelLogoutUri: parseBackchannelLogoutUri(input.backchannelLogoutUri),
      }),
    },
  };
}

/** Checks each field that is set; leaves out those that are not. */
export function parseChanges(input: SettingsInput): Partial<EServiceSettings> {
  return {
    ...(input.name !== undefined && { name: parseName(input.name) }),
    ...(input.redirectUris !== undefined && {
      redirectUris: parseRedirectUris('redirectUris', input.redirectUris),
    }),
    ...(input.postLogoutRedirectUris !== undefined && {
      postLogoutRedirectUris: parseRedirectUris('postLogoutRedirectUris', input.postLogoutRedirectUris),
    }),
    ...(input.allowedScopes !== undefined && { allowedScopes: parseScopes(input.allowedScopes) }),
    ...(input.jwks !== undefined && { jwks: parseClientJwks(input.jwks) }),
    ...(input.backchannelLogoutUri !== undefined && {
      backchannelLogoutUri:
        input.backchannelLogoutUri === null ? null : parseBackchannelLogoutUri(input.backchannelLogoutUri),
    }),
  };
}

export function parseProfile(input: string): SecurityProfile {
  if (!(SECURITY_PROFILES as readonly string[]).includes(input)) {
    throw new DomainError('PROFILE_INVALID', `profile must be one of ${SECURITY_PROFILES.join(', ')}`, 400);
  }
  return input as SecurityProfile;
}

export function parseTokenSigning(idToken: string, userinfo: string | undefined): TokenSigning {
  return {
    idTokenSigningAlg: parseSigningAlg('idTokenSigningAlg', idToken),
    ...(userinfo !== undefined && { userinfoSigningAlg: parseSigningAlg('userinfoSigningAlg', userinfo) }),
  };
}

function parseSigningAlg(field: string, input: string): TokenSigningAlg {
  if (!(TOKEN_SIGNING_ALGS as readonly string[]).includes(input)) {
    throw new DomainError(
      'SIGNING_ALG_NOT_ALLOWED',
      `${field} must be one of ${TOKEN_SIGNING_ALGS.join(', ')}`,
      400,
    );
  }
  return input as TokenSigningAlg;
}

/** In the canonical order of ESERVICE_GRANT_TYPES, each once, at least one. */
export function parseGrantTypes(input: readonly string[]): EServiceGrantType[] {
  const unknown = input.filter((grant) => !(ESERVICE_GRANT_TYPES as readonly string[]).includes(grant));
  if (unknown.length > 0 || input.length === 0) {
    throw new DomainError(
      'GRANT_TYPE_NOT_ALLOWED',
      `grantTypes must be some of ${ESERVICE_GRANT_TYPES.join(', ')}${unknown.length > 0 ? `, not ${unknown.join(', ')}` : ''}`,
      400,
    );
  }
  return ESERVICE_GRANT_TYPES.filter((grant) => input.includes(grant));
}

/** Shown to citizens on the login page: no control characters, no padding. */
function parseName(input: string): string {
  const name = input.trim();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || CONTROL_CHARACTERS.test(name)) {
    throw new DomainError(
      'ESERVICE_NAME_INVALID',
      `name must be 1-${MAX_NAME_LENGTH} printable characters`,
      400,
    );
  }
  return name;
}

/** In the canonical order of ESERVICE_SCOPES, each once, so that equal sets compare equal. */
function parseScopes(input: readonly string[]): EServiceScope[] {
  const unknown = input.filter((scope) => !(ESERVICE_SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0) {
    throw new DomainError(
      'SCOPE_NOT_ALLOWED',
      `unknown scope ${unknown.join(', ')}; allowed: ${ESERVICE_SCOPES.join(' ')}`,
      400,
    );
  }
  if (!input.includes('openid')) {
    throw new DomainError('OPENID_SCOPE_REQUIRED', 'allowedScopes must include openid', 400);
  }
  return ESERVICE_SCOPES.filter((scope) => input.includes(scope));
}
