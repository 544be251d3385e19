import { describe, expect, it } from '@jest/globals';
import type { ConsentTerms } from './consent-terms.js';
import { decideConsent, type ConsentCommand, type ExchangeRequest } from './consent.decide.js';
import type { ConsentEvent } from './consent.events.js';
import { consent, type ConsentStatus } from './consent.state.js';
import { dataset, START, termsFor } from './consent.testing.js';

const terms = termsFor();
const { consentId, citizenId } = terms;
const at = (ms = 0) => new Date(START.getTime() + ms);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const deviceId = 'd'.repeat(43);

const given = (events: ConsentEvent[]) => events.reduce(consent.evolve, consent.initialState());
const when = (history: ConsentEvent[], command: ConsentCommand, now = at()) =>
  decideConsent(command, given(history), now);
const error = (code: string, status: number) => expect.objectContaining({ code, status });

const requested: ConsentEvent = {
  type: 'ConsentRequested',
  data: { terms, requestedAt: at().toISOString() },
};
const approved: ConsentEvent = {
  type: 'ConsentApproved',
  data: { consentId, deviceId, termsHash: 'h', artefact: 'a.b.c', approvedAt: at().toISOString() },
};
const signer = { citizenId, deviceId };
const event = (type: ConsentEvent['type'], data: object = {}) =>
  ({ type, data: { consentId, deviceId, ...data } }) as ConsentEvent;
const historyIn: Record<ConsentStatus, ConsentEvent[]> = {
  PENDING: [requested],
  ACTIVE: [requested, approved],
  PAUSED: [requested, approved, event('ConsentPaused')],
  REJECTED: [requested, event('ConsentRejected')],
  REVOKED: [requested, approved, event('ConsentRevoked')],
  EXPIRED: [requested, approved, event('ConsentExpired')],
};
const command = (
  type: 'ApproveConsent' | 'RejectConsent' | 'PauseConsent' | 'ResumeConsent' | 'RevokeConsent',
) =>
  (type === 'ApproveConsent'
    ? { type, ...signer, termsHash: 'h', artefact: 'a.b.c' }
    : { type, ...signer }) as ConsentCommand;
const exchange = (request: Partial<ExchangeRequest> = {}): ExchangeRequest => ({
  exchangeId: 'e-1',
  consumerId: terms.consumerId,
  datasetId: terms.datasetId,
  ...request,
});
const delivered = (request: Partial<ExchangeRequest> = {}): ConsentCommand => ({
  type: 'RecordExchange',
  request: exchange(request),
  result: { kind: 'delivered', payloadHash: 'sha', payloadSize: 10 },
});
const attempt = (request: Partial<ExchangeRequest> = {}): ConsentCommand => ({
  type: 'AttemptExchange',
  request: exchange(request),
});

describe('RequestConsent', () => {
  const request = (overrides: Partial<ConsentTerms> = {}, entry = dataset): ConsentCommand => ({
    type: 'RequestConsent',
    terms: termsFor(overrides),
    dataset: entry,
  });

  it('records the terms as a PENDING consent', () => {
    expect(when([], request())).toEqual([requested]);
    expect(given([requested])).toEqual({ status: 'PENDING', terms, deliveries: [] });
  });

  it.each([
    ['an unknown dataset', { ...request(), dataset: undefined }, 'DATASET_NOT_FOUND', 404],
    ['items outside the catalogue', request({ items: ['address', 'income'] }), 'ITEMS_NOT_IN_CATALOGUE', 400],
    ['no items', request({ items: [] }), 'ITEMS_NOT_IN_CATALOGUE', 400],
    ['an item twice', request({ items: ['address', 'address'] }), 'ITEMS_NOT_IN_CATALOGUE', 400],
    ['an expiry in the past', request({ expiresAt: at(-1).toISOString() }), 'CONSENT_EXPIRY_IN_PAST', 400],
    ['an expiry now', request({ expiresAt: at().toISOString() }), 'CONSENT_EXPIRY_IN_PAST', 400],
    [
      'a start after the expiry',
      request({ validFrom: at(2 * DAY).toISOString(), expiresAt: at(DAY).toISOString() }),
      'CONSENT_VALIDITY_INVALID',
      400,
    ],
    [
      'a reversed date range',
      request({ dataRange: { from: '2026-01-02', to: '2026-01-01' } }),
      'DATA_RANGE_INVALID',
      400,
    ],
    [
      'a consumer the dataset is not open to',
      request({}, { ...dataset, allowedConsumers: ['tax'] }),
      'CONSUMER_NOT_ALLOWED',
      403,
    ],
  ])('refuses %s', (_case, cmd, code, status) => {
    expect(() => when([], cmd)).toThrow(error(code, status));
  });

  it('refuses a consent id already used', () => {
    expect(() => when([requested], request())).toThrow(error('CONSENT_ALREADY_EXISTS', 409));
  });
});

describe('the lifecycle: every citizen command from every status', () => {
  const outcomes: Record<string, Partial<Record<ConsentStatus, ConsentStatus | string>>> = {
    ApproveConsent: { PENDING: 'ACTIVE' },
    RejectConsent: { PENDING: 'REJECTED' },
    PauseConsent: { ACTIVE: 'PAUSED' },
    ResumeConsent: { PAUSED: 'ACTIVE' },
    RevokeConsent: { ACTIVE: 'REVOKED', PAUSED: 'REVOKED' },
  };
  const refusals: Record<string, string> = {
    ApproveConsent: 'CONSENT_NOT_PENDING',
    RejectConsent: 'CONSENT_NOT_PENDING',
    PauseConsent: 'CONSENT_NOT_ACTIVE',
    ResumeConsent: 'CONSENT_NOT_PAUSED',
    RevokeConsent: 'CONSENT_NOT_ACTIVE',
  };
  const cases = Object.keys(outcomes).flatMap((type) =>
    (Object.keys(historyIn) as ConsentStatus[]).map((status) => [type, status] as const),
  );

  it.each(cases)('%s from %s', (type, status) => {
    const history = historyIn[status];
    const next = outcomes[type]![status];
    const cmd = command(type as Parameters<typeof command>[0]);
    if (next === undefined) {
      expect(() => when(history, cmd)).toThrow(error(refusals[type]!, 409));
      return;
    }
    const events = when(history, cmd);
    expect(events).toHaveLength(1);
    expect(given([...history, ...events]).status).toBe(next);
  });

  it('answers a consent of another citizen as unknown', () => {
    const stranger = { ...command('RevokeConsent'), citizenId: 'someone-else' } as ConsentCommand;
    expect(() => when(historyIn.ACTIVE, stranger)).toThrow(error('CONSENT_NOT_FOUND', 404));
  });

  it('refuses to approve a request that expired unanswered, writing nothing', () => {
    expect(() => when([requested], command('ApproveConsent'), at(31 * DAY))).toThrow(
      error('CONSENT_EXPIRED', 409),
    );
  });

  it.each(['PauseConsent', 'ResumeConsent', 'RevokeConsent'] as const)(
    '%s past the expiry records the expiry instead',
    (type) => {
      const history = type === 'ResumeConsent' ? historyIn.PAUSED : historyIn.ACTIVE;
      expect(when(history, command(type), at(30 * DAY))).toEqual([
        { type: 'ConsentExpired', data: { consentId, expiredAt: at(30 * DAY).toISOString() } },
      ]);
    },
  );
});

describe('ExpireConsent', () => {
  it.each(['ACTIVE', 'PAUSED'] as const)(
    'expires an %s consent once its time is up, not before',
    (status) => {
      expect(when(historyIn[status], { type: 'ExpireConsent' }, at(30 * DAY - 1))).toEqual([]);
      const events = when(historyIn[status], { type: 'ExpireConsent' }, at(30 * DAY));
      expect(given([...historyIn[status], ...events]).status).toBe('EXPIRED');
    },
  );

  it.each(['PENDING', 'REJECTED', 'REVOKED', 'EXPIRED'] as const)(
    'leaves a %s consent as it is',
    (status) => {
      expect(when(historyIn[status], { type: 'ExpireConsent' }, at(60 * DAY))).toEqual([]);
    },
  );
});

describe('exchanges', () => {
  const active = historyIn.ACTIVE;
  const reasonOf = (events: ConsentEvent[]) =>
    events.find((e) => e.type === 'ExchangeRefused')?.data['reason' as never] as string | undefined;

  it('allows an exchange under an active, covering consent and records its hash and size only', () => {
    expect(
      when(active, attempt({ items: ['address'], dataRange: { from: '2026-01-01', to: '2026-02-01' } })),
    ).toEqual([]);
    expect(when(active, delivered({ items: ['address'] }), at(HOUR))).toEqual([
      {
        type: 'DataExchanged',
        data: {
          exchangeId: 'e-1',
          consentId,
          citizenId,
          consumerId: 'social-welfare',
          providerId: 'housing-department',
          datasetId: 'proof-of-address',
          items: ['address'],
          dataRange: terms.dataRange,
          payloadHash: 'sha',
          payloadSize: 10,
          exchangedAt: at(HOUR).toISOString(),
        },
      },
    ]);
  });

  it.each([
    ['PENDING', 'CONSENT_NOT_ACTIVE'],
    ['PAUSED', 'CONSENT_NOT_ACTIVE'],
    ['REJECTED', 'CONSENT_NOT_ACTIVE'],
    ['REVOKED', 'CONSENT_NOT_ACTIVE'],
    ['EXPIRED', 'CONSENT_EXPIRED'],
  ] as const)('refuses under a %s consent, and says so in the log', (status, reason) => {
    for (const cmd of [attempt(), delivered()]) {
      const events = when(historyIn[status], cmd);
      expect(events.map((e) => e.type)).toEqual(['ExchangeRefused']);
      expect(reasonOf(events)).toBe(reason);
    }
  });

  it.each([
    ['another consumer', { consumerId: 'tax' }, 'CONSENT_NOT_FOUND'],
    ['another dataset', { datasetId: 'income' }, 'DATASET_NOT_COVERED'],
    ['an item not consented to', { items: ['address', 'tenancy-type'] }, 'ITEMS_NOT_COVERED'],
    ['no items', { items: [] }, 'ITEMS_NOT_COVERED'],
    [
      'dates before the range',
      { dataRange: { from: '2024-12-31', to: '2025-06-01' } },
      'DATA_RANGE_NOT_COVERED',
    ],
    [
      'dates after the range',
      { dataRange: { from: '2026-01-01', to: '2026-06-01' } },
      'DATA_RANGE_NOT_COVERED',
    ],
    ['a reversed range', { dataRange: { from: '2026-02-01', to: '2026-01-01' } }, 'DATA_RANGE_NOT_COVERED'],
  ] as const)('refuses %s', (_case, request, reason) => {
    expect(reasonOf(when(active, attempt(request)))).toBe(reason);
  });

  it('refuses before the consent starts', () => {
    const later = [
      { ...requested, data: { ...requested.data, terms: termsFor({ validFrom: at(DAY).toISOString() }) } },
    ];
    expect(reasonOf(when([...later, approved] as ConsentEvent[], attempt(), at(DAY - 1)))).toBe(
      'CONSENT_NOT_YET_VALID',
    );
    expect(when([...later, approved] as ConsentEvent[], attempt(), at(DAY))).toEqual([]);
  });

  it('expires the consent at its expiry and refuses the exchange', () => {
    const events = when(active, attempt(), at(30 * DAY));
    expect(events.map((e) => e.type)).toEqual(['ConsentExpired', 'ExchangeRefused']);
    expect(reasonOf(events)).toBe('CONSENT_EXPIRED');
  });

  it('counts a periodic consent over a sliding period', () => {
    const first = when(active, delivered(), at(HOUR));
    const second = when([...active, ...first], delivered(), at(2 * HOUR));
    const history = [...active, ...first, ...second];
    expect(reasonOf(when(history, attempt(), at(HOUR + DAY - 1)))).toBe('FREQUENCY_EXCEEDED');
    expect(when(history, attempt(), at(HOUR + DAY))).toEqual([]);
  });

  it('allows a one-time consent one delivery ever; failed attempts do not count', () => {
    const once = [
      { ...requested, data: { ...requested.data, terms: termsFor({ frequency: { mode: 'once' } }) } },
      approved,
    ] as ConsentEvent[];
    const failed = when(once, {
      type: 'RecordExchange',
      request: exchange(),
      result: { kind: 'failed', reason: 'PROVIDER_UNAVAILABLE' },
    });
    expect(failed.map((e) => e.type)).toEqual(['ExchangeFailed']);
    const first = when([...once, ...failed], delivered());
    expect(first.map((e) => e.type)).toEqual(['DataExchanged']);
    expect(reasonOf(when([...once, ...failed, ...first], attempt(), at(29 * DAY)))).toBe(
      'FREQUENCY_EXCEEDED',
    );
  });

  it('re-checks after the provider answered: a consent revoked meanwhile refuses the delivery', () => {
    expect(when(active, attempt())).toEqual([]);
    const revoked = [...active, event('ConsentRevoked')];
    expect(reasonOf(when(revoked, delivered()))).toBe('CONSENT_NOT_ACTIVE');
  });

  it('knows no exchange under a consent never requested', () => {
    expect(() => when([], attempt())).toThrow(error('CONSENT_NOT_FOUND', 404));
  });
});
