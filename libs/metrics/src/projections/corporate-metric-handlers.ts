import type { CorporationEvent, SignatureTimestampEvent, ValidationTallyEvent } from '#libs/corporate';
import type { DataOf } from './event-data.js';
import { METRICS, type MetricHandlers } from './metric-handlers.js';

/**
 * Corporations registered, suspended and dissolved, representatives appointed (by role) and revoked,
 * representative signatures (by role), seal signatures timestamped by the platform, and signature validations
 * by result. A seal signs outside the platform: the log knows of it once the platform timestamps it.
 */
export const corporateMetricHandlers: MetricHandlers = {
  CorporationRegistered: (event, batch) => {
    const data = event.data as DataOf<CorporationEvent, 'CorporationRegistered'>;
    batch.count(METRICS.corporationsRegistered, data.registeredAt);
  },
  CorporationSuspended: (event, batch) => {
    const data = event.data as DataOf<CorporationEvent, 'CorporationSuspended'>;
    batch.count(METRICS.corporationsSuspended, data.suspendedAt);
  },
  CorporationDissolved: (event, batch) => {
    const data = event.data as DataOf<CorporationEvent, 'CorporationDissolved'>;
    batch.count(METRICS.corporationsDissolved, data.dissolvedAt);
  },
  RepresentativeAppointed: (event, batch) => {
    const data = event.data as DataOf<CorporationEvent, 'RepresentativeAppointed'>;
    batch.count(METRICS.representativesAppointed, data.appointedAt, data.role);
  },
  AppointmentRevoked: (event, batch) => {
    const data = event.data as DataOf<CorporationEvent, 'AppointmentRevoked'>;
    batch.count(METRICS.representativesRevoked, data.revokedAt);
  },
  SignedByRepresentative: (event, batch) => {
    const data = event.data as DataOf<CorporationEvent, 'SignedByRepresentative'>;
    batch.count(METRICS.signatures, data.signedAt, data.role);
  },
  SignatureTimestamped: (event, batch) => {
    const data = event.data as DataOf<SignatureTimestampEvent, 'SignatureTimestamped'>;
    batch.count(METRICS.sealsTimestamped, data.genTime);
  },
  /** Counted on the day the tally closed: a tally spans 10 s, so a midnight shifts a few validations at most. */
  SignatureValidationsTallied: (event, batch) => {
    const data = event.data as DataOf<ValidationTallyEvent, 'SignatureValidationsTallied'>;
    for (const { indication, subIndication, count } of data.counts)
      batch.count(METRICS.signatureVerifications, data.to, indication, subIndication ?? '', count);
  },
};
