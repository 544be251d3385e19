import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { SealedFields } from '#libs/eventsourcing';
import {
  decideCitizen,
  type CitizenChange,
  type CitizenCommand,
  type RegisterCitizen,
} from './citizen.decide.js';
import type { CitizenEvent, ContactDetails, PersonalData } from './citizen.events.js';
import { citizenRecord } from './citizen-record.js';
import { activeDeviceOf, citizen, summaryOf, type RegisteredCitizen } from './citizen.state.js';
import { fold } from './fold.testing.js';
import { decideHkidClaim, hkidClaim } from './hkid-claim.js';

const now = new Date('2026-05-01T09:00:00.000Z');
const at = now.toISOString();
const personal = {
  nameEn: 'pii:v1:a',
  nameZh: 'pii:v1:b',
  hkid: 'pii:v1:c',
  dateOfBirth: 'pii:v1:d',
} as SealedFields<PersonalData>;
const keyOf = (n: number) => ({ kty: 'EC', crv: 'P-256', x: `x${n}`, y: `y${n}` });
const device = (n: number) => ({ deviceId: `d-${n}`, publicKey: keyOf(n) });
const register: RegisterCitizen = { type: 'RegisterCitizen', citizenId: 'c-1', personal, device: device(1) };

const registered: CitizenEvent[] = decideCitizen(register, citizen.initialState(), now);
const revoked = (deviceId: string, reason: 'lost' | 'replaced'): CitizenEvent => ({
  type: 'DeviceRevoked',
  data: { citizenId: 'c-1', deviceId, reason, revokedAt: at },
});
const enrolled = (n: number): CitizenEvent => ({
  type: 'DeviceEnrolled',
  data: { citizenId: 'c-1', ...device(n), enrolledAt: at },
});
const suspended: CitizenEvent = {
  type: 'CitizenSuspended',
  data: { citizenId: 'c-1', reason: 'suspected-fraud', suspendedAt: at },
};
const verified: CitizenEvent = {
  type: 'IdentityVerified',
  data: { citizenId: 'c-1', assuranceLevel: 'plus', verifiedAt: at },
};

const given = (events: readonly CitizenEvent[]) => ({
  when: (command: CitizenCommand) => decideCitizen(command, fold(citizen, events), now),
});
const refusal = (code: string, status: number) => expect.objectContaining({ code, status });

describe('RegisterCitizen', () => {
  it('registers at basic assurance and enrols the device', () => {
    expect(given([]).when(register)).toEqual([
      {
        type: 'CitizenRegistered',
        data: { citizenId: 'c-1', personal, assuranceLevel: 'basic', registeredAt: at },
      },
      { type: 'DeviceEnrolled', data: { citizenId: 'c-1', ...device(1), enrolledAt: at } },
    ]);
  });

  it('refuses to register the same citizen twice', () => {
    expect(fold(citizen, registered)).toEqual({
      status: 'active',
      citizenId: 'c-1',
      assuranceLevel: 'basic',
      devices: [{ ...device(1), status: 'active' }],
      administrator: false,
    });
    expect(() => given(registered).when(register)).toThrow(refusal('CITIZEN_ALREADY_REGISTERED', 409));
  });
});

describe('EnrolDevice', () => {
  const enrol = (n: number, signedBy?: string): CitizenChange => ({
    type: 'EnrolDevice',
    citizenId: 'c-1',
    device: device(n),
    ...(signedBy !== undefined && { signedBy }),
  });

  it('signed by the active device: revokes it as replaced, then enrols the new one', () => {
    const events = given(registered).when(enrol(2, 'd-1'));
    expect(events).toEqual([revoked('d-1', 'replaced'), enrolled(2)]);
    const after = fold(citizen, [...registered, ...events]) as RegisteredCitizen;
    expect(after.devices.filter((d) => d.status === 'active').map((d) => d.deviceId)).toEqual(['d-2']);
  });

  it('by an administrator after the only device was lost: enrols without revoking anything', () => {
    expect(given([...registered, revoked('d-1', 'lost')]).when(enrol(2))).toEqual([enrolled(2)]);
  });

  it('refuses a signer that was revoked, or is not enrolled', () => {
    const replaced = [...registered, revoked('d-1', 'replaced'), enrolled(2)];
    expect(() => given(replaced).when(enrol(3, 'd-1'))).toThrow(refusal('DEVICE_REVOKED', 403));
    expect(() => given(registered).when(enrol(3, 'd-9'))).toThrow(refusal('DEVICE_NOT_FOUND', 404));
  });

  it('refuses a suspended citizen, even from an administrator', () => {
    expect(() => given([...registered, suspended]).when(enrol(2, 'd-1'))).toThrow(
      refusal('CITIZEN_SUSPENDED', 403),
    );
    expect(() => given([...registered, suspended]).when(enrol(2))).toThrow(refusal('CITIZEN_SUSPENDED', 403));
  });

  it('refuses a key already enrolled, active or revoked: a revoked key never comes back', () => {
    expect(() => given(registered).when(enrol(1, 'd-1'))).toThrow(refusal('DEVICE_ALREADY_ENROLLED', 409));
    const replaced = [...registered, revoked('d-1', 'replaced'), enrolled(2)];
    expect(() => given(replaced).when(enrol(1, 'd-2'))).toThrow(refusal('DEVICE_ALREADY_ENROLLED', 409));
  });
});

describe('ReportDeviceLost', () => {
  const lost = (deviceId: string, signedBy?: string): CitizenChange => ({
    type: 'ReportDeviceLost',
    citizenId: 'c-1',
    deviceId,
    ...(signedBy !== undefined && { signedBy }),
  });

  it('from the device itself or from an administrator: revokes it as lost, leaving no active device', () => {
    for (const command of [lost('d-1', 'd-1'), lost('d-1')]) {
      const events = given(registered).when(command);
      expect(events).toEqual([revoked('d-1', 'lost')]);
      expect(activeDeviceOf(fold(citizen, [...registered, ...events]) as RegisteredCitizen)).toBeUndefined();
    }
  });

  it('is allowed while the citizen is suspended', () => {
    expect(given([...registered, suspended]).when(lost('d-1', 'd-1'))).toEqual([revoked('d-1', 'lost')]);
  });

  it('refuses a revoked signer, a device already revoked, and an unknown device', () => {
    const gone = [...registered, revoked('d-1', 'lost')];
    expect(() => given(gone).when(lost('d-1', 'd-1'))).toThrow(refusal('DEVICE_REVOKED', 403));
    expect(() => given(gone).when(lost('d-1'))).toThrow(refusal('DEVICE_ALREADY_REVOKED', 409));
    expect(() => given(registered).when(lost('d-9'))).toThrow(refusal('DEVICE_NOT_FOUND', 404));
  });
});

describe('UpdateProfile', () => {
  const profile = { phone: 'pii:v1:p', email: 'pii:v1:e' } as Partial<SealedFields<ContactDetails>>;
  const update = (signedBy = 'd-1'): CitizenChange => ({
    type: 'UpdateProfile',
    citizenId: 'c-1',
    profile,
    signedBy,
  });

  it('records the sealed details that changed', () => {
    expect(given(registered).when(update())).toEqual([
      { type: 'ProfileUpdated', data: { citizenId: 'c-1', profile, updatedAt: at } },
    ]);
  });

  it('refuses an empty update, a suspended citizen and a revoked device', () => {
    expect(() =>
      given(registered).when({ type: 'UpdateProfile', citizenId: 'c-1', profile: {}, signedBy: 'd-1' }),
    ).toThrow(refusal('PROFILE_UPDATE_EMPTY', 400));
    expect(() => given([...registered, suspended]).when(update())).toThrow(refusal('CITIZEN_SUSPENDED', 403));
    expect(() => given([...registered, revoked('d-1', 'lost')]).when(update())).toThrow(
      refusal('DEVICE_REVOKED', 403),
    );
  });

  it('keeps the latest sealed value of each detail in the citizen record', () => {
    const first: CitizenEvent = {
      type: 'ProfileUpdated',
      data: { citizenId: 'c-1', profile: { address: 'pii:v1:a1', phone: 'pii:v1:p1' }, updatedAt: at },
    };
    const second: CitizenEvent = {
      type: 'ProfileUpdated',
      data: { citizenId: 'c-1', profile: { phone: 'pii:v1:p2' }, updatedAt: at },
    };
    expect(fold(citizenRecord, [...registered, first, second])).toEqual({
      personal,
      contact: { address: 'pii:v1:a1', phone: 'pii:v1:p2' },
    });
  });
});

describe('VerifyIdentity, SuspendCitizen, ReinstateCitizen (administrators)', () => {
  const verify: CitizenChange = { type: 'VerifyIdentity', citizenId: 'c-1' };
  const suspend: CitizenChange = { type: 'SuspendCitizen', citizenId: 'c-1', reason: 'suspected-fraud' };
  const reinstate: CitizenChange = {
    type: 'ReinstateCitizen',
    citizenId: 'c-1',
    reason: 'investigation-cleared',
  };

  it('raises the assurance level to plus, once, suspended or not', () => {
    expect(given(registered).when(verify)).toEqual([verified]);
    expect(given([...registered, suspended]).when(verify)).toEqual([verified]);
    expect(summaryOf(fold(citizen, [...registered, verified]) as RegisteredCitizen)).toEqual({
      citizenId: 'c-1',
      status: 'active',
      assuranceLevel: 'plus',
      activeDeviceId: 'd-1',
      administrator: false,
    });
    expect(() => given([...registered, verified]).when(verify)).toThrow(
      refusal('IDENTITY_ALREADY_VERIFIED', 409),
    );
  });

  it('suspends an active citizen, with the reason', () => {
    expect(given(registered).when(suspend)).toEqual([suspended]);
    expect(fold(citizen, [...registered, suspended]).status).toBe('suspended');
    expect(() => given([...registered, suspended]).when(suspend)).toThrow(
      refusal('CITIZEN_ALREADY_SUSPENDED', 409),
    );
  });

  it('reinstates a suspended citizen only', () => {
    const events = given([...registered, suspended]).when(reinstate);
    expect(events).toEqual([
      {
        type: 'CitizenReinstated',
        data: { citizenId: 'c-1', reason: 'investigation-cleared', reinstatedAt: at },
      },
    ]);
    expect(fold(citizen, [...registered, suspended, ...events]).status).toBe('active');
    expect(() => given(registered).when(reinstate)).toThrow(refusal('CITIZEN_NOT_SUSPENDED', 409));
  });

  it.each<CitizenChange>([
    verify,
    suspend,
    reinstate,
    { type: 'EnrolDevice', citizenId: 'c-1', device: device(2) },
    { type: 'ReportDeviceLost', citizenId: 'c-1', deviceId: 'd-1' },
    { type: 'UpdateProfile', citizenId: 'c-1', profile: {}, signedBy: 'd-1' },
    { type: 'GrantAdministratorRole', citizenId: 'c-1' },
    { type: 'RevokeAdministratorRole', citizenId: 'c-1' },
  ])('refuses $type for a citizen never registered', (command) => {
    expect(() => given([]).when(command)).toThrow(refusal('CITIZEN_NOT_FOUND', 404));
  });
});

describe('GrantAdministratorRole, RevokeAdministratorRole', () => {
  const grant: CitizenChange = { type: 'GrantAdministratorRole', citizenId: 'c-1' };
  const revoke: CitizenChange = { type: 'RevokeAdministratorRole', citizenId: 'c-1' };
  const granted: CitizenEvent = {
    type: 'AdministratorRoleGranted',
    data: { citizenId: 'c-1', grantedAt: at },
  };
  const revokedRole: CitizenEvent = {
    type: 'AdministratorRoleRevoked',
    data: { citizenId: 'c-1', revokedAt: at },
  };
  const holds = (events: readonly CitizenEvent[]) =>
    (fold(citizen, events) as RegisteredCitizen).administrator;

  it('grants the role once, and revokes it only while held', () => {
    expect(given(registered).when(grant)).toEqual([granted]);
    expect(holds([...registered, granted])).toBe(true);
    expect(() => given([...registered, granted]).when(grant)).toThrow(
      refusal('ADMINISTRATOR_ROLE_ALREADY_GRANTED', 409),
    );
    expect(given([...registered, granted]).when(revoke)).toEqual([revokedRole]);
    expect(holds([...registered, granted, revokedRole])).toBe(false);
    expect(() => given(registered).when(revoke)).toThrow(refusal('ADMINISTRATOR_ROLE_NOT_GRANTED', 409));
    expect(given([...registered, granted, revokedRole]).when(grant)).toEqual([granted]);
  });

  it('grants no role to a suspended citizen, but revokes it from one', () => {
    expect(() => given([...registered, suspended]).when(grant)).toThrow(refusal('CITIZEN_SUSPENDED', 403));
    expect(given([...registered, granted, suspended]).when(revoke)).toEqual([revokedRole]);
  });
});

describe('the citizen lifecycle (property)', () => {
  const change = fc.oneof(
    fc.record({
      type: fc.constant('EnrolDevice' as const),
      citizenId: fc.constant('c-1'),
      device: fc.integer({ min: 1, max: 6 }).map(device),
      signedBy: fc.option(
        fc.integer({ min: 1, max: 6 }).map((n) => `d-${n}`),
        { nil: undefined },
      ),
    }),
    fc.record({
      type: fc.constant('ReportDeviceLost' as const),
      citizenId: fc.constant('c-1'),
      deviceId: fc.integer({ min: 1, max: 6 }).map((n) => `d-${n}`),
    }),
    fc.constant<CitizenChange>({ type: 'VerifyIdentity', citizenId: 'c-1' }),
    fc.constant<CitizenChange>({ type: 'SuspendCitizen', citizenId: 'c-1', reason: 'legal-order' }),
    fc.constant<CitizenChange>({ type: 'ReinstateCitizen', citizenId: 'c-1', reason: 'legal-order-lifted' }),
  );

  it('keeps at most one active device, never revives a revoked one, never lowers assurance', () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 30 }), (commands) => {
        const history = [...registered];
        const everRevoked = new Set<string>();
        for (const command of commands) {
          const before = fold(citizen, history) as RegisteredCitizen;
          try {
            history.push(...decideCitizen(command, before, now));
          } catch {
            continue;
          }
          const after = fold(citizen, history) as RegisteredCitizen;
          for (const d of after.devices) if (d.status === 'revoked') everRevoked.add(d.deviceId);
          expect(after.devices.filter((d) => d.status === 'active').length).toBeLessThanOrEqual(1);
          expect(after.devices.some((d) => d.status === 'active' && everRevoked.has(d.deviceId))).toBe(false);
          if (before.assuranceLevel === 'plus') expect(after.assuranceLevel).toBe('plus');
        }
      }),
    );
  });
});

describe('HKID claim', () => {
  const claimed = (by: string) =>
    hkidClaim.evolve(hkidClaim.initialState(), decideHkidClaim(hkidClaim.initialState(), by, now)[0]!);

  it('claims a free number for the citizen', () => {
    expect(decideHkidClaim(hkidClaim.initialState(), 'c-1', now)).toEqual([
      { type: 'HkidClaimed', data: { citizenId: 'c-1', claimedAt: at } },
    ]);
  });

  it('is a no-op for the citizen who holds it, and a 409 for anyone else', () => {
    expect(decideHkidClaim(claimed('c-1'), 'c-1', now)).toEqual([]);
    expect(() => decideHkidClaim(claimed('c-1'), 'c-2', now)).toThrow(
      refusal('HKID_ALREADY_REGISTERED', 409),
    );
  });
});
