import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { SqliteEventStore, type EventStore } from '#libs/event-store';
import { ManualClock } from '#libs/eventsourcing';
import { ValidationTally } from './validation-tally.js';

describe('the validation tally', () => {
  let store: SqliteEventStore;
  let clock: ManualClock;
  let failNext: boolean;
  let tally: ValidationTally;
  const stream = 'corporateValidations-2026-03-01';

  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:' });
    clock = new ManualClock(new Date('2026-03-01T09:00:00.000Z'));
    failNext = false;
    // The real store, but an append can be made to fail once, as a store that is briefly unreachable would.
    const flaky: EventStore = Object.create(store, {
      append: {
        value: (...args: Parameters<EventStore['append']>) => {
          if (!failNext) return store.append(...args);
          failNext = false;
          return Promise.reject(new Error('unreachable'));
        },
      },
    });
    tally = new ValidationTally(flaky, clock);
  });
  afterEach(() => store.close());

  it('appends one event per window with the counts by result, and nothing for an empty window', async () => {
    tally.count({ indication: 'TOTAL_PASSED' });
    tally.count({ indication: 'TOTAL_PASSED' });
    tally.count({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE' });
    clock.advance(10_000);
    await tally.flush();
    clock.advance(10_000);
    await tally.flush();
    const events = await store.readStream(stream);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      [
        'SignatureValidationsTallied',
        {
          from: '2026-03-01T09:00:00.000Z',
          to: '2026-03-01T09:00:10.000Z',
          counts: [
            { indication: 'TOTAL_PASSED', subIndication: null, count: 2 },
            { indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE', count: 1 },
          ],
        },
      ],
    ]);
  });

  it('keeps the counts of a tally it could not write for the next one, whose window starts where it started', async () => {
    tally.count({ indication: 'TOTAL_PASSED' });
    clock.advance(10_000);
    failNext = true;
    await expect(tally.flush()).rejects.toThrow('unreachable');
    tally.count({ indication: 'TOTAL_PASSED' });
    clock.advance(10_000);
    await tally.flush();
    expect((await store.readStream(stream)).map((e) => e.data)).toEqual([
      {
        from: '2026-03-01T09:00:00.000Z',
        to: '2026-03-01T09:00:20.000Z',
        counts: [{ indication: 'TOTAL_PASSED', subIndication: null, count: 2 }],
      },
    ]);
  });
});
