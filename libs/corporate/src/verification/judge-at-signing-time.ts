import { statusAt, type RegisteredCorporation, type SigningKey } from '../domain/corporation.state.js';
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

  const status = statusAt(corporation, at);
  if (status !== 'active') {
    const why =
      status === undefined ? 'the corporation was not yet registered' : `the corporation was ${status}`;
    return failed(
      {
        name: 'corporation-status-at-signing-time',
        result: proven ? 'FAILED' : 'INDETERMINATE',
        detail: why,
      },
      'REVOKED',
      'REVOKED_NO_POE',
    );
  }
  checks.push({ name: 'corporation-status-at-signing-time', result: 'PASSED' });
  return { indication: 'TOTAL_PASSED', checks };
}
