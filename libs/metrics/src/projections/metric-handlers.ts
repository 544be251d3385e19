import type { RecordedEvent } from '#libs/event-store';
import type { MetricBatch } from './metric-batch.js';

/**
 * How one event type moves the adoption counters. Each context contributes its own handlers (identity, oidc,
 * corporate, consent), so a new context adds a module here, not a branch in a switch.
 */
export type MetricHandler = (event: RecordedEvent, batch: MetricBatch) => void;
export type MetricHandlers = Readonly<Record<string, MetricHandler>>;

/** The counters the API and the dashboard read: names are stable, they appear in URLs and CSV files. */
export const METRICS = {
  citizensRegistered: 'citizens-registered',
  identityVerified: 'identity-verified',
  loginRequests: 'login-requests',
  logins: 'logins',
  loginFailures: 'login-failures',
  claimsReleased: 'claims-released',
  eservicesRegistered: 'eservices-registered',
  /** Distinct citizens per day, ISO week or month: the dimension names which. */
  activeCitizens: 'active-citizens',
  corporationsRegistered: 'corporations-registered',
  corporationsSuspended: 'corporations-suspended',
  corporationsDissolved: 'corporations-dissolved',
  /** Dimension: the role. */
  representativesAppointed: 'representatives-appointed',
  representativesRevoked: 'representatives-revoked',
  /** Representative signatures; dimension: the signer's role. */
  signatures: 'signatures',
  /** Seal signatures the platform timestamped. */
  sealsTimestamped: 'seals-timestamped',
  /** Signature validations; dimension: the indication, detail: the sub-indication (empty for TOTAL_PASSED). */
  signatureVerifications: 'signature-verifications',
  consentsRequested: 'consents-requested',
  consentsApproved: 'consents-approved',
  consentsRejected: 'consents-rejected',
  consentsPaused: 'consents-paused',
  consentsResumed: 'consents-resumed',
  consentsRevoked: 'consents-revoked',
  consentsExpired: 'consents-expired',
  /** Data delivered; detail: `provider/consumer`. */
  exchanges: 'exchanges',
  /** Detail: the refusal's code. */
  exchangesRefused: 'exchanges-refused',
  /** Detail: why the provider's answer was not delivered. */
  exchangesFailed: 'exchanges-failed',
} as const;
export type MetricName = (typeof METRICS)[keyof typeof METRICS];
export const METRIC_NAMES = Object.values(METRICS);

/**
 * The counters kept in all (dimension `*`) and per department (`@DEPT`): those of e-services (their owner's
 * department) and of consents and exchanges (the consumer's and the provider's departments). A department filter
 * applies to these; every other counter is platform-wide, for the log does not say whose department it is.
 */
export const BY_DEPARTMENT: ReadonlySet<string> = new Set([
  METRICS.logins,
  METRICS.loginFailures,
  METRICS.claimsReleased,
  METRICS.eservicesRegistered,
  METRICS.consentsRequested,
  METRICS.consentsApproved,
  METRICS.consentsRejected,
  METRICS.consentsPaused,
  METRICS.consentsResumed,
  METRICS.consentsRevoked,
  METRICS.consentsExpired,
  METRICS.exchanges,
  METRICS.exchangesRefused,
  METRICS.exchangesFailed,
]);
