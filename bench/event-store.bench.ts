import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresEventStore, SqliteEventStore, type EventStore, type NewEvent } from '#libs/event-store';
import { throughput, timed } from './measure.js';

export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: number;
}

const event = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'CitizenLoggedIn',
  data: { eService: `eservice-${n % 300}`, department: `dept-${n % 70}`, acr: 'basic', n },
  metadata: { correlationId: randomUUID(), actor: 'system:bench', schemaVersion: 1 },
});

interface Plan {
  readonly store: string;
  readonly writers: number;
  readonly singleAppends: number;
  readonly batches: number;
  readonly targets: { single?: number; catchUp?: number };
}

/** Through the port, as the platform uses it: one event per command with its expected revision, and batches. */
async function measure(store: EventStore, plan: Plan): Promise<Figure[]> {
  const streams = 1000;
  const revisions = new Map<number, bigint>();
  const single = await throughput(plan.singleAppends, plan.writers, async (i) => {
    // Each writer owns the streams congruent to it, so writers never race for a revision.
    const s = (i % streams) - ((i % streams) % plan.writers) + (i % plan.writers);
    const result = await store.append(`bench-${s}`, [event(i)], {
      expectedRevision: revisions.get(s) ?? 'no_stream',
    });
    revisions.set(s, result.nextExpectedRevision);
  });
  const batched = await throughput(plan.batches, plan.writers, (i) =>
    store.append(
      `batch-${i}`,
      Array.from({ length: 100 }, (_, n) => event(n)),
      { expectedRevision: 'no_stream' },
    ),
  );
  const total = plan.singleAppends + plan.batches * 100;
  const readAll = await timed(async () => {
    let count = 0;
    let from: bigint | undefined;
    for (;;) {
      const page = await store.readAll({ ...(from !== undefined && { fromPosition: from }), maxCount: 1000 });
      if (page.length === 0) return count;
      count += page.length;
      from = page[page.length - 1]!.position;
    }
  });
  const catchUp = await timed(async () => {
    const subscription = store.subscribeToAll();
    let count = 0;
    for await (const _ of subscription) if (++count === total) break;
    await subscription.close();
    return count;
  });
  const who = `${plan.store}`;
  return [
    {
      name: `${who}: single-event appends/s (${plan.writers} writer${plan.writers > 1 ? 's' : ''})`,
      value: single,
      unit: 'appends/s',
      ...(plan.targets.single && { target: plan.targets.single }),
    },
    { name: `${who}: 100-event batch appends, events/s`, value: batched * 100, unit: 'events/s' },
    { name: `${who}: readAll, events/s (pages of 1000)`, value: readAll, unit: 'events/s' },
    {
      name: `${who}: subscription catch-up, events/s`,
      value: catchUp,
      unit: 'events/s',
      ...(plan.targets.catchUp && { target: plan.targets.catchUp }),
    },
  ];
}

export async function runSqlite(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sqlite-'));
  const store = new SqliteEventStore({ path: join(dir, 'events.db') });
  try {
    return await measure(store, {
      store: 'sqlite',
      writers: 1,
      singleAppends: 50_000,
      batches: 1_500,
      targets: { single: 20_000, catchUp: 200_000 },
    });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runPostgres(url: string): Promise<Figure[]> {
  const schema = `bench_${Date.now().toString(36)}`;
  const store = await PostgresEventStore.open({ connectionString: url, schema, poolSize: 16 });
  try {
    return await measure(store, {
      store: 'postgres',
      writers: 16,
      singleAppends: 20_000,
      batches: 500,
      targets: { single: 3_000 },
    });
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}
