import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { AppendResult, EventStore, RecordedEvent } from '../event-store.port.js';
import {
  describeEventStoreConformance,
  event,
  headPosition,
  readAllAfter,
  uniqueStream,
} from '../testing/conformance.js';
import { createTestSchema, postgresTestUrl } from '../testing/postgres-test-database.js';
import { PostgresEventStore } from './postgres-event-store.js';

const url = await postgresTestUrl();

// One file for every PostgreSQL test of the store, so that they run one after another: the late-commit test
// holds a transaction open, which holds back what every reader in the cluster may see.
describeEventStoreConformance('postgres', () => {
  if (!url) return undefined;
  // Created on first use: a run that filters these tests out would never drop it.
  let schema: ReturnType<typeof createTestSchema> | undefined;
  return {
    open: async () => {
      schema ??= createTestSchema(url, 'conformance');
      return PostgresEventStore.open({ connectionString: url, schema: (await schema).schema });
    },
    dispose: async () => (await schema)?.drop(),
  };
});

const maybe = url ? describe : describe.skip;

const NOTHING = Symbol('nothing');
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof NOTHING> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof NOTHING>((resolve) => (timer = setTimeout(() => resolve(NOTHING), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function take(
  iterator: AsyncIterator<RecordedEvent>,
  count: number,
  ms: number,
): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  const deadline = Date.now() + ms;
  while (out.length < count) {
    const next = await within(iterator.next(), deadline - Date.now());
    if (next === NOTHING || next.done) break;
    out.push(next.value);
  }
  return out;
}

maybe('PostgresEventStore across transactions and processes', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let admin: pg.Client;
  let store: PostgresEventStore;

  /** Stores with their own pools, as several app instances would have. */
  const openInstances = (count: number, poolSize: number, on = schema.schema) =>
    Promise.all(
      Array.from({ length: count }, () =>
        PostgresEventStore.open({ connectionString: url!, schema: on, poolSize }),
      ),
    );

  beforeAll(async () => {
    schema = await createTestSchema(url!, 'ordering');
    store = await PostgresEventStore.open({ connectionString: url!, schema: schema.schema });
    admin = new pg.Client({ connectionString: url! });
    await admin.connect();
  });

  afterAll(async () => {
    await store?.close();
    await admin?.end();
    await schema?.drop();
  });

  it('withholds events committed after a slower transaction until it commits, then delivers all of them once, in order', async () => {
    const quoted = pg.escapeIdentifier(schema.schema);
    // Makes an append to a `held-` stream wait inside its transaction, after taking its transaction id and
    // before COMMIT, for as long as this test holds an advisory lock.
    await admin.query(`
      CREATE FUNCTION ${quoted}.hold_append() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_advisory_xact_lock_shared(hashtext(TG_TABLE_SCHEMA), 1); RETURN NEW; END $$;
      CREATE TRIGGER hold_append BEFORE INSERT ON ${quoted}.events
      FOR EACH ROW WHEN (NEW.stream LIKE 'held-%') EXECUTE FUNCTION ${quoted}.hold_append();
    `);
    const from = await headPosition(store);
    const subscription = store.subscribeToAll(from === undefined ? {} : { fromPosition: from });
    const iterator = subscription[Symbol.asyncIterator]();

    const held = [event('Held', { n: 0 }), event('Held', { n: 1 })];
    const later = Array.from({ length: 5 }, (_, n) => event('Later', { n }));
    const laterStream = uniqueStream('later');
    const laterResults: AppendResult[] = [];
    let heldAppend: Promise<AppendResult> | undefined;
    let early: Promise<IteratorResult<RecordedEvent>> | undefined;
    await admin.query('SELECT pg_advisory_lock(hashtext($1), 1)', [schema.schema]);
    try {
      heldAppend = store.append(uniqueStream('held'), held);
      await waitUntilHeld(admin, schema.schema);
      for (const e of later) laterResults.push(await store.append(laterStream, [e]));

      // The later events are committed: a plain ORDER BY position would hand them out now and skip the held ones.
      const { rows } = await admin.query(
        `SELECT count(*)::int AS n FROM ${quoted}.events WHERE stream = $1`,
        [laterStream],
      );
      expect(rows[0].n).toBe(5);
      expect(await readAllAfter(store, from)).toEqual([]);
      early = iterator.next();
      expect(await within(early, 800)).toBe(NOTHING);
    } finally {
      // Even when a check fails: a transaction left open would stall every reader of the cluster.
      await admin.query('SELECT pg_advisory_unlock(hashtext($1), 1)', [schema.schema]);
    }
    const heldResult = await heldAppend;
    expect(heldResult.position).toBeLessThan(laterResults[0]!.position);

    const first = await early!;
    const delivered = [first.value as RecordedEvent, ...(await take(iterator, 6, 5000))];
    expect(await take(iterator, 1, 700)).toEqual([]);
    await subscription.close();
    expect(delivered.map((e) => e.id)).toEqual([...held, ...later].map((e) => e.id));
    for (let i = 1; i < delivered.length; i++) {
      expect(delivered[i]!.position).toBeGreaterThan(delivered[i - 1]!.position);
    }
    expect((await readAllAfter(store, from)).map((e) => e.id)).toEqual(delivered.map((e) => e.id));
  });

  // 1 s outlasts readAll's pauses: a head is asked once, by a caller that goes on as if every event before it were in.
  it.each([40, 1_000])(
    'gives as head every event committed before it is asked, waiting out a transaction started earlier (open %i ms more)',
    async (openMs) => {
      const other = new pg.Client({ connectionString: url! });
      await other.connect();
      try {
        // Another transaction of the cluster, with an id older than the append's, still open when the head is asked.
        await other.query('BEGIN');
        await other.query('SELECT pg_current_xact_id()');
        const appended = await store.append(uniqueStream('head'), [event('Counted')]);
        const head = store.headPosition();
        await new Promise((resolve) => setTimeout(resolve, openMs));
        await other.query('COMMIT');
        expect(await head).toBe(appended.position);
      } finally {
        await other.end();
      }
    },
  );

  it('keeps every event exactly once, revisions gap-free and the order total under many writers in several processes', async () => {
    const from = await headPosition(store);
    const processes = await openInstances(4, 4);
    const observer = store.subscribeToAll(from === undefined ? {} : { fromPosition: from });
    const observed = observer[Symbol.asyncIterator]();
    const shared = [uniqueStream('shared'), uniqueStream('shared')];
    const writes = new Map<string, string[]>();
    const record = (stream: string, ids: string[]): void => {
      writes.set(stream, [...(writes.get(stream) ?? []), ...ids]);
    };

    const writer = async (instance: EventStore, w: number): Promise<void> => {
      const own = uniqueStream('own');
      let expectedRevision: bigint | 'no_stream' = 'no_stream';
      for (let i = 0; i < 20; i++) {
        const mine = event('Owned', { w, i });
        expectedRevision = (await instance.append(own, [mine], { expectedRevision })).nextExpectedRevision;
        record(own, [mine.id]);
        const stream = shared[(w + i) % shared.length]!;
        const batch = Array.from({ length: 1 + (i % 3) }, (_, n) => event('Shared', { w, i, n }));
        await instance.append(stream, batch);
        record(
          stream,
          batch.map((e) => e.id),
        );
      }
    };
    await Promise.all(processes.flatMap((p) => Array.from({ length: 8 }, (_, w) => writer(p, w))));
    await Promise.all(processes.map((p) => p.close()));

    const total = [...writes.values()].reduce((n, ids) => n + ids.length, 0);
    const all = await readAllAfter(store, from);
    expect(all).toHaveLength(total);
    expect(new Set(all.map((e) => e.id)).size).toBe(total);
    for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
    for (const [stream, ids] of writes) {
      const events = await store.readStream(stream);
      expect(events.map((e) => e.revision)).toEqual(ids.map((_, i) => BigInt(i)));
      // Writers to a shared stream race, so only each writer's own stream has an order known in advance.
      if (shared.includes(stream)) expect(new Set(events.map((e) => e.id))).toEqual(new Set(ids));
      else expect(events.map((e) => e.id)).toEqual(ids);
    }

    const seen = await take(observed, total, 10_000);
    expect(await take(observed, 1, 700)).toEqual([]);
    await observer.close();
    expect(seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
  });

  it('settles races between first appends, and between appends of the same ids, from several processes', async () => {
    const processes = await openInstances(4, 2);
    try {
      const stream = uniqueStream();
      const firsts = await Promise.allSettled(
        processes.flatMap((p, n) =>
          [0, 1].map((k) => p.append(stream, [event('First', { n, k })], { expectedRevision: 'no_stream' })),
        ),
      );
      expect(firsts.filter((f) => f.status === 'fulfilled')).toHaveLength(1);
      for (const f of firsts.filter((f) => f.status === 'rejected')) {
        expect((f as PromiseRejectedResult).reason).toMatchObject({ code: 'WRONG_EXPECTED_VERSION' });
      }

      const retried = uniqueStream();
      const same = [event('Retried'), event('Retried')];
      const answers = await Promise.all(
        processes.map((p) => p.append(retried, same, { expectedRevision: 'no_stream' })),
      );
      expect(answers.every((a) => a.position === answers[0]!.position)).toBe(true);
      expect(await store.readStream(retried)).toHaveLength(2);

      const contested = event('Contested');
      const claims = await Promise.allSettled(processes.map((p) => p.append(uniqueStream(), [contested])));
      expect(claims.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
      for (const c of claims.filter((c) => c.status === 'rejected')) {
        expect((c as PromiseRejectedResult).reason).toMatchObject({ code: 'EVENT_ID_CONFLICT' });
      }
    } finally {
      await Promise.all(processes.map((p) => p.close()));
    }
  });

  it('lets several processes start on the same new schema at once', async () => {
    const fresh = await createTestSchema(url!, 'startup');
    await admin.query(`DROP SCHEMA ${pg.escapeIdentifier(fresh.schema)}`);
    try {
      const stores = await openInstances(4, 2, fresh.schema);
      const stream = uniqueStream();
      await stores[0]!.append(stream, [event('Started')]);
      expect(await stores[3]!.readStream(stream)).toHaveLength(1);
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await fresh.drop();
    }
  });

  it('reports an unreachable server as EVENT_STORE_UNAVAILABLE without naming it', async () => {
    await expect(
      PostgresEventStore.open({ connectionString: 'postgres://app:s3cret@127.0.0.1:1/nowhere' }),
    ).rejects.toMatchObject({
      code: 'EVENT_STORE_UNAVAILABLE',
      status: 503,
      message: expect.not.stringMatching(/s3cret|127\.0\.0\.1|nowhere/),
    });
    const closed = await PostgresEventStore.open({ connectionString: url!, schema: schema.schema });
    await closed.close();
    await expect(closed.ping()).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE', status: 503 });
  });
});

/** Until an append to this schema waits in the `hold_append` trigger, its transaction id taken. */
async function waitUntilHeld(admin: pg.Client, schema: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { rows } = await admin.query(
      `SELECT 1 FROM pg_stat_activity
       WHERE wait_event = 'advisory' AND backend_xid IS NOT NULL AND strpos(query, $1) > 0`,
      [pg.escapeIdentifier(schema)],
    );
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the held append never started waiting');
}
