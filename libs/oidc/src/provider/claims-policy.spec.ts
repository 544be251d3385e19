import { describe, expect, it } from '@jest/globals';
import { ACR, grantFor, minimumAcr, releasableClaims, requestedClaims } from './claims-policy.js';

describe('requestedClaims', () => {
  it('expands scopes and adds claims asked by name', () => {
    expect(requestedClaims({ scope: 'openid profile email' })).toEqual([
      'name',
      'name_zh',
      'birthdate',
      'email',
    ]);
    expect(
      requestedClaims({
        scope: 'openid',
        claims: { userinfo: { phone_number: null }, id_token: { acr: null } },
      }),
    ).toEqual(['phone_number']);
  });

  it('asks for the HKID number only with the explicit hkid scope', () => {
    expect(requestedClaims({ scope: 'openid', claims: { id_token: { hkid: { essential: true } } } })).toEqual(
      [],
    );
    expect(requestedClaims({ scope: 'openid hkid' })).toEqual(['hkid']);
  });
});

describe('minimumAcr', () => {
  it('is basic unless only plus is acceptable', () => {
    expect(minimumAcr({ scope: 'openid' }, [])).toBe('basic');
    expect(minimumAcr({ scope: 'openid', acr_values: `${ACR.plus} ${ACR.basic}` }, [])).toBe('basic');
    expect(minimumAcr({ scope: 'openid', acr_values: ACR.plus }, [])).toBe('plus');
    expect(
      minimumAcr(
        { scope: 'openid', claims: { id_token: { acr: { essential: true, values: [ACR.plus] } } } },
        [],
      ),
    ).toBe('plus');
  });

  it('is plus whenever the HKID number is asked for', () => {
    expect(minimumAcr({ scope: 'openid hkid' }, ['hkid'])).toBe('plus');
  });
});

describe('grantFor', () => {
  it('grants every requested scope and rejects the claims the citizen did not approve', () => {
    expect(grantFor({ scope: 'openid profile email' }, ['name', 'email'])).toEqual({
      scopes: ['openid', 'profile', 'email'],
      rejectedScopes: [],
      claims: ['name', 'email'],
      rejectedClaims: ['name_zh', 'birthdate'],
    });
    expect(grantFor({ scope: 'openid profile' }, [])).toEqual({
      scopes: ['openid', 'profile'],
      rejectedScopes: [],
      claims: [],
      rejectedClaims: ['name', 'name_zh', 'birthdate'],
    });
  });

  it('grants the admin scope to an administrator only, and rejects it for anyone else', () => {
    expect(grantFor({ scope: 'openid admin' }, [], true)).toMatchObject({
      scopes: ['openid', 'admin'],
      rejectedScopes: [],
    });
    expect(grantFor({ scope: 'openid admin' }, [])).toMatchObject({
      scopes: ['openid'],
      rejectedScopes: ['admin'],
    });
  });
});

describe('releasableClaims', () => {
  it('covers the claims of the scopes and those named, less the rejected, and nothing but citizen claims', () => {
    expect(releasableClaims('openid profile', ['email', 'acr', 'sub'], ['name_zh'])).toEqual(
      expect.arrayContaining(['name', 'birthdate', 'email']),
    );
    expect(releasableClaims('openid profile', ['email', 'acr', 'sub'], ['name_zh'])).toHaveLength(3);
    expect(releasableClaims('openid', [], [])).toEqual([]);
  });
});

describe('grantFor and the claims parameter (OIDC Core §5.5)', () => {
  const claims = {
    id_token: { hkid: { essential: true }, corp_id: null, name: null, acr: null, auth_time: null },
    userinfo: { corp_name: null, shoe_size: null },
  };

  it('rejects every named claim the citizen was never asked for, so that none is asked again', () => {
    expect(grantFor({ scope: 'openid profile', claims }, ['name'])).toEqual({
      scopes: ['openid', 'profile'],
      rejectedScopes: [],
      claims: ['name'],
      rejectedClaims: ['name_zh', 'birthdate', 'hkid', 'corp_id', 'corp_name', 'shoe_size'],
    });
  });

  it('grants the corporate claims it names once the citizen picked a corporation, and rejects them without', () => {
    expect(grantFor({ scope: 'openid corporate', claims }, [], false, true)).toMatchObject({
      scopes: ['openid', 'corporate'],
      claims: ['corp_id', 'corp_name'],
      rejectedClaims: ['name', 'hkid', 'shoe_size'],
    });
    expect(grantFor({ scope: 'openid corporate', claims }, []).rejectedClaims).toContain('corp_id');
  });
});
