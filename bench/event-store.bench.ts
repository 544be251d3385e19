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
  /** Concurrent writers of single-event appends, each measured: one at a time, and many like busy HTTP. */
  readonly writers: readonly number[];
  readonly singleAppends: number;
  readonly batches: number;
  readonly targets: { readonly single?: number; readonly catchUp?: number };
}

/** One event per command with its expected revision, as a command handler appends. */
function singleAppends(store: EventStore, count: number, writers: number): Promise<number> {
  const revisions = new Map<string, bigint>();
  return throughput(count, writers, async (i, writer) => {
    // Each writer owns its streams, so writers never race for a revision.
    const stream = `bench${writers}-${writer}x${i % 64}`;
    const result = await store.append(stream, [event(i)], {
      expectedRevision: revisions.get(stream) ?? 'no_stream',
    });
    revisions.set(stream, result.nextExpectedRevision);
  });
}

async function readWholeLog(store: EventStore): Promise<number> {
  let count = 0;
  let from: bigint | undefined;
  for (;;) {
    const page = await store.readAll({ ...(from !== undefined && { fromPosition: from }), maxCount: 1000 });
    if (page.length === 0) return count;
    count += page.length;
    from = page[page.length - 1]!.position;
  }
}

async function catchUp(store: EventStore, total: number): Promise<number> {
  const subscription = store.subscribeToAll();
  let count = 0;
  for await (const _ of subscription) if (++count === total) break;
  await subscription.close();
  return count;
}

/** Through the port, as the platform uses it. */
async function measure(store: EventStore, plan: Plan): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const writers of plan.writers) {
    figures.push({
      name: `${plan.store}: single-event appends/s, ${writers} concurrent writer${writers > 1 ? 's' : ''}`,
      value: await singleAppends(store, plan.singleAppends, writers),
      unit: 'appends/s',
      ...(plan.targets.single && writers > 1 && { target: plan.targets.single }),
    });
  }
  const batched = await throughput(plan.batches, Math.max(...plan.writers), (i) =>
    store.append(
      `batch-${i}`,
      Array.from({ length: 100 }, (_, n) => event(n)),
      { expectedRevision: 'no_stream' },
    ),
  );
  const total = plan.singleAppends * plan.writers.length + plan.batches * 100;
  figures.push(
    { name: `${plan.store}: 100-event batch appends, events/s`, value: batched * 100, unit: 'events/s' },
    {
      name: `${plan.store}: readAll, events/s (pages of 1000, ${total} events)`,
      value: await timed(() => readWholeLog(store)),
      unit: 'events/s',
    },
    {
      name: `${plan.store}: subscription catch-up, events/s`,
      value: await timed(() => catchUp(store, total)),
      unit: 'events/s',
      ...(plan.targets.catchUp && { target: plan.targets.catchUp }),
    },
  );
  return figures;
}

export async function runSqlite(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sqlite-'));
  const store = new SqliteEventStore({ path: join(dir, 'events.db') });
  try {
    return await measure(store, {
      store: 'sqlite',
      writers: [1, 16],
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
      writers: [16],
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
