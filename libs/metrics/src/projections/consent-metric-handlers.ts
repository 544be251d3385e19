import type { ConsentEvent } from '#libs/consent';
import type { DataOf } from './event-data.js';
import { METRICS, type MetricHandler, type MetricHandlers, type MetricName } from './metric-handlers.js';

/** A status transition, counted on the day its event says it happened, in all and for the parties' departments. */
function transition<T extends Exclude<ConsentEvent['type'], 'ConsentRequested'>>(
  metric: MetricName,
  at: (data: DataOf<ConsentEvent, T>) => string,
): MetricHandler {
  return (event, batch) => {
    const data = event.data as DataOf<ConsentEvent, T>;
    batch.countForConsent(metric, at(data), data.consentId);
  };
}

/** What metrics read of the gateway's `ParticipantRegistered`. */
type ParticipantRegistered = { participantId: string; department: string };

/**
 * Consents by status transition, and exchanges: delivered per provider and consumer (the detail
 * `provider/consumer`), refused by reason, failed by reason; each in all (`*`) and for the departments of the
 * consumer and the provider (`@DEPT`). Every exchange event carries its provider and consumer; a status change
 * names only its consent, whose parties the request recorded.
 */
export const consentMetricHandlers: MetricHandlers = {
  ParticipantRegistered: (event, batch) => {
    const data = event.data as ParticipantRegistered;
    batch.participant(data.participantId, data.department);
  },
  ConsentRequested: (event, batch) => {
    const { terms, requestedAt } = event.data as DataOf<ConsentEvent, 'ConsentRequested'>;
    batch.consent(terms.consentId, terms.consumerId, terms.providerId);
    batch.countForConsent(METRICS.consentsRequested, requestedAt, terms.consentId);
  },
  ConsentApproved: transition<'ConsentApproved'>(METRICS.consentsApproved, (d) => d.approvedAt),
  ConsentRejected: transition<'ConsentRejected'>(METRICS.consentsRejected, (d) => d.rejectedAt),
  ConsentPaused: transition<'ConsentPaused'>(METRICS.consentsPaused, (d) => d.pausedAt),
  ConsentResumed: transition<'ConsentResumed'>(METRICS.consentsResumed, (d) => d.resumedAt),
  ConsentRevoked: transition<'ConsentRevoked'>(METRICS.consentsRevoked, (d) => d.revokedAt),
  ConsentExpired: transition<'ConsentExpired'>(METRICS.consentsExpired, (d) => d.expiredAt),
  DataExchanged: (event, batch) => {
    const data = event.data as DataOf<ConsentEvent, 'DataExchanged'>;
    batch.countForParticipants(
      METRICS.exchanges,
      data.exchangedAt,
      [data.consumerId, data.providerId],
      exchangeDetail(data.providerId, data.consumerId),
    );
  },
  ExchangeRefused: (event, batch) => {
    const data = event.data as DataOf<ConsentEvent, 'ExchangeRefused'>;
    batch.countForParticipants(
      METRICS.exchangesRefused,
      data.refusedAt,
      [data.consumerId, data.providerId],
      data.reason,
    );
  },
  ExchangeFailed: (event, batch) => {
    const data = event.data as DataOf<ConsentEvent, 'ExchangeFailed'>;
    batch.countForParticipants(
      METRICS.exchangesFailed,
      data.failedAt,
      [data.consumerId, data.providerId],
      data.reason,
    );
  },
};

/** Participant ids are slugs, so a slash parts them unambiguously. */
export const exchangeDetail = (providerId: string, consumerId: string): string =>
  `${providerId}/${consumerId}`;
