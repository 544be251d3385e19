import type { ConsentEvent } from '#libs/consent';
import type { DataOf } from './event-data.js';
import { METRICS, type MetricHandler, type MetricHandlers, type MetricName } from './metric-handlers.js';

/** A status transition, counted on the day its event says it happened. */
function transition<T extends ConsentEvent['type']>(
  metric: MetricName,
  at: (data: DataOf<ConsentEvent, T>) => string,
): MetricHandler {
  return (event, batch) => batch.count(metric, at(event.data as DataOf<ConsentEvent, T>));
}

/**
 * Consents by status transition, and exchanges: delivered per provider (dimension) and consumer (detail),
 * refused by reason, failed by reason. Every exchange event carries its provider and consumer, so no table of
 * consents' terms is needed to know them.
 */
export const consentMetricHandlers: MetricHandlers = {
  ConsentRequested: transition<'ConsentRequested'>(METRICS.consentsRequested, (d) => d.requestedAt),
  ConsentApproved: transition<'ConsentApproved'>(METRICS.consentsApproved, (d) => d.approvedAt),
  ConsentRejected: transition<'ConsentRejected'>(METRICS.consentsRejected, (d) => d.rejectedAt),
  ConsentPaused: transition<'ConsentPaused'>(METRICS.consentsPaused, (d) => d.pausedAt),
  ConsentResumed: transition<'ConsentResumed'>(METRICS.consentsResumed, (d) => d.resumedAt),
  ConsentRevoked: transition<'ConsentRevoked'>(METRICS.consentsRevoked, (d) => d.revokedAt),
  ConsentExpired: transition<'ConsentExpired'>(METRICS.consentsExpired, (d) => d.expiredAt),
  DataExchanged: (event, batch) => {
    const data = event.data as DataOf<ConsentEvent, 'DataExchanged'>;
    batch.count(METRICS.exchanges, data.exchangedAt, data.providerId, data.consumerId);
  },
  ExchangeRefused: (event, batch) => {
    const data = event.data as DataOf<ConsentEvent, 'ExchangeRefused'>;
    batch.count(METRICS.exchangesRefused, data.refusedAt, '', data.reason);
  },
  ExchangeFailed: (event, batch) => {
    const data = event.data as DataOf<ConsentEvent, 'ExchangeFailed'>;
    batch.count(METRICS.exchangesFailed, data.failedAt, '', data.reason);
  },
};
