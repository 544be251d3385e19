import { DomainError } from '#libs/errors';
import { encryptionAlgOf } from './client-jwks.js';
import type {
  AuthMethod,
  EServiceEvent,
  EServiceGrantType,
  EServiceUpdated,
  SealedClientSecret,
  SecurityProfile,
} from './eservice.events.js';
import type { Registration } from './eservice-input.js';
import type { EService, EServiceSettings, TokenSigning } from './eservice.state.js';

export interface RegisterEService {
  readonly type: 'RegisterEService';
  readonly registration: Registration;
  /** Generated and sealed by the handler, with client_secret_basic only. */
  readonly clientSecret?: SealedClientSecret;
}

export interface UpdateEService {
  readonly type: 'UpdateEService';
  readonly clientId: string;
  readonly changes: Partial<EServiceSettings>;
}

export interface RotateClientSecret {
  readonly type: 'RotateClientSecret';
  readonly clientId: string;
  readonly clientSecret: SealedClientSecret;
}

export interface SuspendEService {
  readonly type: 'SuspendEService';
  readonly clientId: string;
}

export interface ReinstateEService {
  readonly type: 'ReinstateEService';
  readonly clientId: string;
}

export interface ChangeEServiceProfile {
  readonly type: 'ChangeEServiceProfile';
  readonly clientId: string;
  readonly profile: SecurityProfile;
}

export interface ChangeEServiceGrantTypes {
  readonly type: 'ChangeEServiceGrantTypes';
  readonly clientId: string;
  readonly grantTypes: readonly EServiceGrantType[];
}

export interface ChangeEServiceTokenSigning {
  readonly type: 'ChangeEServiceTokenSigning';
  readonly clientId: string;
  readonly tokenSigning: TokenSigning;
}

export type EServiceCommand =
  | RegisterEService
  | UpdateEService
  | RotateClientSecret
  | SuspendEService
  | ReinstateEService
  | ChangeEServiceProfile
  | ChangeEServiceGrantTypes
  | ChangeEServiceTokenSigning;

type Registered = Exclude<EService, { status: 'unregistered' }>;

export function decideEService(command: EServiceCommand, state: EService, now: Date): EServiceEvent[] {
  const at = now.toISOString();
  if (command.type === 'RegisterEService') {
    const { clientId, department, authMethod, profile, grantTypes, tokenSigning, settings } =
      command.registration;
    if (state.status !== 'unregistered') {
      throw new DomainError(
        'ESERVICE_ALREADY_REGISTERED',
        `e-service ${clientId} is already registered`,
        409,
      );
    }
    checkProfile(clientId, profile, authMethod);
    checkHkidEncrypted(clientId, settings);
    return [
      {
        type: 'EServiceRegistered',
        data: {
          clientId,
          name: settings.name,
          department,
          redirectUris: [...settings.redirectUris],
          postLogoutRedirectUris: [...settings.postLogoutRedirectUris],
          authMethod,
          ...(settings.jwks && { jwks: settings.jwks }),
          ...(command.clientSecret !== undefined && { clientSecret: command.clientSecret }),
          allowedScopes: [...settings.allowedScopes],
          ...(settings.backchannelLogoutUri && { backchannelLogoutUri: settings.backchannelLogoutUri }),
          profile,
          grantTypes: [...grantTypes],
          ...tokenSigning,
          registeredAt: at,
        },
      },
    ];
  }

  const { clientId } = command;
  if (state.status === 'unregistered') {
    throw new DomainError('ESERVICE_NOT_FOUND', `no e-service ${clientId}`, 404);
  }
  switch (command.type) {
    case 'UpdateEService':
      return decideUpdate(state, command.changes, at);
    case 'RotateClientSecret':
      if (state.authMethod !== 'client_secret_basic') {
        throw new DomainError(
          'CLIENT_SECRET_NOT_USED',
          `e-service ${clientId} authenticates with ${state.authMethod}: it has no secret to rotate`,
          409,
        );
      }
      return [
        {
          type: 'EServiceClientSecretRotated',
          data: { clientId, clientSecret: command.clientSecret, rotatedAt: at },
        },
      ];
    case 'SuspendEService':
      if (state.status === 'suspended') {
        throw new DomainError(
          'ESERVICE_ALREADY_SUSPENDED',
          `e-service ${clientId} is already suspended`,
          409,
        );
      }
      return [{ type: 'EServiceSuspended', data: { clientId, suspendedAt: at } }];
    case 'ReinstateEService':
      if (state.status === 'active') {
        throw new DomainError('ESERVICE_NOT_SUSPENDED', `e-service ${clientId} is not suspended`, 409);
      }
      return [{ type: 'EServiceReinstated', data: { clientId, reinstatedAt: at } }];
    case 'ChangeEServiceProfile':
      checkProfile(clientId, command.profile, state.authMethod);
      if (state.profile === command.profile) return [];
      return [
        { type: 'EServiceProfileChanged', data: { clientId, profile: command.profile, changedAt: at } },
      ];
    case 'ChangeEServiceTokenSigning':
      if (JSON.stringify(state.tokenSigning) === JSON.stringify(command.tokenSigning)) return [];
      return [
        { type: 'EServiceTokenSigningChanged', data: { clientId, ...command.tokenSigning, changedAt: at } },
      ];
    case 'ChangeEServiceGrantTypes':
      if (JSON.stringify(state.grantTypes) === JSON.stringify(command.grantTypes)) return [];
      return [
        {
          type: 'EServiceGrantTypesChanged',
          data: { clientId, grantTypes: [...command.grantTypes], changedAt: at },
        },
      ];
  }
}

/** FAPI 2.0 allows no shared secret: its e-services prove themselves with a signed client assertion. */
function checkProfile(clientId: string, profile: SecurityProfile, authMethod: AuthMethod): void {
  if (profile === 'fapi2' && authMethod !== 'private_key_jwt') {
    throw new DomainError(
      'PROFILE_NEEDS_PRIVATE_KEY_JWT',
      `e-service ${clientId} authenticates with ${authMethod}; the fapi2 profile needs private_key_jwt (or profile "standard")`,
      400,
    );
  }
}

/** Records only what differs: an update that changes nothing writes nothing. */
function decideUpdate(state: Registered, changes: Partial<EServiceSettings>, at: string): EServiceEvent[] {
  if (changes.jwks && state.authMethod !== 'private_key_jwt') {
    throw new DomainError(
      'JWKS_INVALID',
      `e-service ${state.clientId} authenticates with ${state.authMethod}: it takes no jwks`,
      400,
    );
  }
  checkHkidEncrypted(state.clientId, { ...state.settings, ...changes });
  const changed = (Object.keys(changes) as (keyof EServiceSettings)[]).filter(
    (field) => JSON.stringify(changes[field]) !== JSON.stringify(state.settings[field]),
  );
  if (changed.length === 0) return [];
  const data = Object.fromEntries(changed.map((field) => [field, changes[field]])) as Omit<
    EServiceUpdated['data'],
    'clientId' | 'updatedAt'
  >;
  return [{ type: 'EServiceUpdated', data: { clientId: state.clientId, ...data, updatedAt: at } }];
}

/**
 * An HKID number leaves the platform only encrypted to its e-service: the `hkid` scope needs an encryption key
 * (`use: "enc"`) in the e-service's jwks, with which its ID tokens and userinfo are then always encrypted.
 */
function checkHkidEncrypted(clientId: string, settings: EServiceSettings): void {
  if (settings.allowedScopes.includes('hkid') && !encryptionAlgOf(settings.jwks)) {
    throw new DomainError(
      'ENCRYPTION_KEY_REQUIRED',
      `e-service ${clientId}: the hkid scope needs an encryption key (a JWK with "use": "enc", EC P-256 or RSA) in jwks`,
      400,
    );
  }
}
