import type { DomainEvent } from '#libs/eventsourcing';
import type { Indication, SubIndication } from '../verification/validation-report.js';

export type ValidationCount = {
  indication: Indication;
  /** `null` for TOTAL_PASSED, which needs no reason. */
  subIndication: SubIndication | null;
  count: number;
};

/**
 * How many signature validations gave each result between `from` and `to`. Validations are reads: recording
 * one event per validation would make every read a write, so they are counted in memory and tallied.
 */
export type SignatureValidationsTallied = DomainEvent<
  'SignatureValidationsTallied',
  { from: string; to: string; counts: ValidationCount[] }
>;

export type ValidationTallyEvent = SignatureValidationsTallied;

/** One stream a day, so that no stream grows without end. */
export const validationTallyStream = (day: string): string => `corporateValidations-${day}`;
