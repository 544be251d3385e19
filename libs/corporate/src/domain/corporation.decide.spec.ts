import { describe, expect, it } from '@jest/globals';
import type { DomainEvent } from '#libs/eventsourcing';
import { decideCorporation, type CorporationCommand, type NewSigningKey } from './corporation.decide.js';
import type { CorporationEvent } from './corporation.events.js';
import { corporation, termAt, type Corporation, type RegisteredCorporation } from './corporation.state.js';

const t0 = new Date('2026-05-01T09:00:00.000Z');
const later = (hours: number) => new Date(t0.getTime() + hours * 3_600_000);
const fold = (events: readonly DomainEvent[]): Corporation =>
  events.reduce((s, e) => corporation.evolve(s, e as CorporationEvent), corporation.initialState());

const register: CorporationCommand = {
  type: 'RegisterCorporation',
  corporationId: '12345678',
  brNumber: '12345678',
  crNumber: '1234567',
  nameEn: 'Harbour Trading Limited',
};
const key = (kid: string): NewSigningKey => ({
  kid,
  usage: 'seal',
  publicJwk: { kty: 'EC', crv: 'P-256', x: kid, y: kid },
  algorithms: ['ES256'],
});
const registered = decideCorporation(register, corporation.initialState(), t0);
const appoint = (citizenId: string, extra: Partial<CorporationCommand> = {}): CorporationCommand =>
  ({
    type: 'AppointRepresentative',
    corporationId: '12345678',
    appointmentId: `a-${citizenId}`,
    citizenId,
    role: 'authorised-signatory',
    eservices: ['etax'],
    ...extra,
  }) as CorporationCommand;

/** given(events).when(command, at) */
const given = (...history: CorporationEvent[][]) => {
  const events = history.flat();
  return {
    when: (command: CorporationCommand, at = later(1)) => decideCorporation(command, fold(events), at),
    state: () => fold(events) as RegisteredCorporation,
  };
};

describe('decideCorporation', () => {
  it('registers once', () => {
    const { type: _type, ...identity } = register as Extract<
      CorporationCommand,
      { type: 'RegisterCorporation' }
    >;
    expect(registered).toEqual([
      { type: 'CorporationRegistered', data: { ...identity, registeredAt: t0.toISOString() } },
    ]);
    expect(() => given(registered).when(register)).toThrow(
      expect.objectContaining({ code: 'CORPORATION_ALREADY_REGISTERED' }),
    );
  });

  it('refuses every change to an unknown corporation', () => {
    expect(() => given().when(appoint('c1'))).toThrow(
      expect.objectContaining({ code: 'CORPORATION_NOT_FOUND', status: 404 }),
    );
  });

  it('suspends, reinstates, dissolves; a dissolved corporation takes no appointment or key', () => {
    const suspended = given(registered).when({ type: 'SuspendCorporation', corporationId: '12345678' });
    expect(() =>
      given(registered, suspended).when({ type: 'SuspendCorporation', corporationId: '12345678' }),
    ).toThrow(expect.objectContaining({ code: 'CORPORATION_ALREADY_SUSPENDED' }));
    const dissolved = given(registered).when({ type: 'DissolveCorporation', corporationId: '12345678' });
    for (const command of [
      appoint('c1'),
      { type: 'RegisterSigningKey', corporationId: '12345678', key: key('k1') } as CorporationCommand,
      { type: 'ReinstateCorporation', corporationId: '12345678' } as CorporationCommand,
    ]) {
      expect(() => given(registered, dissolved).when(command)).toThrow(
        expect.objectContaining({ code: 'CORPORATION_DISSOLVED' }),
      );
    }
  });

  it('appoints a citizen once at a time, with a window that ends after it starts', () => {
    const appointed = given(registered).when(appoint('c1'));
    expect(appointed[0]).toMatchObject({
      type: 'RepresentativeAppointed',
      data: { validFrom: later(1).toISOString() },
    });
    expect(() => given(registered, appointed).when(appoint('c1', { appointmentId: 'a-2' } as never))).toThrow(
      expect.objectContaining({ code: 'ALREADY_APPOINTED' }),
    );
    expect(() => given(registered).when(appoint('c2', { validUntil: t0.toISOString() } as never))).toThrow(
      expect.objectContaining({ code: 'VALIDITY_WINDOW_INVALID' }),
    );
  });

  it('keeps the terms of an appointment as they were at each time', () => {
    const appointed = given(registered).when(appoint('c1'), later(1));
    const changed = given(registered, appointed).when(
      { type: 'ChangeAppointment', corporationId: '12345678', appointmentId: 'a-c1', role: 'user' },
      later(3),
    );
    const revoked = given(registered, appointed, changed).when(
      { type: 'RevokeAppointment', corporationId: '12345678', appointmentId: 'a-c1', reason: 'left' },
      later(5),
    );
    const appointment = given(registered, appointed, changed, revoked).state().appointments.get('a-c1')!;
    expect(termAt(appointment, later(0).toISOString())).toBeUndefined();
    expect(termAt(appointment, later(2).toISOString())?.role).toBe('authorised-signatory');
    expect(termAt(appointment, later(4).toISOString())?.role).toBe('user');
    expect(termAt(appointment, later(5).toISOString())).toBeUndefined();
  });

  it('writes nothing for a change that changes nothing', () => {
    const appointed = given(registered).when(appoint('c1'));
    expect(
      given(registered, appointed).when({
        type: 'ChangeAppointment',
        corporationId: '12345678',
        appointmentId: 'a-c1',
        role: 'authorised-signatory',
        eservices: ['etax'],
      }),
    ).toEqual([]);
  });

  it('rotates a usable key into its successor in one write, and not twice', () => {
    const k1 = given(registered).when({
      type: 'RegisterSigningKey',
      corporationId: '12345678',
      key: key('k1'),
    });
    const rotate = {
      type: 'RotateSigningKey',
      corporationId: '12345678',
      kid: 'k1',
      successor: key('k2'),
    } as const;
    const rotated = given(registered, k1).when(rotate, later(2));
    expect(rotated.map((e) => e.type)).toEqual(['SigningKeyRegistered', 'SigningKeyRotated']);
    expect(() => given(registered, k1, rotated).when({ ...rotate, successor: key('k3') })).toThrow(
      expect.objectContaining({ code: 'SIGNING_KEY_NOT_USABLE' }),
    );
  });

  it('records a compromise from a time no later than now, and only for a compromise', () => {
    const k1 = given(registered).when({
      type: 'RegisterSigningKey',
      corporationId: '12345678',
      key: key('k1'),
    });
    const revoke = { type: 'RevokeSigningKey', corporationId: '12345678', kid: 'k1' } as const;
    expect(given(registered, k1).when({ ...revoke, reason: 'compromised' }, later(2))[0]).toMatchObject({
      data: { compromisedSince: later(2).toISOString(), revokedAt: later(2).toISOString() },
    });
    expect(() =>
      given(registered, k1).when(
        { ...revoke, reason: 'compromised', compromisedSince: later(3).toISOString() },
        later(2),
      ),
    ).toThrow(expect.objectContaining({ code: 'COMPROMISE_IN_FUTURE' }));
    expect(() =>
      given(registered, k1).when(
        { ...revoke, reason: 'superseded', compromisedSince: t0.toISOString() },
        later(2),
      ),
    ).toThrow(expect.objectContaining({ code: 'COMPROMISE_TIME_WITHOUT_COMPROMISE' }));
    const revoked = given(registered, k1).when({ ...revoke, reason: 'other' });
    expect(() => given(registered, k1, revoked).when({ ...revoke, reason: 'other' })).toThrow(
      expect.objectContaining({ code: 'SIGNING_KEY_ALREADY_REVOKED' }),
    );
  });

  it('never dates a key before its registration', () => {
    const [event] = given(registered).when(
      {
        type: 'RegisterSigningKey',
        corporationId: '12345678',
        key: { ...key('k1'), validFrom: t0.toISOString() },
      },
      later(1),
    );
    expect(event!.data).toMatchObject({ validFrom: later(1).toISOString() });
  });
});
