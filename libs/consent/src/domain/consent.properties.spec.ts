import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PERIODS, type ConsentTerms, type DataRange } from './consent-terms.js';
import { decideConsent, type ConsentCommand } from './consent.decide.js';
import type { ConsentEvent, DataExchanged } from './consent.events.js';
import { consent } from './consent.state.js';
import { dataset, START, termsFor } from './consent.testing.js';

const HOUR = 3_600_000;
const DAYS = ['2024-06-01', '2025-01-01', '2025-06-01', '2026-01-01', '2026-05-31', '2026-09-01'];

const rangeArb: fc.Arbitrary<DataRange> = fc
  .tuple(fc.constantFrom(...DAYS), fc.constantFrom(...DAYS))
  .map(([from, to]) => ({ from, to }));

const termsArb: fc.Arbitrary<ConsentTerms> = fc
  .record({
    items: fc.subarray(dataset.items as string[], { minLength: 1 }),
    frequency: fc.oneof(
      fc.constant({ mode: 'once' as const }),
      fc.record({
        mode: fc.constant('periodic' as const),
        maxFetches: fc.integer({ min: 1, max: 3 }),
        per: fc.constantFrom('hour' as const, 'day' as const),
      }),
    ),
    validFromHours: fc.integer({ min: 0, max: 5 }),
    lengthHours: fc.integer({ min: 1, max: 72 }),
    dataRange: rangeArb.filter((r) => r.from <= r.to),
  })
  .map(({ items, frequency, validFromHours, lengthHours, dataRange }) =>
    termsFor({
      items,
      frequency,
      dataRange,
      validFrom: new Date(START.getTime() + validFromHours * HOUR).toISOString(),
      expiresAt: new Date(START.getTime() + (validFromHours + lengthHours) * HOUR).toISOString(),
    }),
  );

type Step = { advanceMs: number; command: (terms: ConsentTerms) => ConsentCommand };

const citizenArb = fc.constantFrom('own', 'stranger');
const stepArb: fc.Arbitrary<Step> = fc.record({
  advanceMs: fc.integer({ min: 0, max: 12 * HOUR }),
  command: fc.oneof(
    fc
      .tuple(
        fc.constantFrom(
          'ApproveConsent' as const,
          'RejectConsent' as const,
          'PauseConsent' as const,
          'ResumeConsent' as const,
          'RevokeConsent' as const,
        ),
        citizenArb,
      )
      .map(([type, who]) => (terms: ConsentTerms): ConsentCommand => {
        const signer = { citizenId: who === 'own' ? terms.citizenId : 'stranger', deviceId: 'device' };
        return type === 'ApproveConsent'
          ? { type, ...signer, termsHash: 'h', artefact: 'a.b.c' }
          : { type, ...signer };
      }),
    fc.constant((): ConsentCommand => ({ type: 'ExpireConsent' })),
    fc
      .record({
        record: fc.boolean(),
        failed: fc.boolean(),
        consumerId: fc.constantFrom('social-welfare', 'tax'),
        datasetId: fc.constantFrom('proof-of-address', 'income'),
        items: fc.option(fc.subarray(dataset.items as string[]), { nil: undefined }),
        dataRange: fc.option(rangeArb, { nil: undefined }),
      })
      .map(({ record, failed, ...request }) => (): ConsentCommand => {
        const withRequest = {
          request: {
            exchangeId: 'e',
            consumerId: request.consumerId,
            datasetId: request.datasetId,
            ...(request.items && { items: request.items }),
            ...(request.dataRange && { dataRange: request.dataRange }),
          },
        };
        if (!record) return { type: 'AttemptExchange', ...withRequest };
        return {
          type: 'RecordExchange',
          ...withRequest,
          result: failed
            ? { kind: 'failed', reason: 'PROVIDER_UNAVAILABLE' }
            : { kind: 'delivered', payloadHash: 'h', payloadSize: 1 },
        };
      }),
  ),
});

/**
 * The oracle, written apart from the decision: was the consent ACTIVE (by the last status event before the
 * exchange), in its validity, for this consumer, dataset, items and dates, with fetches left in the period?
 */
function coveredByActiveConsent(
  terms: ConsentTerms,
  before: readonly ConsentEvent[],
  exchange: DataExchanged,
): boolean {
  const statusEvents = before.filter(
    (e) => e.type !== 'DataExchanged' && e.type !== 'ExchangeRefused' && e.type !== 'ExchangeFailed',
  );
  const last = statusEvents[statusEvents.length - 1]?.type;
  if (last !== 'ConsentApproved' && last !== 'ConsentResumed') return false;
  const { data } = exchange;
  const at = Date.parse(data.exchangedAt);
  if (at < Date.parse(terms.validFrom) || at >= Date.parse(terms.expiresAt)) return false;
  if (data.consumerId !== terms.consumerId || data.datasetId !== terms.datasetId) return false;
  if (data.items.length === 0 || data.items.some((item) => !terms.items.includes(item))) return false;
  if (data.dataRange.from < terms.dataRange.from || data.dataRange.to > terms.dataRange.to) return false;
  if (data.dataRange.from > data.dataRange.to) return false;
  const earlier = before.filter((e): e is DataExchanged => e.type === 'DataExchanged');
  const { frequency } = terms;
  const counted =
    frequency.mode === 'once'
      ? earlier.length
      : earlier.filter((e) => at - Date.parse(e.data.exchangedAt) < PERIODS[frequency.per]).length;
  return counted < (frequency.mode === 'once' ? 1 : frequency.maxFetches);
}

describe('no sequence of commands lets an exchange happen outside an active, covering consent', () => {
  it('holds for random histories', () => {
    fc.assert(
      fc.property(termsArb, fc.array(stepArb, { maxLength: 40 }), (terms, steps) => {
        let now = START.getTime();
        const log: ConsentEvent[] = [
          { type: 'ConsentRequested', data: { terms, requestedAt: START.toISOString() } },
        ];
        let state = consent.evolve(consent.initialState(), log[0]!);
        for (const step of steps) {
          now += step.advanceMs;
          let events: ConsentEvent[];
          try {
            events = decideConsent(step.command(terms), state, new Date(now));
          } catch {
            continue;
          }
          for (const event of events) {
            if (event.type === 'DataExchanged') expect(coveredByActiveConsent(terms, log, event)).toBe(true);
            log.push(event);
            state = consent.evolve(state, event);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('and exchanges do happen: the property is not vacuous', () => {
    const terms = termsFor({ frequency: { mode: 'periodic', maxFetches: 3, per: 'day' } });
    let state = consent.evolve(consent.initialState(), {
      type: 'ConsentRequested',
      data: { terms, requestedAt: START.toISOString() },
    });
    for (const event of decideConsent(
      { type: 'ApproveConsent', citizenId: terms.citizenId, deviceId: 'd', termsHash: 'h', artefact: 'a' },
      state,
      START,
    )) {
      state = consent.evolve(state, event);
    }
    const delivered = decideConsent(
      {
        type: 'RecordExchange',
        request: { exchangeId: 'e', consumerId: terms.consumerId, datasetId: terms.datasetId },
        result: { kind: 'delivered', payloadHash: 'h', payloadSize: 1 },
      },
      state,
      START,
    );
    expect(delivered.map((e) => e.type)).toEqual(['DataExchanged']);
  });
});
