import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { EventStore, JsonObject, NewEvent, RecordedEvent } from '../event-store.port.js';

export interface ConformanceHarness {
  /** Opens a new store instance on the suite's storage; every call sees what earlier instances wrote. */
  open(): Promise<EventStore>;
  /** Drops the suite's storage. */
  dispose?(): Promise<void>;
  /** Whether an event id already used in one stream is refused in another (default true). */
  readonly detectsIdReuseAcrossStreams?: boolean;
}

export const event = (type: string, data: JsonObject = {}, metadata?: JsonObject): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  ...(metadata && { metadata }),
});

export const uniqueStream = (category = 'conformance'): string => `${category}-${randomUUID()}`;

export async function headPosition(store: EventStore): Promise<bigint | undefined> {
  let position: bigint | undefined;
  for (;;) {
    const page = await store.readAll({
      ...(position !== undefined && { fromPosition: position }),
      maxCount: 5000,
    });
    if (page.length === 0) return position;
    position = page[page.length - 1]!.position;
  }
}

export async function readAllAfter(store: EventStore, from: bigint | undefined): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let position = from;
  for (;;) {
    const page = await store.readAll({
      ...(position !== undefined && { fromPosition: position }),
      maxCount: 5000,
    });
    if (page.length === 0) return out;
    out.push(...page);
    position = page[page.length - 1]!.position;
  }
}

export async function take(iterator: AsyncIterator<RecordedEvent>, count: number): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  while (out.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

/** The contract of ARCHITECTURE.md's event log; every adapter runs it. */
export function describeEventStoreConformance(
  name: string,
  harness: () => ConformanceHarness | undefined,
): void {
  const h = harness();
  const maybe = h ? describe : describe.skip;
  maybe(`EventStore conformance: ${name}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await h!.open();
    });
    afterAll(async () => {
      await store?.close();
      await h!.dispose?.();
    });

    describe('append and read a stream', () => {
      it('numbers revisions from 0 and reads them back in order with data and metadata intact', async () => {
        const stream = uniqueStream();
        const result = await store.append(
          stream,
          [event('A', { n: 1 }, { correlationId: 'c-1' }), event('B', { n: 2 }), event('C', { n: 3 })],
          { expectedRevision: 'no_stream' },
        );
        expect(result.nextExpectedRevision).toBe(2n);
        const events = await store.readStream(stream);
        expect(events.map((e) => [e.type, e.revision, e.data])).toEqual([
          ['A', 0n, { n: 1 }],
          ['B', 1n, { n: 2 }],
          ['C', 2n, { n: 3 }],
        ]);
        expect(events[0]!.metadata).toEqual({ correlationId: 'c-1' });
        expect(events.every((e) => e.stream === stream && e.recordedAt instanceof Date)).toBe(true);
        expect(result.position).toBe(events[2]!.position);
      });

      it('reads an unknown stream as empty', async () => {
        expect(await store.readStream(uniqueStream())).toEqual([]);
      });

      it('reads from a revision, backwards, and with a maximum count', async () => {
        const stream = uniqueStream();
        await store.append(
          stream,
          Array.from({ length: 10 }, (_, n) => event('Numbered', { n })),
        );
        const forwards = await store.readStream(stream, { fromRevision: 4n, maxCount: 3 });
        expect(forwards.map((e) => e.data['n'])).toEqual([4, 5, 6]);
        const backwards = await store.readStream(stream, { direction: 'backwards', maxCount: 3 });
        expect(backwards.map((e) => e.revision)).toEqual([9n, 8n, 7n]);
        const backFrom = await store.readStream(stream, { direction: 'backwards', fromRevision: 2n });
        expect(backFrom.map((e) => e.revision)).toEqual([2n, 1n, 0n]);
      });
    });

    describe('expected revision', () => {
      it('accepts the exact current revision and rejects a stale one with WRONG_EXPECTED_VERSION', async () => {
        const stream = uniqueStream();
        const first = await store.append(stream, [event('A')], { expectedRevision: 'no_stream' });
        await store.append(stream, [event('B')], { expectedRevision: first.nextExpectedRevision });
        await expect(
          store.append(stream, [event('C')], { expectedRevision: first.nextExpectedRevision }),
        ).rejects.toMatchObject({ code: 'WRONG_EXPECTED_VERSION', status: 409, actual: 1n });
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('enforces no_stream and stream_exists', async () => {
        const stream = uniqueStream();
        await expect(
          store.append(stream, [event('A')], { expectedRevision: 'stream_exists' }),
        ).rejects.toMatchObject({
          code: 'WRONG_EXPECTED_VERSION',
        });
        await store.append(stream, [event('A')], { expectedRevision: 'no_stream' });
        await expect(
          store.append(stream, [event('B')], { expectedRevision: 'no_stream' }),
        ).rejects.toMatchObject({
          code: 'WRONG_EXPECTED_VERSION',
        });
        await store.append(stream, [event('B')], { expectedRevision: 'stream_exists' });
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('lets exactly one of many concurrent writers at the same revision win', async () => {
        const stream = uniqueStream();
        await store.append(stream, [event('Opened')], { expectedRevision: 'no_stream' });
        const writers = await Promise.allSettled(
          Array.from({ length: 8 }, (_, n) =>
            store.append(stream, [event('Raced', { n })], { expectedRevision: 0n }),
          ),
        );
        expect(writers.filter((w) => w.status === 'fulfilled')).toHaveLength(1);
        for (const w of writers.filter((w) => w.status === 'rejected')) {
          expect((w as PromiseRejectedResult).reason).toMatchObject({ code: 'WRONG_EXPECTED_VERSION' });
        }
        expect(await store.readStream(stream)).toHaveLength(2);
      });
    });

    describe('idempotent re-append', () => {
      it('writes nothing the second time the same event ids are appended, and answers as the first time', async () => {
        const stream = uniqueStream();
        const events = [event('A'), event('B')];
        const first = await store.append(stream, events, { expectedRevision: 'no_stream' });
        const again = await store.append(stream, events, { expectedRevision: 'no_stream' });
        expect(again).toEqual(first);
        const afterAny = await store.append(stream, events);
        expect(afterAny).toEqual(first);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('refuses a batch that repeats only some ids already written', async () => {
        const stream = uniqueStream();
        const a = event('A');
        await store.append(stream, [a]);
        await expect(store.append(stream, [a, event('B')])).rejects.toMatchObject({
          code: 'EVENT_ID_CONFLICT',
        });
        if (h!.detectsIdReuseAcrossStreams !== false) {
          await expect(store.append(uniqueStream(), [a])).rejects.toMatchObject({
            code: 'EVENT_ID_CONFLICT',
          });
        }
        expect(await store.readStream(stream)).toHaveLength(1);
      });
    });

    describe('the global order', () => {
      it('reads all events of all streams in append order with strictly increasing positions', async () => {
        const from = await headPosition(store);
        const streams = [uniqueStream(), uniqueStream(), uniqueStream()];
        const appended: string[] = [];
        for (let round = 0; round < 5; round++) {
          for (const stream of streams) {
            const e = event('Ordered', { round });
            appended.push(e.id);
            await store.append(stream, [e]);
          }
        }
        const all = (await readAllAfter(store, from)).filter((e) => streams.includes(e.stream));
        expect(all.map((e) => e.id)).toEqual(appended);
        for (let i = 1; i < all.length; i++) expect(all[i]!.position > all[i - 1]!.position).toBe(true);
        const page = await store.readAll({ ...(from !== undefined && { fromPosition: from }), maxCount: 4 });
        expect(page).toHaveLength(4);
      });

      it('knows its head: the position of the last event readAll returns', async () => {
        const stream = uniqueStream();
        const result = await store.append(stream, [event('A'), event('B')]);
        expect(await store.headPosition()).toBe(result.position);
        expect(await headPosition(store)).toBe(result.position);
      });

      it('reads the events of one batch contiguously', async () => {
        const from = await headPosition(store);
        const stream = uniqueStream();
        const batch = Array.from({ length: 50 }, (_, n) => event('Batched', { n }));
        await store.append(stream, batch);
        const all = (await readAllAfter(store, from)).filter((e) => e.stream === stream);
        expect(all.map((e) => e.id)).toEqual(batch.map((e) => e.id));
      });
    });

    describe('subscription to all', () => {
      it('catches up, then delivers live events, in order, without gaps or duplicates', async () => {
        const from = await headPosition(store);
        const stream = uniqueStream();
        await store.append(stream, [event('Before', { n: 0 }), event('Before', { n: 1 })]);
        const subscription = store.subscribeToAll(from === undefined ? {} : { fromPosition: from });
        const iterator = subscription[Symbol.asyncIterator]();
        const caughtUp = await take(iterator, 2);
        const live = (async () => {
          for (let n = 2; n < 6; n++) await store.append(stream, [event('Live', { n })]);
        })();
        const rest = await take(iterator, 4);
        await live;
        await subscription.close();
        const seen = [...caughtUp, ...rest].filter((e) => e.stream === stream).map((e) => e.data['n']);
        expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
      });

      it('resumes from a checkpoint after a restart of the store with exactly the events after it', async () => {
        const from = await headPosition(store);
        const stream = uniqueStream();
        await store.append(
          stream,
          Array.from({ length: 6 }, (_, n) => event('Resumable', { n })),
        );
        const first = store.subscribeToAll(from === undefined ? {} : { fromPosition: from });
        const seen = await take(first[Symbol.asyncIterator](), 3);
        await first.close();
        const checkpoint = seen[2]!.position;

        const restarted = await h!.open();
        try {
          await restarted.append(stream, [event('Resumable', { n: 6 })]);
          const second = restarted.subscribeToAll({ fromPosition: checkpoint });
          const resumed = await take(second[Symbol.asyncIterator](), 4);
          await second.close();
          expect([...seen, ...resumed].map((e) => e.data['n'])).toEqual([0, 1, 2, 3, 4, 5, 6]);
        } finally {
          await restarted.close();
        }
      });

      it('ends its iteration when closed while waiting for live events', async () => {
        const subscription = store.subscribeToAll({ fromPosition: (await headPosition(store)) ?? 0n });
        const iterator = subscription[Symbol.asyncIterator]();
        const pending = iterator.next();
        await subscription.close();
        await expect(pending).resolves.toMatchObject({ done: true });
      });
    });

    describe('content', () => {
      it('round-trips unicode, escapes and nested JSON exactly', async () => {
        const stream = uniqueStream();
        const data = {
          nameZh: '陳大文',
          nameEn: 'CHAN, Tai Man',
          emoji: '🔐🏙️',
          rtl: 'مرحبا',
          escapes: 'quote " backslash \\ newline \n tab \t nul \u0000',
          nested: { list: [1, 2.5, -3, true, null, { deep: ['x'] }] },
        };
        await store.append(stream, [event('Unicode', data, { actor: '管理員' })]);
        const [read] = await store.readStream(stream);
        expect(read!.data).toEqual(data);
        expect(read!.metadata).toEqual({ actor: '管理員' });
      });

      it('stores a large event and refuses an oversize one without writing anything', async () => {
        const stream = uniqueStream();
        const large = 'x'.repeat(900 * 1024);
        await store.append(stream, [event('Large', { large })]);
        const [read] = await store.readStream(stream);
        expect((read!.data['large'] as string).length).toBe(large.length);
        await expect(
          store.append(stream, [event('Small'), event('Oversize', { big: 'y'.repeat(1100 * 1024) })]),
        ).rejects.toMatchObject({ code: 'EVENT_TOO_LARGE', status: 400 });
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('holds a 10 000-event stream and reads it back whole, in order', async () => {
        const stream = uniqueStream('long');
        let expectedRevision: bigint | 'no_stream' = 'no_stream';
        for (let batch = 0; batch < 10; batch++) {
          const result = await store.append(
            stream,
            Array.from({ length: 1000 }, (_, i) => event('Counted', { n: batch * 1000 + i })),
            { expectedRevision },
          );
          expectedRevision = result.nextExpectedRevision;
        }
        expect(expectedRevision).toBe(9999n);
        const events = await store.readStream(stream);
        expect(events).toHaveLength(10_000);
        expect(events.every((e, i) => e.revision === BigInt(i) && e.data['n'] === i)).toBe(true);
        const tail = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
        expect(tail[0]!.revision).toBe(9999n);
      });
    });

    describe('bad input writes nothing', () => {
      const cases: [string, () => Promise<unknown>, string][] = [
        [
          'a stream name with a space',
          () => store.append('citizen-a b', [event('A')]),
          'INVALID_STREAM_NAME',
        ],
        [
          'a stream name without a category',
          () => store.append('nocategory', [event('A')]),
          'INVALID_STREAM_NAME',
        ],
        [
          'a stream name with a slash',
          () => store.append('citizen-../x', [event('A')]),
          'INVALID_STREAM_NAME',
        ],
        [
          'an expected revision of the wrong type',
          () => store.append(uniqueStream(), [event('A')], { expectedRevision: '3' as never }),
          'INVALID_EXPECTED_REVISION',
        ],
        [
          'a negative expected revision',
          () => store.append(uniqueStream(), [event('A')], { expectedRevision: -1n }),
          'INVALID_EXPECTED_REVISION',
        ],
        ['no events', () => store.append(uniqueStream(), []), 'EMPTY_APPEND'],
        [
          'an id that is not a UUID',
          () => store.append(uniqueStream(), [{ id: 'nope', type: 'A', data: {} }]),
          'INVALID_EVENT_ID',
        ],
        [
          'an event type that is not PascalCase',
          () => store.append(uniqueStream(), [event('drop table')]),
          'INVALID_EVENT_TYPE',
        ],
        [
          'data that is not an object',
          () => store.append(uniqueStream(), [{ id: randomUUID(), type: 'A', data: [1] as never }]),
          'INVALID_EVENT_DATA',
        ],
        [
          'data with a bigint',
          () => store.append(uniqueStream(), [{ id: randomUUID(), type: 'A', data: { n: 1n } as never }]),
          'INVALID_EVENT_DATA',
        ],
      ];
      it.each(cases)('refuses %s', async (_what, attempt, code) => {
        const before = await headPosition(store);
        await expect(attempt()).rejects.toMatchObject({ code, status: 400 });
        expect(await headPosition(store)).toBe(before);
      });
    });

    describe('stream metadata and soft delete', () => {
      it('keeps custom metadata and truncateBefore, hiding earlier revisions', async () => {
        const stream = uniqueStream();
        await store.append(stream, [event('A'), event('B'), event('C')]);
        await store.setStreamMetadata(stream, { truncateBefore: 2n, custom: { owner: 'test' } });
        expect(await store.getStreamMetadata(stream)).toEqual({
          truncateBefore: 2n,
          custom: { owner: 'test' },
        });
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['C']);
      });

      it('soft-deletes: the stream reads empty, stays in the global log, and revives with later revisions', async () => {
        const from = await headPosition(store);
        const stream = uniqueStream();
        await store.append(stream, [event('A'), event('B')]);
        await expect(store.deleteStream(stream, { expectedRevision: 0n })).rejects.toMatchObject({
          code: 'WRONG_EXPECTED_VERSION',
        });
        await store.deleteStream(stream, { expectedRevision: 1n });
        expect(await store.readStream(stream)).toEqual([]);
        expect((await readAllAfter(store, from)).filter((e) => e.stream === stream)).toHaveLength(2);
        await store.append(stream, [event('Revived')], { expectedRevision: 'no_stream' });
        const revived = await store.readStream(stream);
        expect(revived.map((e) => [e.type, e.revision])).toEqual([['Revived', 2n]]);
      });
    });
  });
}
