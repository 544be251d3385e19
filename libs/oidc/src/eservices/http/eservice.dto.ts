import { applyDecorators } from '@nestjs/common';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { DEPARTMENT_CODE } from '../domain/eservice-input.js';
import { AUTH_METHODS, type AuthMethod } from '../domain/eservice.events.js';

// The shapes are checked here; the rules (URI forms, key types, scope names) by the domain, with their own codes.
// Only an absent field is optional: IsOptional would let `null` through, to reach the domain as a value.
const Optional = () => ValidateIf((_dto, value) => value !== undefined);
const StringList = (max: number, length: number) =>
  applyDecorators(IsArray(), ArrayMaxSize(max), IsString({ each: true }), MaxLength(length, { each: true }));
const Name = () => applyDecorators(IsString(), MaxLength(400));
const UriList = () => StringList(50, 4000);
const ScopeList = () => StringList(20, 50);

export class RegisterEServiceDto {
  /** The OAuth client id the administrator chooses: a lower-case slug such as `tax-return`. */
  @IsString()
  @MaxLength(100)
  clientId!: string;

  /** Shown to citizens when they log in. */
  @Name()
  name!: string;

  /** The owning bureau or department's code, e.g. `IRD`. */
  @IsString()
  @MaxLength(20)
  department!: string;

  /** Where the provider may send the citizen back: https, or http on localhost / 127.0.0.1; matched exactly. */
  @UriList()
  redirectUris!: string[];

  @Optional()
  @UriList()
  postLogoutRedirectUris?: string[];

  /** private_key_jwt (with `jwks`) or client_secret_basic (a secret is generated and shown once). */
  @IsIn(AUTH_METHODS)
  authMethod!: AuthMethod;

  /** With private_key_jwt: the e-service's public signing keys, `{"keys": [...]}`. */
  @Optional()
  @IsObject()
  jwks?: Record<string, unknown>;

  /** Among `openid profile email phone address hkid corporate offline_access`; `openid` is required. Default: `["openid"]`. */
  @Optional()
  @ScopeList()
  allowedScopes?: string[];

  /** OIDC Back-Channel Logout 1.0: where a signed `logout_token` is posted for each ended session. */
  @Optional()
  @IsString()
  @MaxLength(4000)
  backchannelLogoutUri?: string;

  /** `fapi2` (FAPI 2.0: PAR, DPoP, private_key_jwt) or `standard`. Default: `fapi2`, `standard` with client_secret_basic. */
  @Optional()
  @IsString()
  @MaxLength(20)
  profile?: string;

  /** Some of `authorization_code` (citizen login) and `client_credentials` (its back office). Default: `["authorization_code"]`. */
  @Optional()
  @ScopeList()
  grantTypes?: string[];

  /** `ES256` (default), `PS256` or `RS256`: what the e-service's ID tokens are signed with. */
  @Optional()
  @IsString()
  @MaxLength(20)
  idTokenSigningAlg?: string;

  /** `ES256`, `PS256` or `RS256`: userinfo answers a JWT signed so. Unset: plain JSON. */
  @Optional()
  @IsString()
  @MaxLength(20)
  userinfoSigningAlg?: string;
}

export class ChangeTokenSigningDto {
  @IsString()
  @MaxLength(20)
  idTokenSigningAlg!: string;

  /** Unset: userinfo as plain JSON. */
  @Optional()
  @IsString()
  @MaxLength(20)
  userinfoSigningAlg?: string;
}

export class ChangeGrantTypesDto {
  /** Some of `authorization_code` and `client_credentials`. */
  @ScopeList()
  grantTypes!: string[];
}

export class ChangeProfileDto {
  /** `fapi2` or `standard`. */
  @IsString()
  @MaxLength(20)
  profile!: string;
}

/** Every field optional: what is left out stays as it is. */
export class UpdateEServiceDto {
  @Optional()
  @Name()
  name?: string;

  @Optional()
  @UriList()
  redirectUris?: string[];

  @Optional()
  @UriList()
  postLogoutRedirectUris?: string[];

  /** Replaces the whole key set (private_key_jwt only): list the old keys too while the e-service switches. */
  @Optional()
  @IsObject()
  jwks?: Record<string, unknown>;

  @Optional()
  @ScopeList()
  allowedScopes?: string[];

  /** `null` turns back-channel logout off. */
  @ValidateIf((_dto, value) => value !== undefined && value !== null)
  @IsString()
  @MaxLength(4000)
  backchannelLogoutUri?: string | null;
}

export class ListEServicesQuery {
  @Optional()
  @Matches(DEPARTMENT_CODE, { message: 'department must be a code of 2-10 capital letters' })
  department?: string;

  @Optional()
  @IsIn(['active', 'suspended'])
  status?: 'active' | 'suspended';
}
