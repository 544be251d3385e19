import type { DomainEvent } from '#libs/eventsourcing';
import type { ConsentTerms, DataRange } from './consent-terms.js';

export type ConsentRequested = DomainEvent<'ConsentRequested', { terms: ConsentTerms; requestedAt: string }>;

/** `artefact` is the gateway's signed JWS of the terms and the citizen's device signature over their hash. */
export type ConsentApproved = DomainEvent<
  'ConsentApproved',
  { consentId: string; deviceId: string; termsHash: string; artefact: string; approvedAt: string }
>;

export type ConsentRejected = DomainEvent<
  'ConsentRejected',
  { consentId: string; deviceId: string; rejectedAt: string }
>;
export type ConsentPaused = DomainEvent<
  'ConsentPaused',
  { consentId: string; deviceId: string; pausedAt: string }
>;
export type ConsentResumed = DomainEvent<
  'ConsentResumed',
  { consentId: string; deviceId: string; resumedAt: string }
>;
export type ConsentRevoked = DomainEvent<
  'ConsentRevoked',
  { consentId: string; deviceId: string; revokedAt: string }
>;
export type ConsentExpired = DomainEvent<'ConsentExpired', { consentId: string; expiredAt: string }>;

/** Who asked whom for what under which consent: what every exchange event carries, for the access log. */
export type ExchangeAttempt = {
  exchangeId: string;
  consentId: string;
  citizenId: string;
  consumerId: string;
  providerId: string;
  datasetId: string;
  items: string[];
  dataRange: DataRange;
};

/** The payload itself passed through: only its hash and size are kept. */
export type DataExchanged = DomainEvent<
  'DataExchanged',
  ExchangeAttempt & { payloadHash: string; payloadSize: number; exchangedAt: string }
>;

/** The consent did not allow it: the provider was not called. `reason` is the refusal's code. */
export type ExchangeRefused = DomainEvent<
  'ExchangeRefused',
  ExchangeAttempt & { reason: string; refusedAt: string }
>;

/** The consent allowed it but the provider did not deliver a valid payload: nothing reached the consumer. */
export type ExchangeFailed = DomainEvent<
  'ExchangeFailed',
  ExchangeAttempt & { reason: string; failedAt: string }
>;

export type ConsentEvent =
  | ConsentRequested
  | ConsentApproved
  | ConsentRejected
  | ConsentPaused
  | ConsentResumed
  | ConsentRevoked
  | ConsentExpired
  | DataExchanged
  | ExchangeRefused
  | ExchangeFailed;

export const CONSENT_STATUS_EVENT_TYPES = [
  'ConsentRequested',
  'ConsentApproved',
  'ConsentRejected',
  'ConsentPaused',
  'ConsentResumed',
  'ConsentRevoked',
  'ConsentExpired',
] as const satisfies readonly ConsentEvent['type'][];

export const EXCHANGE_EVENT_TYPES = [
  'DataExchanged',
  'ExchangeRefused',
  'ExchangeFailed',
] as const satisfies readonly ConsentEvent['type'][];

export const CONSENT_EVENT_TYPES = [...CONSENT_STATUS_EVENT_TYPES, ...EXCHANGE_EVENT_TYPES] as const;

export const consentStream = (consentId: string): string => `consent-${consentId}`;
