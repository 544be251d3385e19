import { describe, expect, it } from '@jest/globals';
import type { AllStreamResolvedEvent, ReadPosition } from '@eventstore/db-client';
import fc from 'fast-check';
import type { RecordedEvent } from '../event-store.port.js';
import { asAsync, entriesFrom, fakeEntry, type FakeEvent } from './eventstoredb-events.testing.js';
import { encodePosition } from './eventstoredb-position.js';
import { collect, readAllAfter, type CancellableRead } from './eventstoredb-reads.js';

/** A fake server log that answers reads of $all as the server does, and records what was asked. */
function serverLog(events: readonly FakeEvent[]) {
  const log = events.map(fakeEntry);
  const calls: { from: ReadPosition; maxCount: number }[] = [];
  const readPage = (from: ReadPosition, maxCount: number) => {
    calls.push({ from, maxCount });
    return asAsync(entriesFrom(log, from).slice(0, maxCount));
  };
  const platformIds = log
    .filter(({ event }) => !event!.type.startsWith('$') && !event!.streamId.startsWith('$'))
    .map(({ event }) => event!.id);
  return { log, calls, readPage, platformIds };
}

const positionOf = (entry: AllStreamResolvedEvent) => encodePosition(entry.event!.position);
const ids = (events: readonly RecordedEvent[]) => events.map((e) => e.id);

/** Pages like a projection catching up; a page that does not move on fails rather than loops. */
async function readEverything(readPage: ReturnType<typeof serverLog>['readPage'], pageSize: number) {
  const out: RecordedEvent[] = [];
  let from: bigint | undefined;
  for (;;) {
    const page = await readAllAfter(readPage, from, pageSize);
    if (page.length === 0) return out;
    const next = page[page.length - 1]!.position;
    if (from !== undefined && next <= from) throw new Error(`paging stuck at ${from}`);
    out.push(...page);
    from = next;
  }
}

describe('readAllAfter', () => {
  it('returns the events after a checkpoint, never the event at it, though the server read includes it', async () => {
    const { log, readPage } = serverLog([
      { commit: 100n },
      { commit: 200n },
      { commit: 300n },
      { commit: 400n },
    ]);
    const page = await readAllAfter(readPage, positionOf(log[1]!), 10);
    expect(ids(page)).toEqual([log[2]!.event!.id, log[3]!.event!.id]);
  });

  it('neither repeats nor skips the events of a transaction that share the checkpoint commit position', async () => {
    const { log, readPage } = serverLog([
      { commit: 100n },
      { commit: 900n, prepare: 200n },
      { commit: 900n, prepare: 500n },
      { commit: 900n, prepare: 800n },
      { commit: 1000n },
    ]);
    const page = await readAllAfter(readPage, positionOf(log[2]!), 10);
    expect(ids(page)).toEqual([log[3]!.event!.id, log[4]!.event!.id]);
  });

  it('leaves out system events and $-streams, and pages on past long runs of them', async () => {
    const system = Array.from({ length: 5000 }, (_, i): FakeEvent => ({
      commit: 1000n + BigInt(i) * 10n,
      stream: i % 2 ? '$stats-127.0.0.1:2113' : '$$citizen-1',
      type: i % 2 ? '$statsCollected' : 'Opaque',
    }));
    const { log, calls, readPage } = serverLog([{ commit: 10n }, ...system, { commit: 900_000n }]);
    const page = await readAllAfter(readPage, positionOf(log[0]!), 1);
    expect(ids(page)).toEqual([log[log.length - 1]!.event!.id]);
    expect(calls.length).toBeLessThan(15);
    expect(Math.max(...calls.map((c) => c.maxCount))).toBeLessThanOrEqual(4096);
  });

  it('reads from the start when no position is given and stops at maxCount', async () => {
    const { log, calls, readPage } = serverLog([{ commit: 10n }, { commit: 20n }, { commit: 30n }]);
    const page = await readAllAfter(readPage, undefined, 2);
    expect(ids(page)).toEqual([log[0]!.event!.id, log[1]!.event!.id]);
    expect(calls[0]!.from).toBe('start');
  });

  it('maps the events it returns with their exact positions', async () => {
    const { log, readPage } = serverLog([{ commit: 900n, prepare: 200n, data: { hkidChecked: true } }]);
    const [event] = await readAllAfter(readPage, undefined, 1);
    expect(event).toMatchObject({
      id: log[0]!.event!.id,
      stream: 'citizen-1',
      type: 'CitizenRegistered',
      data: { hkidChecked: true },
      position: encodePosition({ commit: 900n, prepare: 200n }),
    });
  });

  it('pages through any log in order, every platform event exactly once (property)', async () => {
    const anEvent = fc.record({
      gap: fc.bigInt({ min: 1n, max: 1000n }),
      transaction: fc.nat({ max: 3 }),
      system: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(anEvent, { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        async (shape, size) => {
          const events: FakeEvent[] = [];
          let at = 0n;
          for (const { gap, transaction, system } of shape) {
            at += gap;
            if (transaction === 0) {
              events.push({ commit: at, ...(system && { stream: '$et-Sys', type: '$>' }) });
            } else {
              // An explicit transaction: prepares first, then one commit record after them.
              const commit = at + BigInt(transaction) * 10n + 5n;
              for (let i = 0; i < transaction; i++) events.push({ commit, prepare: at + BigInt(i) * 10n });
              at = commit;
            }
          }
          const { readPage, platformIds } = serverLog(events);
          expect(ids(await readEverything(readPage, size))).toEqual(platformIds);
        },
      ),
    );
  });
});

function endlessRead(): CancellableRead<number> & { cancelled: boolean } {
  const read = {
    cancelled: false,
    async *[Symbol.asyncIterator]() {
      yield 1;
      await new Promise(() => undefined);
    },
    cancel: async () => {
      read.cancelled = true;
    },
  };
  return read;
}

describe('collect', () => {
  it('drains a read', async () => {
    const read = { [Symbol.asyncIterator]: () => asAsync([1, 2, 3]), cancel: async () => undefined };
    await expect(collect(read)).resolves.toEqual([1, 2, 3]);
  });

  it('cancels a read that outlives its deadline and throws the deadline error', async () => {
    const read = endlessRead();
    const started = Date.now();
    await expect(collect(read, { ms: 50, onExpiry: () => new Error('no answer in time') })).rejects.toThrow(
      'no answer in time',
    );
    expect(read.cancelled).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('does not cancel a read that answers in time', async () => {
    let cancelled = false;
    const read = {
      [Symbol.asyncIterator]: () => asAsync(['a']),
      cancel: async () => void (cancelled = true),
    };
    await expect(collect(read, { ms: 50, onExpiry: () => new Error('late') })).resolves.toEqual(['a']);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(cancelled).toBe(false);
  });
});
