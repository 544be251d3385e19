import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '../event-store.port.js';
import { describeEventStoreConformance } from '../testing/conformance.js';
import { SqliteEventStore } from './sqlite-event-store.js';

describeEventStoreConformance('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'event-store-'));
  return {
    open: () => Promise.resolve(new SqliteEventStore({ path: join(dir, 'events.db') })),
    dispose: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
});

describe('sqlite subscriptions sharing a page of the log', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:' });
  });
  afterEach(() => store.close());

  const append = (stream: string, n: number) =>
    store.append(stream, [{ id: randomUUID(), type: 'Counted', data: { n }, metadata: {} }]);
  const take = async (iterator: AsyncIterator<RecordedEvent>, count: number) => {
    const events: RecordedEvent[] = [];
    while (events.length < count) events.push((await iterator.next()).value as RecordedEvent);
    return events;
  };

  it('gives followers woken by the same appends every event, each as its own objects, none after a later append hidden', async () => {
    await append('counter-a', 0);
    const followers = Array.from({ length: 4 }, (_, i) =>
      store.subscribeToAll(i % 2 === 0 ? {} : { fromPosition: 1n }),
    );
    const iterators = followers.map((f) => f[Symbol.asyncIterator]());
    const waiting = iterators.map((iterator, i) => take(iterator, i % 2 === 0 ? 5 : 4));
    for (let n = 1; n < 5; n++) {
      await append('counter-a', n);
      if (n === 2) await new Promise((resolve) => setImmediate(resolve));
    }
    const seen = await Promise.all(waiting);
    await Promise.all(followers.map((f) => f.close()));
    for (const [i, events] of seen.entries()) {
      expect(events.map((e) => e.data['n'])).toEqual(i % 2 === 0 ? [0, 1, 2, 3, 4] : [1, 2, 3, 4]);
    }
    expect(seen[0]![1]).not.toBe(seen[2]![1]);
    expect(seen[0]![1]).toEqual(seen[2]![1]);
  });
});
