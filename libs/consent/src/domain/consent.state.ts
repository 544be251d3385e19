import type { Evolver } from '#libs/eventsourcing';
import type { ConsentTerms } from './consent-terms.js';
import { CONSENT_EVENT_TYPES, type ConsentEvent } from './consent.events.js';

export const CONSENT_STATUSES = ['PENDING', 'ACTIVE', 'PAUSED', 'REJECTED', 'REVOKED', 'EXPIRED'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** The status a consent event leads to; exchanges leave it as it is. */
export const STATUS_AFTER: Record<
  Exclude<ConsentEvent['type'], 'ConsentRequested'>,
  ConsentStatus | undefined
> = {
  ConsentApproved: 'ACTIVE',
  ConsentRejected: 'REJECTED',
  ConsentPaused: 'PAUSED',
  ConsentResumed: 'ACTIVE',
  ConsentRevoked: 'REVOKED',
  ConsentExpired: 'EXPIRED',
  DataExchanged: undefined,
  ExchangeRefused: undefined,
  ExchangeFailed: undefined,
};

export type RequestedConsent = {
  readonly status: ConsentStatus;
  readonly terms: ConsentTerms;
  /** The signed artefact, once approved. */
  readonly artefact?: string;
  /** When each delivered exchange happened (ISO): what the frequency is counted on. */
  readonly deliveries: readonly string[];
};

export type Consent = { readonly status: 'NONE' } | RequestedConsent;

export const consent: Evolver<Consent, ConsentEvent> = {
  eventTypes: CONSENT_EVENT_TYPES,
  initialState: () => ({ status: 'NONE' }),
  evolve(state, event) {
    if (event.type === 'ConsentRequested') {
      return { status: 'PENDING', terms: event.data.terms, deliveries: [] };
    }
    if (state.status === 'NONE') return state;
    switch (event.type) {
      case 'ConsentApproved':
        return { ...state, status: 'ACTIVE', artefact: event.data.artefact };
      case 'ConsentRejected':
        return { ...state, status: 'REJECTED' };
      case 'ConsentPaused':
        return { ...state, status: 'PAUSED' };
      case 'ConsentResumed':
        return { ...state, status: 'ACTIVE' };
      case 'ConsentRevoked':
        return { ...state, status: 'REVOKED' };
      case 'ConsentExpired':
        return { ...state, status: 'EXPIRED' };
      case 'DataExchanged':
        return { ...state, deliveries: [...state.deliveries, event.data.exchangedAt] };
      case 'ExchangeRefused':
      case 'ExchangeFailed':
        return state;
    }
  },
};
