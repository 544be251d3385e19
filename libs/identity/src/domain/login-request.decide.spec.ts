import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CLAIM_NAMES, type ClaimName } from '../login/login-gateway.js';
import type { RegisteredCitizen } from './citizen.state.js';
import { fold } from './fold.testing.js';
import { decideLoginRequest, type DecideLogin, type RequestLogin } from './login-request.decide.js';
import type { LoginRequestEvent } from './login-request.events.js';
import { loginRequest, loginStatusOf } from './login-request.state.js';

const requestedAt = new Date('2026-05-01T09:00:00.000Z');
const expiresAt = new Date('2026-05-01T09:02:00.000Z');
const during = new Date('2026-05-01T09:01:00.000Z');
const request: RequestLogin = {
  type: 'RequestLogin',
  loginRequestId: 'l-1',
  clientId: 'tax-portal',
  eServiceName: 'Tax Portal',
  minimumAcr: 'basic',
  claims: ['name', 'email', 'hkid'],
  challenge: 'challenge-1',
  shortCode: 'ABCD2345',
  expiresAt,
};
const requested = decideLoginRequest(request, loginRequest.initialState(), requestedAt);

const citizenAt = (
  assuranceLevel: 'basic' | 'plus',
  overrides: Partial<RegisteredCitizen> = {},
): RegisteredCitizen => ({
  status: 'active' as const,
  citizenId: 'c-1',
  assuranceLevel,
  devices: [
    { deviceId: 'd-1', publicKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }, status: 'active' as const },
  ],
  administrator: false,
  ...overrides,
});
const approve = (
  approvedClaims: ClaimName[],
  citizen: RegisteredCitizen = citizenAt('plus'),
): DecideLogin => ({
  type: 'DecideLogin',
  loginRequestId: 'l-1',
  decision: 'approve',
  approvedClaims,
  citizen,
  deviceId: 'd-1',
});
const deny: DecideLogin = { ...approve([]), decision: 'deny' };

const given = (events: readonly LoginRequestEvent[]) => ({
  when: (command: RequestLogin | DecideLogin, now = during) =>
    decideLoginRequest(command, fold(loginRequest, events), now),
});
const refusal = (code: string, status: number) => expect.objectContaining({ code, status });

describe('RequestLogin', () => {
  it('records the request with its challenge, short code and expiry', () => {
    expect(requested).toEqual([
      {
        type: 'LoginRequested',
        data: {
          loginRequestId: 'l-1',
          clientId: 'tax-portal',
          eServiceName: 'Tax Portal',
          minimumAcr: 'basic',
          claims: ['name', 'email', 'hkid'],
          challenge: 'challenge-1',
          shortCode: 'ABCD2345',
          requestedAt: '2026-05-01T09:00:00.000Z',
          expiresAt: '2026-05-01T09:02:00.000Z',
        },
      },
    ]);
    expect(loginStatusOf(fold(loginRequest, requested), during)).toEqual({
      state: 'pending',
      expiresAt: '2026-05-01T09:02:00.000Z',
    });
  });

  it('accepts a login that asks for no claims at all', () => {
    expect(given([]).when({ ...request, claims: [] }, requestedAt)).toHaveLength(1);
  });

  it('refuses a second request with the same id', () => {
    expect(() => given(requested).when(request)).toThrow(refusal('LOGIN_REQUEST_ALREADY_EXISTS', 409));
  });

  it.each<[string, Partial<RequestLogin>]>([
    ['an unknown claim', { claims: ['name', 'salary' as ClaimName] }],
    ['a repeated claim', { claims: ['name', 'name'] }],
    ['an unknown level', { minimumAcr: 'gold' as 'plus' }],
    ['no client', { clientId: '' }],
    ['no e-service name', { eServiceName: '' }],
    ['an expiry that is not after the start', { expiresAt: requestedAt }],
  ])('refuses %s', (_name, change) => {
    expect(() => given([]).when({ ...request, ...change }, requestedAt)).toThrow(
      refusal('LOGIN_REQUEST_INVALID', 400),
    );
  });
});

describe('DecideLogin: approve', () => {
  it('records the approval with the citizen, device, level and the claims chosen, sorted', () => {
    expect(given(requested).when(approve(['hkid', 'email', 'name']))).toEqual([
      {
        type: 'LoginApproved',
        data: {
          loginRequestId: 'l-1',
          citizenId: 'c-1',
          deviceId: 'd-1',
          acr: 'plus',
          approvedClaims: ['email', 'hkid', 'name'],
          approvedAt: during.toISOString(),
        },
      },
    ]);
  });

  it('lets the citizen share fewer claims than asked, or none', () => {
    const approved = [...requested, ...given(requested).when(approve(['name'], citizenAt('basic')))];
    expect(loginStatusOf(fold(loginRequest, approved), during)).toEqual({
      state: 'approved',
      citizenId: 'c-1',
      deviceId: 'd-1',
      acr: 'basic',
      approvedClaims: ['name'],
    });
    expect(given(requested).when(approve([]))[0]).toMatchObject({ data: { approvedClaims: [] } });
  });

  it('refuses claims the e-service did not ask for', () => {
    expect(() => given(requested).when(approve(['name', 'address']))).toThrow(
      refusal('CLAIMS_NOT_REQUESTED', 400),
    );
  });

  it('refuses the HKID number from a basic citizen, but not from a plus one', () => {
    expect(() => given(requested).when(approve(['hkid'], citizenAt('basic')))).toThrow(
      refusal('HKID_REQUIRES_PLUS', 403),
    );
    expect(given(requested).when(approve(['hkid'], citizenAt('plus')))).toHaveLength(1);
  });

  it('refuses a basic citizen when the e-service needs plus', () => {
    const plusOnly = decideLoginRequest(
      { ...request, minimumAcr: 'plus' },
      loginRequest.initialState(),
      requestedAt,
    );
    expect(() => given(plusOnly).when(approve(['name'], citizenAt('basic')))).toThrow(
      refusal('ASSURANCE_TOO_LOW', 403),
    );
    expect(given(plusOnly).when(approve(['name'], citizenAt('plus')))).toHaveLength(1);
  });

  it('refuses a revoked device and a suspended citizen, for an approval and a denial alike', () => {
    const revoked = citizenAt('plus', {
      devices: [{ ...citizenAt('plus').devices[0]!, status: 'revoked' }],
    });
    const suspended = citizenAt('plus', { status: 'suspended' });
    for (const decision of ['approve', 'deny'] as const) {
      expect(() => given(requested).when({ ...approve([], revoked), decision })).toThrow(
        refusal('DEVICE_REVOKED', 403),
      );
      expect(() => given(requested).when({ ...approve([], suspended), decision })).toThrow(
        refusal('CITIZEN_SUSPENDED', 403),
      );
    }
  });
});

describe('DecideLogin: deny', () => {
  it('records the denial', () => {
    expect(given(requested).when(deny)).toEqual([
      {
        type: 'LoginDenied',
        data: {
          loginRequestId: 'l-1',
          citizenId: 'c-1',
          deviceId: 'd-1',
          reason: 'declined-by-citizen',
          deniedAt: during.toISOString(),
        },
      },
    ]);
  });

  it('refuses a denial that approves claims', () => {
    expect(() => given(requested).when({ ...deny, approvedClaims: ['name'] })).toThrow(
      refusal('DENIAL_WITH_CLAIMS', 400),
    );
  });
});

describe('DecideLogin: expiry and outcomes already recorded', () => {
  it('records the expiry instead of a decision once expiresAt is reached, not a millisecond before', () => {
    expect(given(requested).when(approve(['name']), expiresAt)).toEqual([
      { type: 'LoginExpired', data: { loginRequestId: 'l-1', expiredAt: expiresAt.toISOString() } },
    ]);
    expect(given(requested).when(deny, new Date(expiresAt.getTime() + 60_000))[0]?.type).toBe('LoginExpired');
    expect(given(requested).when(approve(['name']), new Date(expiresAt.getTime() - 1))[0]?.type).toBe(
      'LoginApproved',
    );
  });

  it('reports a pending request as expired once the clock passes expiresAt, before anything is written', () => {
    expect(loginStatusOf(fold(loginRequest, requested), expiresAt)).toEqual({ state: 'expired' });
  });

  it('refuses every decision on a request decided or expired, and on no request', () => {
    const approved = [...requested, ...given(requested).when(approve(['name']))];
    const denied = [...requested, ...given(requested).when(deny)];
    const expired = [...requested, ...given(requested).when(deny, expiresAt)];
    for (const decision of [approve(['name']), deny]) {
      expect(() => given(approved).when(decision)).toThrow(refusal('LOGIN_REQUEST_ALREADY_DECIDED', 409));
      expect(() => given(denied).when(decision)).toThrow(refusal('LOGIN_REQUEST_ALREADY_DECIDED', 409));
      expect(() => given(expired).when(decision)).toThrow(refusal('LOGIN_REQUEST_EXPIRED', 410));
      expect(() => given([]).when(decision)).toThrow(refusal('LOGIN_REQUEST_NOT_FOUND', 404));
    }
    expect(loginStatusOf(fold(loginRequest, denied), during)).toEqual({ state: 'denied' });
    expect(loginStatusOf(fold(loginRequest, expired), during)).toEqual({ state: 'expired' });
    expect(loginStatusOf(fold(loginRequest, []), during)).toEqual({ state: 'unknown' });
  });
});

describe('a login request (property)', () => {
  const decision = fc.record({
    decision: fc.constantFrom('approve' as const, 'deny' as const),
    approvedClaims: fc.subarray([...CLAIM_NAMES]),
    assuranceLevel: fc.constantFrom('basic' as const, 'plus' as const),
    citizenId: fc.constantFrom('c-1', 'c-2', 'c-3'),
    deviceStatus: fc.constantFrom('active' as const, 'active' as const, 'revoked' as const),
    status: fc.constantFrom('active' as const, 'active' as const, 'suspended' as const),
    secondsAfterStart: fc.integer({ min: 0, max: 240 }),
  });

  it('ends with at most one outcome, the claims approved are among those requested, expiry only once due', () => {
    fc.assert(
      fc.property(
        fc.subarray([...CLAIM_NAMES]),
        fc.constantFrom('basic' as const, 'plus' as const),
        fc.array(decision, { maxLength: 12 }),
        (claims, minimumAcr, decisions) => {
          const history = decideLoginRequest(
            { ...request, claims, minimumAcr },
            loginRequest.initialState(),
            requestedAt,
          );
          for (const d of decisions) {
            const now = new Date(requestedAt.getTime() + d.secondsAfterStart * 1000);
            const citizen = citizenAt(d.assuranceLevel, {
              citizenId: d.citizenId,
              status: d.status,
              devices: [{ ...citizenAt('basic').devices[0]!, status: d.deviceStatus }],
            });
            const command = {
              ...approve(d.decision === 'approve' ? d.approvedClaims : [], citizen),
              decision: d.decision,
            };
            let events: LoginRequestEvent[];
            try {
              events = decideLoginRequest(command, fold(loginRequest, history), now);
            } catch {
              continue;
            }
            for (const event of events) {
              if (event.type === 'LoginApproved') {
                expect(event.data.approvedClaims.every((c) => claims.includes(c))).toBe(true);
              }
              if (event.type === 'LoginExpired')
                expect(now.getTime()).toBeGreaterThanOrEqual(expiresAt.getTime());
            }
            history.push(...events);
          }
          expect(history.filter((e) => e.type !== 'LoginRequested').length).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe('DecideLogin with the corporate scope', () => {
  const corporateRequested = decideLoginRequest(
    { ...request, corporate: true },
    loginRequest.initialState(),
    requestedAt,
  );
  const actingFor = { corporationId: '12345678', name: 'Harbour Trading Limited', role: 'user' };

  it('records the corporation the citizen may act for, and reports it with the approval', () => {
    const [approved] = given(corporateRequested).when({
      ...approve(['name']),
      corporationId: '12345678',
      actingFor,
    });
    expect(approved).toMatchObject({ type: 'LoginApproved', data: { actingFor } });
    expect(loginStatusOf(fold(loginRequest, [...corporateRequested, approved!]), during)).toMatchObject({
      state: 'approved',
      actingFor,
    });
  });

  it('needs a corporation, one the corporate context offered', () => {
    expect(() => given(corporateRequested).when(approve(['name']))).toThrow(
      refusal('CORPORATION_REQUIRED', 400),
    );
    expect(() => given(corporateRequested).when({ ...approve(['name']), corporationId: '12345678' })).toThrow(
      refusal('CORPORATION_NOT_AVAILABLE', 403),
    );
  });

  it('takes no corporation where none was asked for', () => {
    expect(() =>
      given(requested).when({ ...approve(['name']), corporationId: '12345678', actingFor }),
    ).toThrow(refusal('CORPORATION_NOT_REQUESTED', 400));
  });
});
