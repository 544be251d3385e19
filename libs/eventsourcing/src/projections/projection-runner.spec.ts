import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { PostgresEventStore, SqliteEventStore, type EventStore, type RecordedEvent } from '#libs/event-store';
import {
  createTestSchema,
  postgresTestUrl,
} from '../../../event-store/src/testing/postgres-test-database.js';
import { systemClock } from '../clock/clock.js';
import { Upcasters } from '../metadata/upcasters.js';
import type { ReadModelDatabase } from '../read-models/read-model-database.js';
import { readModelTargets } from '../read-models/read-model-database.testing.js';
import type { Transaction } from 'kysely';
import type { Projection } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';

const url = await postgresTestUrl();

/** Totals per account, plus a switch that makes it fail, to prove a failed batch leaves nothing behind. */
function depositTotals(version = 1, name = 'deposit-totals'): Projection & { failOn?: number } {
  const projection: Projection & { failOn?: number } = {
    name,
    version,
    eventTypes: ['Deposited'],
    setup: async (db) => {
      await db.schema
        .createTable('deposit_totals')
        .ifNotExists()
        .addColumn('account', 'text', (c) => c.primaryKey())
        .addColumn('total', 'integer', (c) => c.notNull())
        .addColumn('deposits', 'integer', (c) => c.notNull())
        .execute();
    },
    reset: async (trx) => {
      await trx.deleteFrom('deposit_totals').execute();
    },
    apply: async (trx, events: readonly RecordedEvent[]) => {
      for (const event of events) {
        const amount = Number(event.data['amount']);
        if (amount === projection.failOn) throw Object.assign(new Error('boom'), { code: 'TEST_FAILURE' });
        await trx
          .insertInto('deposit_totals')
          .values({ account: event.stream, total: amount, deposits: 1 })
          .onConflict((oc) =>
            oc.column('account').doUpdateSet((eb) => ({
              total: eb('deposit_totals.total', '+', amount),
              deposits: eb('deposit_totals.deposits', '+', 1),
            })),
          )
          .execute();
      }
    },
  };
  return projection;
}

/** The same totals, folded in memory as the runner reads the events and written once per batch. */
function tallyingDepositTotals(failingWrites = 0): Projection {
  const plain = depositTotals();
  let failuresLeft = failingWrites;
  const tally = () => {
    const sums = new Map<string, [number, number]>();
    return {
      add(event: RecordedEvent) {
        const [total, deposits] = sums.get(event.stream) ?? [0, 0];
        sums.set(event.stream, [total + Number(event.data['amount']), deposits + 1]);
      },
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      async write(trx: Transaction<any>) {
        for (const [account, [total, deposits]] of sums) {
          await trx
            .insertInto('deposit_totals')
            .values({ account, total, deposits })
            .onConflict((oc) =>
              oc.column('account').doUpdateSet((eb) => ({
                total: eb('deposit_totals.total', '+', total),
                deposits: eb('deposit_totals.deposits', '+', deposits),
              })),
            )
            .execute();
        }
        if (failuresLeft-- > 0) throw Object.assign(new Error('boom'), { code: 'TEST_FAILURE' });
      },
    };
  };
  return { ...plain, tally };
}

async function totals(readModels: ReadModelDatabase): Promise<Record<string, [number, number]>> {
  const rows = await readModels.db.selectFrom('deposit_totals').selectAll().orderBy('account').execute();
  return Object.fromEntries(rows.map((r) => [r.account, [Number(r.total), Number(r.deposits)]]));
}

const deposit = (amount: number) => ({ id: randomUUID(), type: 'Deposited', data: { amount } });
const noise = () => ({ id: randomUUID(), type: 'Renamed', data: { name: 'x' } });

describe.each(readModelTargets(url).map((t) => [t.name, t] as const))(
  'ProjectionRunner on %s',
  (_name, target) => {
    let store: EventStore;
    let readModels: ReadModelDatabase;
    let runner: ProjectionRunner;
    const newRunner = () =>
      new ProjectionRunner(store, readModels, new Upcasters(), systemClock, { retryDelayMs: 20 });

    beforeEach(async () => {
      store = new SqliteEventStore({ path: ':memory:' });
      readModels = await target.open();
      await readModels.db.schema.dropTable('deposit_totals').ifExists().execute();
      await readModels.db.schema.dropTable('projection_checkpoints').ifExists().execute();
      runner = newRunner();
    });
    afterEach(async () => {
      await runner.stop();
      await readModels.close();
      await store.close();
    });
    afterAll(() => target.dispose());

    it('catches up on existing events, then follows live ones', async () => {
      await store.append('account-a', [deposit(10), noise(), deposit(5)]);
      await runner.start([depositTotals()]);
      const live = await store.append('account-b', [deposit(7)]);
      await runner.waitFor(live.position);
      expect(await totals(readModels)).toEqual({ 'account-a': [15, 2], 'account-b': [7, 1] });
      expect(runner.status()).toEqual([
        expect.objectContaining({ name: 'deposit-totals', position: live.position, eventsProcessed: 4 }),
      ]);
    });

    it('waits only for the projections named, so a failing unrelated one holds nobody up', async () => {
      const failing = depositTotals(1, 'always-failing');
      failing.failOn = 1;
      await runner.start([depositTotals(), failing]);
      const head = await store.append('account-a', [deposit(1)]);
      await runner.waitFor(head.position, 5_000, ['deposit-totals']);
      await expect(runner.waitFor(head.position, 200)).rejects.toThrow(/always-failing/);
    });

    it('resumes from its checkpoint after a restart without applying anything twice', async () => {
      await store.append('account-a', [deposit(1), deposit(2)]);
      await runner.start([depositTotals()]);
      const first = await store.append('account-a', [deposit(3)]);
      await runner.waitFor(first.position);
      await runner.stop();
      const whileDown = await store.append('account-a', [deposit(4), deposit(5)]);
      runner = newRunner();
      await runner.start([depositTotals()]);
      await runner.waitFor(whileDown.position);
      expect(await totals(readModels)).toEqual({ 'account-a': [15, 5] });
    });

    it('commits nothing of a failing batch, retries it, and applies each event once when it recovers', async () => {
      const projection = depositTotals();
      projection.failOn = 13;
      await store.append('account-a', [deposit(1), deposit(13), deposit(2)]);
      await runner.start([projection]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(runner.status()[0]).toMatchObject({
        state: 'failing',
        lastError: 'TEST_FAILURE',
        position: undefined,
      });
      expect(await totals(readModels)).toEqual({});
      delete projection.failOn;
      const last = await store.append('account-a', [deposit(4)]);
      await runner.waitFor(last.position);
      expect(await totals(readModels)).toEqual({ 'account-a': [20, 4] });
    });

    it.each([
      ['holding its events', depositTotals],
      ['tallying its events as they are read', tallyingDepositTotals],
    ])(
      'applies each event once when two instances follow the log into the same read models, %s',
      async (_kind, projectionOf) => {
        // Another pool on PostgreSQL; on SQLite, the same connection (a second one in this process would wait
        // for the first synchronously, holding up the event loop that the first needs to commit).
        const shared = target.name === 'postgres' ? await target.open() : readModels;
        const second = new ProjectionRunner(store, shared, new Upcasters(), systemClock, { batchSize: 7 });
        try {
          await store.append(
            'account-a',
            Array.from({ length: 50 }, () => deposit(1)),
          );
          await Promise.all([runner.start([projectionOf()]), second.start([projectionOf()])]);
          let last = 0n;
          for (let i = 0; i < 30; i++) {
            last = (await store.append(`account-${i % 3}`, [deposit(2), noise(), deposit(3)])).position;
          }
          await Promise.all([runner.waitFor(last), second.waitFor(last)]);
          const result = await totals(readModels);
          expect(result['account-a']).toEqual([50, 50]);
          expect(Object.values(result).reduce((sum, [total]) => sum + total, 0)).toBe(50 + 30 * 5);
          expect(Object.values(result).reduce((sum, [, deposits]) => sum + deposits, 0)).toBe(50 + 30 * 2);
        } finally {
          await second.stop();
          if (shared !== readModels) await shared.close();
        }
      },
    );

    it('writes an unchanged tally again when its transaction is retried, so each event counts once', async () => {
      const projection = tallyingDepositTotals(2);
      await store.append('account-a', [deposit(1), noise(), deposit(2)]);
      runner = new ProjectionRunner(store, readModels, new Upcasters(), systemClock, {
        batchSize: 2,
        retryDelayMs: 20,
      });
      await runner.start([projection]);
      const last = await store.append('account-b', [deposit(4)]);
      await runner.waitFor(last.position);
      expect(await totals(readModels)).toEqual({ 'account-a': [3, 2], 'account-b': [4, 1] });
    });

    it('tells the projection once it has caught up with the log and turns live', async () => {
      const caughtUpAt: (bigint | undefined)[] = [];
      await store.append('account-a', [deposit(1), deposit(2)]);
      await runner.start([
        { ...depositTotals(), caughtUp: async () => void caughtUpAt.push(runner.status()[0]?.position) },
      ]);
      const live = await store.append('account-a', [deposit(3)]);
      await runner.waitFor(live.position);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(caughtUpAt).toEqual([2n]);
      expect(runner.status()[0]?.state).toBe('live');
    });

    it('commits large catch-ups in batches and stays consistent', async () => {
      for (let batch = 0; batch < 5; batch++) {
        await store.append(
          `account-${batch}`,
          Array.from({ length: 400 }, () => deposit(1)),
        );
      }
      const last = await store.append('account-0', [deposit(1)]);
      runner = new ProjectionRunner(store, readModels, new Upcasters(), systemClock, { batchSize: 150 });
      await runner.start([depositTotals()]);
      await runner.waitFor(last.position);
      const result = await totals(readModels);
      expect(result['account-0']).toEqual([401, 401]);
      expect(Object.values(result).reduce((sum, [total]) => sum + total, 0)).toBe(2001);
    });

    it('lets timers and I/O run during a long catch-up, a batch at a time', async () => {
      for (let batch = 0; batch < 4; batch++) {
        await store.append(
          `account-${batch}`,
          Array.from({ length: 500 }, () => deposit(1)),
        );
      }
      const last = await store.append('account-0', [deposit(1)]);
      runner = new ProjectionRunner(store, readModels, new Upcasters(), systemClock, { batchSize: 100 });
      await runner.start([depositTotals()]);
      const seenByATimer = await new Promise<number>((resolve) =>
        setImmediate(() => resolve(runner.status()[0]!.eventsProcessed)),
      );
      await runner.waitFor(last.position);
      expect(seenByATimer).toBeLessThan(1_000);
      expect(Object.values(await totals(readModels)).reduce((sum, [total]) => sum + total, 0)).toBe(2001);
    });

    it('rebuilds from zero to the same state, reporting progress', async () => {
      await store.append('account-a', [deposit(10), deposit(20)]);
      await store.append('account-b', [deposit(5)]);
      await runner.start([depositTotals()]);
      const head = await store.append('account-b', [deposit(5)]);
      await runner.waitFor(head.position);
      const incremental = await totals(readModels);
      await readModels.db.updateTable('deposit_totals').set({ total: 0 }).execute();
      const progress: number[] = [];
      const done = await runner.rebuild('deposit-totals', head.position, (p) =>
        progress.push(p.eventsProcessed),
      );
      expect(done).toMatchObject({ name: 'deposit-totals', eventsProcessed: 4, position: head.position });
      expect(await totals(readModels)).toEqual(incremental);
      const after = await store.append('account-c', [deposit(1)]);
      await runner.waitFor(after.position);
      expect((await totals(readModels))['account-c']).toEqual([1, 1]);
    });

    it('rebuilds a read model whose stored version is older than the code', async () => {
      await store.append('account-a', [deposit(10)]);
      await runner.start([depositTotals(1)]);
      const head = await store.append('account-a', [deposit(1)]);
      await runner.waitFor(head.position);
      await runner.stop();
      await readModels.db.updateTable('deposit_totals').set({ total: 999 }).execute();
      runner = newRunner();
      await runner.start([depositTotals(2)]);
      await runner.waitFor(head.position);
      expect(await totals(readModels)).toEqual({ 'account-a': [11, 2] });
    });
  },
);

describe('ProjectionRunner on a PostgreSQL event store', () => {
  const onPostgres = url === undefined ? it.skip : it;

  onPostgres(
    "catches up in batches of its own size, not the store's pages, and is caught up at the log's end",
    async () => {
      const { schema, drop } = await createTestSchema(url!, 'runner');
      const store = await PostgresEventStore.open({ connectionString: url!, schema });
      const target = readModelTargets(undefined)[0]!;
      const readModels = await target.open();
      const runner = new ProjectionRunner(store, readModels, new Upcasters(), systemClock);
      try {
        // More events than the subscription reads in one page (1 000): each page read waits for the network.
        for (let account = 0; account < 5; account++)
          await store.append(
            `account-${account}`,
            Array.from({ length: 500 }, () => deposit(1)),
          );
        const head = (await store.headPosition())!;
        const tallied = tallyingDepositTotals();
        const batches: number[] = [];
        const caughtUpAt: (bigint | undefined)[] = [];
        await runner.start([
          {
            ...tallied,
            catchUpBatchSize: 10_000,
            tally: () => {
              const tally = tallied.tally!();
              let events = 0;
              return {
                add: (event) => void (events++, tally.add(event)),
                write: async (trx) => void (batches.push(events), await tally.write(trx)),
              };
            },
            caughtUp: async () => void caughtUpAt.push(runner.status()[0]?.position),
          },
        ]);
        await runner.waitFor(head);
        expect(batches).toEqual([2500]);
        expect(caughtUpAt).toEqual([head]);
        expect(await totals(readModels)).toHaveProperty('account-4', [500, 500]);
      } finally {
        await runner.stop();
        await readModels.close();
        await target.dispose();
        await store.close();
        await drop();
      }
    },
  );
});
