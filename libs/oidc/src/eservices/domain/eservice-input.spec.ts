import { describe, expect, it } from '@jest/globals';
import { parseChanges, parseClientId, parseRegistration, type RegistrationInput } from './eservice-input.js';

const jwks = { keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }] };
const input: RegistrationInput = {
  clientId: 'tax-return',
  name: '  eTAX  ',
  department: 'IRD',
  redirectUris: ['https://etax.example/cb'],
  authMethod: 'private_key_jwt',
  jwks,
};
const refused = (code: string) => expect.objectContaining({ code, status: 400 });

describe('parseRegistration', () => {
  it('takes a registration, defaulting to the openid scope and no logout URI', () => {
    expect(parseRegistration(input)).toEqual({
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
        allowedScopes: ['openid'],
        jwks,
      },
    });
  });

  it('puts the scopes in one canonical order, each once', () => {
    const { settings } = parseRegistration({
      ...input,
      allowedScopes: ['offline_access', 'email', 'openid', 'email', 'hkid'],
    });
    expect(settings.allowedScopes).toEqual(['openid', 'email', 'hkid', 'offline_access']);
  });

  it.each([
    [{ clientId: 'Tax-Return' }, 'CLIENT_ID_INVALID'],
    [{ clientId: 'tx' }, 'CLIENT_ID_INVALID'],
    [{ clientId: '-tax' }, 'CLIENT_ID_INVALID'],
    [{ clientId: `t${'a'.repeat(63)}` }, 'CLIENT_ID_INVALID'],
    [{ clientId: 'tax_return' }, 'CLIENT_ID_INVALID'],
    [{ department: 'ird' }, 'DEPARTMENT_INVALID'],
    [{ department: 'I' }, 'DEPARTMENT_INVALID'],
    [{ department: 'ABCDEFGHIJK' }, 'DEPARTMENT_INVALID'],
    [{ name: '   ' }, 'ESERVICE_NAME_INVALID'],
    [{ name: 'e\u0000TAX' }, 'ESERVICE_NAME_INVALID'],
    [{ name: 'x'.repeat(201) }, 'ESERVICE_NAME_INVALID'],
    [{ redirectUris: ['http://etax.example/cb'] }, 'REDIRECT_URI_INVALID'],
    [{ postLogoutRedirectUris: ['https://etax.example/#bye'] }, 'REDIRECT_URI_INVALID'],
    [{ allowedScopes: ['openid', 'payroll'] }, 'SCOPE_NOT_ALLOWED'],
    [{ allowedScopes: ['profile'] }, 'OPENID_SCOPE_REQUIRED'],
    [{ jwks: undefined }, 'JWKS_INVALID'],
    [{ authMethod: 'client_secret_basic' }, 'JWKS_INVALID'],
    [{ jwks: { keys: [] } }, 'JWKS_INVALID'],
    [{ profile: 'fapi1' }, 'PROFILE_INVALID'],
    [{ grantTypes: ['password'] }, 'GRANT_TYPE_NOT_ALLOWED'],
    [{ grantTypes: [] }, 'GRANT_TYPE_NOT_ALLOWED'],
    [{ idTokenSigningAlg: 'none' }, 'SIGNING_ALG_NOT_ALLOWED'],
    [{ idTokenSigningAlg: 'HS256' }, 'SIGNING_ALG_NOT_ALLOWED'],
    [{ userinfoSigningAlg: 'none' }, 'SIGNING_ALG_NOT_ALLOWED'],
  ] as const)('refuses %j with %s', (change, code) => {
    expect(() => parseRegistration({ ...input, ...change })).toThrow(refused(code));
  });

  it('takes client_secret_basic without keys, on the standard profile (FAPI 2.0 allows no secret)', () => {
    const { jwks: _jwks, ...withoutKeys } = input;
    const registration = parseRegistration({ ...withoutKeys, authMethod: 'client_secret_basic' });
    expect(registration.settings).not.toHaveProperty('jwks');
    expect(registration.profile).toBe('standard');
  });

  it('puts grant types in canonical order, each once', () => {
    expect(
      parseRegistration({
        ...input,
        grantTypes: ['client_credentials', 'authorization_code', 'client_credentials'],
      }).grantTypes,
    ).toEqual(['authorization_code', 'client_credentials']);
  });

  it('takes the profile asked for', () => {
    expect(parseRegistration({ ...input, profile: 'standard' }).profile).toBe('standard');
  });
});

describe('parseChanges', () => {
  it('checks and keeps only the fields that are set', () => {
    expect(parseChanges({})).toEqual({});
    expect(parseChanges({ name: ' New name ', allowedScopes: ['phone', 'openid'] })).toEqual({
      name: 'New name',
      allowedScopes: ['openid', 'phone'],
    });
    expect(() => parseChanges({ redirectUris: [] })).toThrow(refused('REDIRECT_URI_INVALID'));
    expect(() => parseChanges({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } })).toThrow(
      refused('JWKS_INVALID'),
    );
  });
});

describe('parseClientId', () => {
  it('takes a lower-case slug of 3 to 63 characters', () => {
    expect(parseClientId('abc')).toBe('abc');
    expect(parseClientId(`a${'-'.repeat(62)}`)).toHaveLength(63);
    expect(() => parseClientId('eservice/../x')).toThrow(refused('CLIENT_ID_INVALID'));
  });
});
