import { describe, expect, it } from '@jest/globals';
import type { Appointment, RegisteredCorporation, SigningKey } from '../domain/corporation.state.js';
import { judgeAtSigningTime, judgeRepresentativeAtSigningTime } from './judge-at-signing-time.js';

const at = (hour: number) => new Date(Date.UTC(2026, 4, 1, hour)).toISOString();
const key: SigningKey = {
  kid: 'k1',
  usage: 'seal',
  publicJwk: {},
  algorithms: ['ES256'],
  validFrom: at(1),
  registeredAt: at(1),
};
const corp = (history: RegisteredCorporation['statusHistory'] = [{ status: 'active', since: at(0) }]) =>
  ({
    corporationId: '1',
    status: history[history.length - 1]!.status,
    statusHistory: history,
  }) as RegisteredCorporation;

const verdict = (k: SigningKey, t: string, proven: boolean, c = corp()) => {
  const { indication, subIndication } = judgeAtSigningTime(c, k, t, proven);
  return [indication, subIndication];
};

describe('judgeAtSigningTime', () => {
  it('passes a key in its window, at an active corporation', () => {
    expect(verdict(key, at(2), true)).toEqual(['TOTAL_PASSED', undefined]);
    expect(verdict(key, at(2), false)).toEqual(['TOTAL_PASSED', undefined]);
  });

  it('fails a signature before the key was valid, proof or not', () => {
    expect(verdict(key, at(0), true)).toEqual(['TOTAL_FAILED', 'NOT_YET_VALID']);
    expect(verdict(key, at(0), false)).toEqual(['TOTAL_FAILED', 'NOT_YET_VALID']);
  });

  it('keeps a signature proven before a revocation, fails one proven after, is indeterminate without proof', () => {
    const revoked = { ...key, revocation: { reason: 'superseded' as const, revokedAt: at(5) } };
    expect(verdict(revoked, at(4), true)).toEqual(['TOTAL_PASSED', undefined]);
    expect(verdict(revoked, at(5), true)).toEqual(['TOTAL_FAILED', 'REVOKED']);
    expect(verdict(revoked, at(6), false)).toEqual(['INDETERMINATE', 'REVOKED_NO_POE']);
  });

  it('distrusts a compromised key from the compromise on, not from the revocation', () => {
    const compromised = {
      ...key,
      revocation: { reason: 'compromised' as const, revokedAt: at(8), compromisedSince: at(3) },
    };
    expect(verdict(compromised, at(2), true)).toEqual(['TOTAL_PASSED', undefined]);
    expect(verdict(compromised, at(4), true)).toEqual(['TOTAL_FAILED', 'REVOKED']);
  });

  it('ends a key at its expiry or rotation, whichever comes first', () => {
    const rotated = { ...key, validUntil: at(9), rotatedAt: at(6) };
    expect(verdict(rotated, at(5), true)).toEqual(['TOTAL_PASSED', undefined]);
    expect(verdict(rotated, at(7), true)).toEqual(['TOTAL_FAILED', 'EXPIRED']);
    expect(verdict(rotated, at(7), false)).toEqual(['INDETERMINATE', 'OUT_OF_BOUNDS_NO_POE']);
  });

  it('fails what a corporation signs while suspended or once dissolved', () => {
    const history = [
      { status: 'active' as const, since: at(0) },
      { status: 'suspended' as const, since: at(3) },
      { status: 'active' as const, since: at(4) },
      { status: 'dissolved' as const, since: at(6) },
    ];
    expect(verdict(key, at(2), true, corp(history))).toEqual(['TOTAL_PASSED', undefined]);
    expect(verdict(key, at(3), true, corp(history))).toEqual(['TOTAL_FAILED', 'REVOKED']);
    expect(verdict(key, at(5), true, corp(history))).toEqual(['TOTAL_PASSED', undefined]);
    expect(verdict(key, at(7), true, corp(history))).toEqual(['TOTAL_FAILED', 'REVOKED']);
    expect(verdict(key, at(7), false, corp(history))).toEqual(['INDETERMINATE', 'REVOKED_NO_POE']);
  });
});

describe('judgeRepresentativeAtSigningTime', () => {
  const appointment = (extra: Partial<Appointment> = {}): Appointment => ({
    appointmentId: 'a1',
    citizenId: 'c1',
    validFrom: at(1),
    terms: [
      { since: at(1), role: 'authorised-signatory', eservices: ['*'], validUntil: at(8) },
      { since: at(4), role: 'user', eservices: ['*'], validUntil: at(8) },
    ],
    ...extra,
  });
  const verdictOf = (a: Appointment, t: string) => {
    const { indication, subIndication } = judgeRepresentativeAtSigningTime(corp(), a, t);
    return [indication, subIndication];
  };

  it('passes a signatory in force, with the role they held then', () => {
    expect(verdictOf(appointment(), at(2))).toEqual(['TOTAL_PASSED', undefined]);
    expect(verdictOf(appointment(), at(5))).toEqual(['INDETERMINATE', 'SIG_CONSTRAINTS_FAILURE']);
  });

  it('fails an appointment not yet started, ended or revoked at the signing time', () => {
    expect(verdictOf(appointment(), at(0))).toEqual(['TOTAL_FAILED', 'NOT_YET_VALID']);
    expect(verdictOf(appointment(), at(9))).toEqual(['TOTAL_FAILED', 'EXPIRED']);
    expect(verdictOf(appointment({ revokedAt: at(2) }), at(3))).toEqual(['TOTAL_FAILED', 'REVOKED']);
  });
});
