import { DomainError } from '#libs/errors';
import { PERIODS, type ConsentTerms, type DataRange } from './consent-terms.js';
import type { ConsentEvent, ExchangeAttempt } from './consent.events.js';
import type { Consent, RequestedConsent } from './consent.state.js';

/** What the catalogue says of the dataset a consent is asked for (undefined: no such dataset). */
export type DatasetEntry = {
  readonly datasetId: string;
  readonly providerId: string;
  readonly items: readonly string[];
  /** The consumers allowed to ask for it; `undefined`: every registered consumer. */
  readonly allowedConsumers?: readonly string[];
};

export interface RequestConsent {
  readonly type: 'RequestConsent';
  readonly terms: ConsentTerms;
  readonly dataset: DatasetEntry | undefined;
}

/** The citizen acting from the app, once their device's signature proved it. */
export interface CitizenSigner {
  readonly citizenId: string;
  readonly deviceId: string;
}

export interface ApproveConsent extends CitizenSigner {
  readonly type: 'ApproveConsent';
  readonly termsHash: string;
  readonly artefact: string;
}

export interface ChangeConsent extends CitizenSigner {
  readonly type: 'RejectConsent' | 'PauseConsent' | 'ResumeConsent' | 'RevokeConsent';
}

/** Time ran out: written by whoever notices first (an exchange, the citizen, the expiry sweep). */
export interface ExpireConsent {
  readonly type: 'ExpireConsent';
}

/** What a consumer asks for under a consent; items and range default to the whole of the consent's. */
export type ExchangeRequest = {
  readonly exchangeId: string;
  readonly consumerId: string;
  readonly datasetId: string;
  readonly items?: readonly string[];
  readonly dataRange?: DataRange;
};

/** Before the provider is called: refused (events to write), or allowed (nothing to write). */
export interface AttemptExchange {
  readonly type: 'AttemptExchange';
  readonly request: ExchangeRequest;
}

/** After the provider answered: the consent is checked again, as it may have changed meanwhile. */
export interface RecordExchange {
  readonly type: 'RecordExchange';
  readonly request: ExchangeRequest;
  readonly result:
    | { readonly kind: 'delivered'; readonly payloadHash: string; readonly payloadSize: number }
    | { readonly kind: 'failed'; readonly reason: string };
}

export type ConsentCommand =
  RequestConsent | ApproveConsent | ChangeConsent | ExpireConsent | AttemptExchange | RecordExchange;

/** Why an exchange is refused: the problem the consumer gets, and the reason the log keeps. */
export const EXCHANGE_REFUSALS = {
  CONSENT_NOT_FOUND: [404, 'no such consent for this consumer'],
  CONSENT_NOT_ACTIVE: [403, 'the consent is not active'],
  CONSENT_EXPIRED: [403, 'the consent has expired'],
  CONSENT_NOT_YET_VALID: [403, 'the consent is not valid yet'],
  DATASET_NOT_COVERED: [403, 'the consent does not cover this dataset'],
  ITEMS_NOT_COVERED: [403, 'the consent does not cover every item asked for'],
  DATA_RANGE_NOT_COVERED: [403, "the date range asked for is outside the consent's"],
  FREQUENCY_EXCEEDED: [429, 'the consent allows no further fetch in this period'],
} as const satisfies Record<string, readonly [number, string]>;
export type ExchangeRefusal = keyof typeof EXCHANGE_REFUSALS;

export const exchangeRefused = (reason: ExchangeRefusal, consentId: string): DomainError =>
  new DomainError(
    reason,
    `${EXCHANGE_REFUSALS[reason][1]} (consent ${consentId})`,
    EXCHANGE_REFUSALS[reason][0],
  );

export const consentNotFound = (consentId: string): DomainError =>
  new DomainError('CONSENT_NOT_FOUND', `no consent ${consentId}`, 404);

const expired = (state: RequestedConsent, now: Date): boolean =>
  now.getTime() >= Date.parse(state.terms.expiresAt);

export function decideConsent(command: ConsentCommand, state: Consent, now: Date): ConsentEvent[] {
  const at = now.toISOString();
  if (command.type === 'RequestConsent') {
    if (state.status !== 'NONE') {
      throw new DomainError('CONSENT_ALREADY_EXISTS', `consent ${command.terms.consentId} exists`, 409);
    }
    checkRequest(command, now);
    return [{ type: 'ConsentRequested', data: { terms: command.terms, requestedAt: at } }];
  }
  if (state.status === 'NONE') throw new DomainError('CONSENT_NOT_FOUND', 'no such consent', 404);
  const { consentId } = state.terms;
  const expiry = (): ConsentEvent[] => [{ type: 'ConsentExpired', data: { consentId, expiredAt: at } }];
  const lapsed = (state.status === 'ACTIVE' || state.status === 'PAUSED') && expired(state, now);

  switch (command.type) {
    case 'ExpireConsent':
      return lapsed ? expiry() : [];
    case 'AttemptExchange': {
      const refusal = refusalOf(state, command.request, now);
      return refusal ? refuse(state, command.request, refusal, at, lapsed) : [];
    }
    case 'RecordExchange': {
      const refusal = refusalOf(state, command.request, now);
      if (refusal) return refuse(state, command.request, refusal, at, lapsed);
      const attempt = attemptOf(state, command.request);
      const { result } = command;
      return result.kind === 'delivered'
        ? [
            {
              type: 'DataExchanged',
              data: {
                ...attempt,
                payloadHash: result.payloadHash,
                payloadSize: result.payloadSize,
                exchangedAt: at,
              },
            },
          ]
        : [{ type: 'ExchangeFailed', data: { ...attempt, reason: result.reason, failedAt: at } }];
    }
  }

  // From here on the citizen acts: a consent of someone else is as good as unknown to them.
  if (command.citizenId !== state.terms.citizenId) throw consentNotFound(consentId);
  const { deviceId } = command;
  const notIn = (code: string, wanted: string) =>
    new DomainError(code, `consent ${consentId} is ${state.status}, not ${wanted}`, 409);
  switch (command.type) {
    case 'ApproveConsent':
    case 'RejectConsent':
      if (state.status !== 'PENDING') throw notIn('CONSENT_NOT_PENDING', 'PENDING');
      if (expired(state, now)) {
        throw new DomainError('CONSENT_EXPIRED', `consent ${consentId} expired before it was answered`, 409);
      }
      if (command.type === 'ApproveConsent') {
        const { termsHash, artefact } = command;
        return [
          { type: 'ConsentApproved', data: { consentId, deviceId, termsHash, artefact, approvedAt: at } },
        ];
      }
      return [{ type: 'ConsentRejected', data: { consentId, deviceId, rejectedAt: at } }];
    case 'PauseConsent':
      if (lapsed) return expiry();
      if (state.status !== 'ACTIVE') throw notIn('CONSENT_NOT_ACTIVE', 'ACTIVE');
      return [{ type: 'ConsentPaused', data: { consentId, deviceId, pausedAt: at } }];
    case 'ResumeConsent':
      if (lapsed) return expiry();
      if (state.status !== 'PAUSED') throw notIn('CONSENT_NOT_PAUSED', 'PAUSED');
      return [{ type: 'ConsentResumed', data: { consentId, deviceId, resumedAt: at } }];
    case 'RevokeConsent':
      if (lapsed) return expiry();
      if (state.status !== 'ACTIVE' && state.status !== 'PAUSED')
        throw notIn('CONSENT_NOT_ACTIVE', 'ACTIVE or PAUSED');
      return [{ type: 'ConsentRevoked', data: { consentId, deviceId, revokedAt: at } }];
  }
}

function checkRequest({ terms, dataset }: RequestConsent, now: Date): void {
  if (!dataset || dataset.datasetId !== terms.datasetId) {
    throw new DomainError('DATASET_NOT_FOUND', `no dataset ${terms.datasetId} in the catalogue`, 404);
  }
  if (dataset.allowedConsumers && !dataset.allowedConsumers.includes(terms.consumerId)) {
    throw new DomainError(
      'CONSUMER_NOT_ALLOWED',
      `consumer ${terms.consumerId} may not ask for dataset ${dataset.datasetId}`,
      403,
    );
  }
  const unknown = terms.items.filter((item) => !dataset.items.includes(item));
  if (terms.items.length === 0 || unknown.length > 0 || new Set(terms.items).size !== terms.items.length) {
    throw new DomainError(
      'ITEMS_NOT_IN_CATALOGUE',
      `items must be distinct items of dataset ${dataset.datasetId}: ${dataset.items.join(', ')}`,
      400,
    );
  }
  const validFrom = Date.parse(terms.validFrom);
  const expiresAt = Date.parse(terms.expiresAt);
  if (!(expiresAt > now.getTime())) {
    throw new DomainError('CONSENT_EXPIRY_IN_PAST', 'expiresAt must be in the future', 400);
  }
  if (!(validFrom < expiresAt)) {
    throw new DomainError('CONSENT_VALIDITY_INVALID', 'validFrom must be before expiresAt', 400);
  }
  if (terms.dataRange.from > terms.dataRange.to) {
    throw new DomainError('DATA_RANGE_INVALID', 'dataRange.from must not be after dataRange.to', 400);
  }
}

/** Why this exchange may not happen now under this consent, or undefined when it may. */
export function refusalOf(
  state: RequestedConsent,
  request: ExchangeRequest,
  now: Date,
): ExchangeRefusal | undefined {
  const { terms } = state;
  if (request.consumerId !== terms.consumerId) return 'CONSENT_NOT_FOUND';
  if (state.status === 'EXPIRED') return 'CONSENT_EXPIRED';
  if (state.status !== 'ACTIVE') return 'CONSENT_NOT_ACTIVE';
  if (expired(state, now)) return 'CONSENT_EXPIRED';
  if (now.getTime() < Date.parse(terms.validFrom)) return 'CONSENT_NOT_YET_VALID';
  if (request.datasetId !== terms.datasetId) return 'DATASET_NOT_COVERED';
  if (request.items && (request.items.length === 0 || !request.items.every((i) => terms.items.includes(i)))) {
    return 'ITEMS_NOT_COVERED';
  }
  const range = request.dataRange;
  if (
    range &&
    !(range.from <= range.to && range.from >= terms.dataRange.from && range.to <= terms.dataRange.to)
  ) {
    return 'DATA_RANGE_NOT_COVERED';
  }
  if (deliveriesInWindow(state, now) >= allowance(terms)) return 'FREQUENCY_EXCEEDED';
  return undefined;
}

const allowance = (terms: ConsentTerms): number =>
  terms.frequency.mode === 'once' ? 1 : terms.frequency.maxFetches;

/** A one-time consent counts every delivery ever; a periodic one those in the last period. */
function deliveriesInWindow(state: RequestedConsent, now: Date): number {
  const { frequency } = state.terms;
  if (frequency.mode === 'once') return state.deliveries.length;
  const since = now.getTime() - PERIODS[frequency.per];
  return state.deliveries.filter((at) => Date.parse(at) > since).length;
}

function attemptOf(state: RequestedConsent, request: ExchangeRequest): ExchangeAttempt {
  const { terms } = state;
  return {
    exchangeId: request.exchangeId,
    consentId: terms.consentId,
    citizenId: terms.citizenId,
    consumerId: request.consumerId,
    providerId: terms.providerId,
    datasetId: request.datasetId,
    items: [...(request.items ?? terms.items)],
    dataRange: request.dataRange ?? terms.dataRange,
  };
}

function refuse(
  state: RequestedConsent,
  request: ExchangeRequest,
  reason: ExchangeRefusal,
  at: string,
  lapsed: boolean,
): ConsentEvent[] {
  const refused: ConsentEvent = {
    type: 'ExchangeRefused',
    data: { ...attemptOf(state, request), reason, refusedAt: at },
  };
  return lapsed
    ? [{ type: 'ConsentExpired', data: { consentId: state.terms.consentId, expiredAt: at } }, refused]
    : [refused];
}
