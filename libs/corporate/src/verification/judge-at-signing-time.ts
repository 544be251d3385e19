import { SIGNING_ROLES } from '../domain/corporation.events.js';
import {
  statusAt,
  termAt,
  type Appointment,
  type RegisteredCorporation,
  type SigningKey,
} from '../domain/corporation.state.js';
import type { Check, Indication, SubIndication } from './validation-report.js';

export interface Judgement {
  readonly indication: Indication;
  readonly subIndication?: SubIndication;
  readonly checks: readonly Check[];
}

/**
 * Whether the corporation and its key could sign at `at`, from their dated history. With a proof of existence
 * (`proven`: the platform's timestamp), `at` is the signing time and a failure is final. Without one, `at` is
 * the validation time: the signature may be older than a revocation we see now, so such a failure is
 * INDETERMINATE (REVOKED_NO_POE, OUT_OF_BOUNDS_NO_POE) rather than TOTAL_FAILED.
 */
export function judgeAtSigningTime(
  corporation: RegisteredCorporation,
  key: SigningKey,
  at: string,
  proven: boolean,
): Judgement {
  const checks: Check[] = [];
  const failed = (check: Check, withPoe: SubIndication, withoutPoe: SubIndication): Judgement => ({
    indication: proven ? 'TOTAL_FAILED' : 'INDETERMINATE',
    subIndication: proven ? withPoe : withoutPoe,
    checks: [...checks, check],
  });

  const untrustedFrom = key.revocation && (key.revocation.compromisedSince ?? key.revocation.revokedAt);
  if (untrustedFrom !== undefined && untrustedFrom <= at) {
    const compromised = key.revocation?.reason === 'compromised';
    return failed(
      {
        name: 'key-not-revoked-at-signing-time',
        result: proven ? 'FAILED' : 'INDETERMINATE',
        detail: compromised
          ? `the key is compromised since ${untrustedFrom}`
          : `the key was revoked at ${untrustedFrom}`,
      },
      'REVOKED',
      'REVOKED_NO_POE',
    );
  }
  checks.push({ name: 'key-not-revoked-at-signing-time', result: 'PASSED' });

  if (at < key.validFrom) {
    // Not a question of proof: nothing signed before now can be signed after a later start.
    return {
      indication: 'TOTAL_FAILED',
      subIndication: 'NOT_YET_VALID',
      checks: [
        ...checks,
        {
          name: 'key-validity-at-signing-time',
          result: 'FAILED',
          detail: `the key is valid from ${key.validFrom}`,
        },
      ],
    };
  }
  const ends = [key.validUntil, key.rotatedAt].filter((t): t is string => t !== undefined).sort()[0];
  if (ends !== undefined && ends <= at) {
    return failed(
      {
        name: 'key-validity-at-signing-time',
        result: proven ? 'FAILED' : 'INDETERMINATE',
        detail: `the key ${key.rotatedAt === ends ? 'was rotated' : 'expired'} at ${ends}`,
      },
      'EXPIRED',
      'OUT_OF_BOUNDS_NO_POE',
    );
  }
  checks.push({ name: 'key-validity-at-signing-time', result: 'PASSED' });

  return corporationAtSigningTime(corporation, at, proven, checks);
}

/**
 * Whether the representative's appointment let them sign at `at`, the time the platform recorded (so always
 * proven): a revoked or ended appointment, or a role that may not sign, fails.
 */
export function judgeRepresentativeAtSigningTime(
  corporation: RegisteredCorporation,
  appointment: Appointment,
  at: string,
): Judgement {
  const name = 'representative-appointment-at-signing-time';
  const term = termAt(appointment, at);
  if (!term) {
    const revoked = appointment.revokedAt !== undefined && appointment.revokedAt <= at;
    return {
      indication: 'TOTAL_FAILED',
      subIndication: revoked ? 'REVOKED' : at < appointment.validFrom ? 'NOT_YET_VALID' : 'EXPIRED',
      checks: [
        {
          name,
          result: 'FAILED',
          detail: revoked ? 'the appointment was revoked' : 'the appointment was not in force',
        },
      ],
    };
  }
  if (!SIGNING_ROLES.includes(term.role)) {
    return {
      indication: 'INDETERMINATE',
      subIndication: 'SIG_CONSTRAINTS_FAILURE',
      checks: [{ name, result: 'FAILED', detail: `a ${term.role} may not sign` }],
    };
  }
  return corporationAtSigningTime(corporation, at, true, [{ name, result: 'PASSED' }]);
}

function corporationAtSigningTime(
  corporation: RegisteredCorporation,
  at: string,
  proven: boolean,
  checks: readonly Check[],
): Judgement {
  const status = statusAt(corporation, at);
  if (status !== 'active') {
    const detail =
      status === undefined ? 'the corporation was not yet registered' : `the corporation was ${status}`;
    return {
      indication: proven ? 'TOTAL_FAILED' : 'INDETERMINATE',
      subIndication: proven ? 'REVOKED' : 'REVOKED_NO_POE',
      checks: [
        ...checks,
        { name: 'corporation-status-at-signing-time', result: proven ? 'FAILED' : 'INDETERMINATE', detail },
      ],
    };
  }
  return {
    indication: 'TOTAL_PASSED',
    checks: [...checks, { name: 'corporation-status-at-signing-time', result: 'PASSED' }],
  };
}
