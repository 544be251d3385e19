import type { RecordedEvent } from '#libs/event-store';
import type { MetricBatch } from './metric-batch.js';

/**
 * How one event type moves the adoption counters. Each context contributes its own handlers (identity, oidc;
 * corporate and consent when their events exist), so a new context adds a module here, not a branch in a switch.
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
} as const;
export type MetricName = (typeof METRICS)[keyof typeof METRICS];
export const METRIC_NAMES = Object.values(METRICS);
