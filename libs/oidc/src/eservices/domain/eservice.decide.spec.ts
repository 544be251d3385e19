import { describe, expect, it } from '@jest/globals';
import { decideEService, type EServiceCommand } from './eservice.decide.js';
import type { EServiceEvent, SealedClientSecret } from './eservice.events.js';
import type { Registration } from './eservice-input.js';
import { eservice } from './eservice.state.js';

type EServiceRegisteredData = Extract<EServiceEvent, { type: 'EServiceRegistered' }>['data'];
const now = new Date('2026-05-01T09:00:00.000Z');
const at = '2026-05-01T09:00:00.000Z';
const jwks = { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'x', kid: 'k1' }] };
const sealed = 'pii:v1:sealed' as SealedClientSecret;
const resealed = 'pii:v1:resealed' as SealedClientSecret;

const registration = (overrides: Partial<Registration> = {}): Registration => ({
  clientId: 'tax-return',
  department: 'IRD',
  authMethod: 'private_key_jwt',
  profile: 'fapi2',
  grantTypes: ['authorization_code'],
  tokenSigning: { idTokenSigningAlg: 'ES256' },
  settings: {
    name: 'eTAX',
    redirectUris: ['https://etax.example/cb'],
    postLogoutRedirectUris: [],
    allowedScopes: ['openid', 'profile'],
    jwks,
  },
  ...overrides,
});
const withSecret = registration({
  authMethod: 'client_secret_basic',
  profile: 'standard',
  settings: { ...registration().settings, jwks: undefined },
});

const given = (events: EServiceEvent[]) => events.reduce(eservice.evolve, eservice.initialState());
const when = (history: EServiceEvent[], command: EServiceCommand) =>
  decideEService(command, given(history), now);

const registeredWithKeys: EServiceEvent = {
  type: 'EServiceRegistered',
  data: {
    clientId: 'tax-return',
    name: 'eTAX',
    department: 'IRD',
    redirectUris: ['https://etax.example/cb'],
    postLogoutRedirectUris: [],
    authMethod: 'private_key_jwt',
    jwks,
    allowedScopes: ['openid', 'profile'],
    profile: 'fapi2',
    grantTypes: ['authorization_code'],
    idTokenSigningAlg: 'ES256',
    registeredAt: at,
  },
};
/** Written before profiles existed: no `profile` field. */
const registeredBeforeProfiles: EServiceEvent = {
  type: 'EServiceRegistered',
  data: (({ profile: _profile, grantTypes: _grantTypes, idTokenSigningAlg: _alg, ...data }) => data)(
    registeredWithKeys.data as EServiceRegisteredData,
  ),
};
const registeredWithSecret = decideEService(
  { type: 'RegisterEService', registration: withSecret, clientSecret: sealed },
  eservice.initialState(),
  now,
)[0]!;
const suspended: EServiceEvent = {
  type: 'EServiceSuspended',
  data: { clientId: 'tax-return', suspendedAt: at },
};

const suspend: EServiceCommand = { type: 'SuspendEService', clientId: 'tax-return' };
const reinstate: EServiceCommand = { type: 'ReinstateEService', clientId: 'tax-return' };
const rotate: EServiceCommand = {
  type: 'RotateClientSecret',
  clientId: 'tax-return',
  clientSecret: resealed,
};
const update = (
  changes: Extract<EServiceCommand, { type: 'UpdateEService' }>['changes'],
): EServiceCommand => ({
  type: 'UpdateEService',
  clientId: 'tax-return',
  changes,
});
const changeProfile = (profile: 'fapi2' | 'standard'): EServiceCommand => ({
  type: 'ChangeEServiceProfile',
  clientId: 'tax-return',
  profile,
});
const error = (code: string, status: number) => expect.objectContaining({ code, status });

describe('RegisterEService', () => {
  it('registers an e-service with its public keys', () => {
    expect(when([], { type: 'RegisterEService', registration: registration() })).toEqual([
      registeredWithKeys,
    ]);
    expect(given([registeredWithKeys])).toEqual({
      status: 'active',
      clientId: 'tax-return',
      authMethod: 'private_key_jwt',
      profile: 'fapi2',
      grantTypes: ['authorization_code'],
      tokenSigning: { idTokenSigningAlg: 'ES256' },
      settings: registration().settings,
    });
  });

  it('refuses the fapi2 profile for an e-service that authenticates with a secret', () => {
    expect(() =>
      when([], { type: 'RegisterEService', registration: { ...withSecret, profile: 'fapi2' } }),
    ).toThrow(error('PROFILE_NEEDS_PRIVATE_KEY_JWT', 400));
  });

  it('registers an e-service with its sealed secret, and no jwks', () => {
    expect(registeredWithSecret.data).toEqual(
      expect.objectContaining({ authMethod: 'client_secret_basic', clientSecret: sealed }),
    );
    expect(registeredWithSecret.data).not.toHaveProperty('jwks');
  });

  it.each([
    ['an active', [registeredWithKeys]],
    ['a suspended', [registeredWithKeys, suspended]],
  ])('refuses a client id already taken by %s e-service', (_status, history) => {
    expect(() => when(history, { type: 'RegisterEService', registration: registration() })).toThrow(
      error('ESERVICE_ALREADY_REGISTERED', 409),
    );
  });
});

describe('every other command needs a registered e-service', () => {
  it.each([update({ name: 'x' }), rotate, suspend, reinstate, changeProfile('standard')])(
    '$type is refused as not found',
    (command) => {
      expect(() => when([], command)).toThrow(error('ESERVICE_NOT_FOUND', 404));
    },
  );
});

describe('UpdateEService', () => {
  it('records only the settings that changed', () => {
    const events = when(
      [registeredWithKeys],
      update({
        name: 'eTAX 2',
        redirectUris: ['https://etax.example/cb'],
        allowedScopes: ['openid', 'email'],
      }),
    );
    expect(events).toEqual([
      {
        type: 'EServiceUpdated',
        data: { clientId: 'tax-return', name: 'eTAX 2', allowedScopes: ['openid', 'email'], updatedAt: at },
      },
    ]);
    expect(given([registeredWithKeys, ...events])).toMatchObject({
      status: 'active',
      settings: {
        name: 'eTAX 2',
        redirectUris: ['https://etax.example/cb'],
        allowedScopes: ['openid', 'email'],
      },
    });
  });

  it('writes nothing when nothing changes', () => {
    expect(when([registeredWithKeys], update({ name: 'eTAX', jwks }))).toEqual([]);
    expect(when([registeredWithKeys], update({}))).toEqual([]);
  });

  it('replaces the keys of a private_key_jwt e-service, also while suspended', () => {
    const rotated = { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'y', kid: 'k2' }] };
    expect(when([registeredWithKeys, suspended], update({ jwks: rotated }))).toEqual([
      { type: 'EServiceUpdated', data: { clientId: 'tax-return', jwks: rotated, updatedAt: at } },
    ]);
  });

  it('refuses keys for an e-service that authenticates with a secret', () => {
    expect(() => when([registeredWithSecret], update({ jwks }))).toThrow(error('JWKS_INVALID', 400));
  });
});

describe('RotateClientSecret', () => {
  it.each([
    ['an active', [registeredWithSecret]],
    ['a suspended', [registeredWithSecret, suspended]],
  ])('rotates the secret of %s e-service', (_status, history) => {
    expect(when(history, rotate)).toEqual([
      {
        type: 'EServiceClientSecretRotated',
        data: { clientId: 'tax-return', clientSecret: resealed, rotatedAt: at },
      },
    ]);
  });

  it('refuses an e-service that has no secret', () => {
    expect(() => when([registeredWithKeys], rotate)).toThrow(error('CLIENT_SECRET_NOT_USED', 409));
  });
});

describe('SuspendEService and ReinstateEService', () => {
  it('suspends an active e-service, then reinstates it', () => {
    expect(when([registeredWithKeys], suspend)).toEqual([suspended]);
    expect(given([registeredWithKeys, suspended]).status).toBe('suspended');
    const reinstated = when([registeredWithKeys, suspended], reinstate);
    expect(reinstated).toEqual([
      { type: 'EServiceReinstated', data: { clientId: 'tax-return', reinstatedAt: at } },
    ]);
    expect(given([registeredWithKeys, suspended, ...reinstated]).status).toBe('active');
  });

  it('refuses to suspend a suspended e-service, or to reinstate an active one', () => {
    expect(() => when([registeredWithKeys, suspended], suspend)).toThrow(
      error('ESERVICE_ALREADY_SUSPENDED', 409),
    );
    expect(() => when([registeredWithKeys], reinstate)).toThrow(error('ESERVICE_NOT_SUSPENDED', 409));
  });
});

describe('ChangeEServiceProfile', () => {
  it('keeps an e-service registered before profiles on standard, until an administrator moves it to fapi2', () => {
    expect(given([registeredBeforeProfiles])).toMatchObject({ profile: 'standard' });
    const events = when([registeredBeforeProfiles], changeProfile('fapi2'));
    expect(events).toEqual([
      { type: 'EServiceProfileChanged', data: { clientId: 'tax-return', profile: 'fapi2', changedAt: at } },
    ]);
    expect(given([registeredBeforeProfiles, ...events])).toMatchObject({ profile: 'fapi2' });
  });

  it('writes nothing when the profile is already the one asked for', () => {
    expect(when([registeredWithKeys], changeProfile('fapi2'))).toEqual([]);
  });

  it('refuses fapi2 for an e-service that authenticates with a secret', () => {
    expect(() => when([registeredWithSecret], changeProfile('fapi2'))).toThrow(
      error('PROFILE_NEEDS_PRIVATE_KEY_JWT', 400),
    );
  });
});

describe('ChangeEServiceGrantTypes', () => {
  const changeGrants = (grantTypes: ('authorization_code' | 'client_credentials')[]): EServiceCommand => ({
    type: 'ChangeEServiceGrantTypes',
    clientId: 'tax-return',
    grantTypes,
  });

  it('gives an e-service registered before grant types the authorization code alone, then adds client_credentials', () => {
    expect(given([registeredBeforeProfiles])).toMatchObject({ grantTypes: ['authorization_code'] });
    const events = when(
      [registeredBeforeProfiles],
      changeGrants(['authorization_code', 'client_credentials']),
    );
    expect(events).toEqual([
      {
        type: 'EServiceGrantTypesChanged',
        data: {
          clientId: 'tax-return',
          grantTypes: ['authorization_code', 'client_credentials'],
          changedAt: at,
        },
      },
    ]);
    expect(when([registeredBeforeProfiles], changeGrants(['authorization_code']))).toEqual([]);
  });
});

describe('ChangeEServiceTokenSigning', () => {
  it('keeps ES256 ID tokens for an e-service registered before the choice, until it asks for PS256 and JWT userinfo', () => {
    expect(given([registeredBeforeProfiles])).toMatchObject({ tokenSigning: { idTokenSigningAlg: 'ES256' } });
    const command: EServiceCommand = {
      type: 'ChangeEServiceTokenSigning',
      clientId: 'tax-return',
      tokenSigning: { idTokenSigningAlg: 'PS256', userinfoSigningAlg: 'RS256' },
    };
    const events = when([registeredBeforeProfiles], command);
    expect(events).toEqual([
      {
        type: 'EServiceTokenSigningChanged',
        data: {
          clientId: 'tax-return',
          idTokenSigningAlg: 'PS256',
          userinfoSigningAlg: 'RS256',
          changedAt: at,
        },
      },
    ]);
    expect(when([registeredBeforeProfiles, ...events], command)).toEqual([]);
  });
});

describe('the hkid scope', () => {
  const encryptionKey = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', use: 'enc' };
  const withHkid = (keys: Record<string, string>[]) =>
    registration({
      settings: { ...registration().settings, allowedScopes: ['openid', 'hkid'], jwks: { keys } },
    });

  it('needs an encryption key, at registration and at every change', () => {
    expect(() => when([], { type: 'RegisterEService', registration: withHkid(jwks.keys) })).toThrow(
      error('ENCRYPTION_KEY_REQUIRED', 400),
    );
    expect(() => when([registeredWithKeys], update({ allowedScopes: ['openid', 'hkid'] }))).toThrow(
      error('ENCRYPTION_KEY_REQUIRED', 400),
    );
    expect(() => when([registeredWithSecret], update({ allowedScopes: ['openid', 'hkid'] }))).toThrow(
      error('ENCRYPTION_KEY_REQUIRED', 400),
    );
    const registered = when([], {
      type: 'RegisterEService',
      registration: withHkid([...jwks.keys, encryptionKey]),
    });
    expect(registered).toHaveLength(1);
    expect(() => when(registered, update({ jwks }))).toThrow(error('ENCRYPTION_KEY_REQUIRED', 400));
  });
});
