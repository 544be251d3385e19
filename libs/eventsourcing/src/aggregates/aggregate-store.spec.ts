import { beforeEach, describe, expect, it } from '@jest/globals';
import { SqliteEventStore, type EventStore } from '#libs/event-store';
import { ManualClock } from '../clock/clock.js';
import type { CommandContext } from '../metadata/event-metadata.js';
import { Upcasters } from '../metadata/upcasters.js';
import { AggregateStore } from './aggregate-store.js';
import type { DomainEvent, Evolver } from './domain-event.js';
import { DomainError } from '#libs/errors';

type Deposited = DomainEvent<'Deposited', { amount: number }>;
type Withdrawn = DomainEvent<'Withdrawn', { amount: number }>;
type AccountEvent = Deposited | Withdrawn;
interface Account {
  balance: number;
}

const account: Evolver<Account, AccountEvent> = {
  eventTypes: ['Deposited', 'Withdrawn'],
  initialState: () => ({ balance: 0 }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'Deposited':
        return { balance: state.balance + event.data.amount };
      case 'Withdrawn':
        return { balance: state.balance - event.data.amount };
    }
  },
};

const withdraw =
  (amount: number) =>
  (state: Account): AccountEvent[] => {
    if (state.balance < amount) throw new DomainError('INSUFFICIENT_FUNDS', 'not enough money', 422);
    return [{ type: 'Withdrawn', data: { amount } }];
  };

const deposit = (amount: number) => (): AccountEvent[] => [{ type: 'Deposited', data: { amount } }];

const context = (overrides: Partial<CommandContext> = {}): CommandContext => ({
  correlationId: 'corr-1',
  causationId: 'req-1',
  actor: 'citizen:test',
  ...overrides,
});

describe('AggregateStore', () => {
  let store: EventStore;
  let aggregates: AggregateStore;
  const clock = new ManualClock(new Date('2026-03-01T08:00:00.000Z'));

  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:' });
    aggregates = new AggregateStore(store, new Upcasters(), clock);
  });

  it('appends what the decision returns, with the metadata of the command', async () => {
    const result = await aggregates.handle('account-1', account, deposit(50), context());
    expect(result).toMatchObject({ state: { balance: 50 }, revision: 0n, replayed: false });
    const [written] = await store.readStream('account-1');
    expect(written!.metadata).toEqual({
      correlationId: 'corr-1',
      causationId: 'req-1',
      actor: 'citizen:test',
      occurredAt: '2026-03-01T08:00:00.000Z',
      schemaVersion: 1,
    });
  });

  it('decides on the state folded from the stream, and a refusal writes nothing', async () => {
    await aggregates.handle('account-1', account, deposit(30), context());
    await expect(aggregates.handle('account-1', account, withdraw(40), context())).rejects.toMatchObject({
      code: 'INSUFFICIENT_FUNDS',
    });
    expect(await store.readStream('account-1')).toHaveLength(1);
  });

  it('re-decides on fresh state after losing a race, so both concurrent commands apply', async () => {
    await aggregates.handle('account-1', account, deposit(100), context());
    await Promise.all([
      aggregates.handle('account-1', account, withdraw(30), context()),
      aggregates.handle('account-1', account, withdraw(30), context()),
    ]);
    expect((await aggregates.load('account-1', account)).state.balance).toBe(40);
  });

  it('re-decides against the new state: the loser of a race can be refused by the rules', async () => {
    await aggregates.handle('account-1', account, deposit(50), context());
    const results = await Promise.allSettled([
      aggregates.handle('account-1', account, withdraw(40), context()),
      aggregates.handle('account-1', account, withdraw(40), context()),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await aggregates.load('account-1', account)).state.balance).toBe(10);
  });

  it('decides first on a state the caller read, and on fresh state when the stream changed since', async () => {
    await aggregates.handle('account-1', account, deposit(50), context());
    const read = await aggregates.load('account-1', account);
    const unchanged = await aggregates.handle('account-1', account, withdraw(20), context(), read);
    expect(unchanged).toMatchObject({ state: { balance: 30 }, revision: 1n });

    await aggregates.handle('account-1', account, withdraw(25), context());
    // `read` still says 50: the append expecting its revision fails, the decision runs again on 5 and refuses.
    await expect(
      aggregates.handle('account-1', account, withdraw(20), context(), read),
    ).rejects.toMatchObject({
      code: 'INSUFFICIENT_FUNDS',
    });
    expect((await store.readStream('account-1')).map((e) => e.type)).toEqual([
      'Deposited',
      'Withdrawn',
      'Withdrawn',
    ]);
  });

  it('answers 409 CONCURRENCY_CONFLICT when the stream keeps changing beyond the retry budget', async () => {
    const racing = new AggregateStore(store, new Upcasters(), clock, { maxAttempts: 2 });
    const interfering = (state: Account): AccountEvent[] => {
      void store.append('account-1', [{ id: crypto.randomUUID(), type: 'Deposited', data: { amount: 1 } }]);
      return deposit(state.balance)();
    };
    await aggregates.handle('account-1', account, deposit(1), context());
    await expect(racing.handle('account-1', account, interfering, context())).rejects.toMatchObject({
      code: 'CONCURRENCY_CONFLICT',
      status: 409,
    });
  });

  describe('idempotency keys', () => {
    const keyed = (key: string, fingerprint = 'withdraw-10') =>
      context({ idempotency: { key, fingerprint } });

    it('applies a retried command once and answers with what the first run wrote', async () => {
      await aggregates.handle('account-1', account, deposit(100), context());
      const first = await aggregates.handle('account-1', account, withdraw(10), keyed('k-1'));
      const retry = await aggregates.handle('account-1', account, withdraw(10), keyed('k-1'));
      expect(first.replayed).toBe(false);
      expect(retry).toMatchObject({ replayed: true, events: first.events, revision: first.revision });
      expect((await aggregates.load('account-1', account)).state.balance).toBe(90);
    });

    it('applies two concurrent requests with the same key once', async () => {
      await aggregates.handle('account-1', account, deposit(100), context());
      const results = await Promise.all(
        Array.from({ length: 5 }, () => aggregates.handle('account-1', account, withdraw(10), keyed('k-2'))),
      );
      // Racing twins may each see their own append acknowledged (the store dedupes the ids): one effect, one answer.
      for (const r of results) expect(r).toMatchObject({ events: results[0]!.events, revision: 1n });
      expect(await store.readStream('account-1')).toHaveLength(2);
      expect((await aggregates.load('account-1', account)).state.balance).toBe(90);
    });

    it('refuses the same key sent with a different request', async () => {
      await aggregates.handle('account-1', account, deposit(100), context());
      await aggregates.handle('account-1', account, withdraw(10), keyed('k-3', 'withdraw-10'));
      await expect(
        aggregates.handle('account-1', account, withdraw(20), keyed('k-3', 'withdraw-20')),
      ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 422 });
    });

    it('refuses the same key sent with a different request to another stream, which stays unwritten', async () => {
      await aggregates.handle('account-1', account, deposit(100), keyed('k-6', 'open-account-1'));
      await expect(
        aggregates.handle('account-2', account, deposit(100), keyed('k-6', 'open-account-2')),
      ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 422 });
      expect(await store.readStream('account-2')).toEqual([]);
    });

    it('lets one request write several streams under its key', async () => {
      await aggregates.handle('account-1', account, deposit(100), keyed('k-7', 'transfer'));
      await aggregates.handle('account-2', account, deposit(100), keyed('k-7', 'transfer'));
      expect((await aggregates.load('account-2', account)).state.balance).toBe(100);
    });

    it('lets exactly one of two different requests racing for a key through', async () => {
      const outcomes = await Promise.allSettled(
        ['account-3', 'account-4'].map((stream) =>
          aggregates.handle(stream, account, deposit(5), keyed('k-8', `open-${stream}`)),
        ),
      );
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({
        reason: { code: 'IDEMPOTENCY_KEY_REUSED' },
      });
    });

    it('keeps each actor’s keys apart', async () => {
      await aggregates.handle('account-5', account, deposit(1), keyed('k-9', 'a'));
      await aggregates.handle(
        'account-6',
        account,
        deposit(1),
        context({ actor: 'citizen:other', idempotency: { key: 'k-9', fingerprint: 'b' } }),
      );
      expect((await aggregates.load('account-6', account)).state.balance).toBe(1);
    });

    it('treats different keys as different commands', async () => {
      await aggregates.handle('account-1', account, deposit(100), context());
      await aggregates.handle('account-1', account, withdraw(10), keyed('k-4'));
      await aggregates.handle('account-1', account, withdraw(10), keyed('k-5'));
      expect((await aggregates.load('account-1', account)).state.balance).toBe(80);
    });
  });

  it('folds upcast events: an old schema reads as the new one', async () => {
    await store.append('account-1', [
      { id: crypto.randomUUID(), type: 'Deposited', data: { cents: 2500 }, metadata: { schemaVersion: 1 } },
    ]);
    const upcasting = new AggregateStore(
      store,
      new Upcasters().register('Deposited', 1, (d) => ({ amount: Number(d['cents']) / 100 })),
      clock,
    );
    expect((await upcasting.load('account-1', account)).state.balance).toBe(25);
    const next = await upcasting.handle('account-1', account, deposit(1), context());
    expect(next.state.balance).toBe(26);
    const [, written] = await store.readStream('account-1');
    expect(written!.metadata['schemaVersion']).toBe(2);
  });
});
