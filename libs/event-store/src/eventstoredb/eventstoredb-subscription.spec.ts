import { describe, expect, it } from '@jest/globals';
import { START, type AllStreamResolvedEvent, type ReadPosition } from '@eventstore/db-client';
import { EventStoreUnavailable } from '../errors.js';
import { take } from '../testing/conformance.js';
import { fakeEntry } from './eventstoredb-events.testing.js';
import { encodePosition } from './eventstoredb-position.js';
import { EventStoreDbSubscription, type LiveFeed } from './eventstoredb-subscription.js';

/** A server subscription the test feeds by hand: catch-up entries first, live ones whenever pushed. */
class FakeFeed implements LiveFeed {
  unsubscribed = 0;
  private readonly queue: (AllStreamResolvedEvent | Error | 'end')[] = [];
  private wake: (() => void) | undefined;

  constructor(
    readonly from: ReadPosition,
    private readonly endsOnUnsubscribe = true,
  ) {}

  push(...items: (AllStreamResolvedEvent | Error | 'end')[]): void {
    this.queue.push(...items);
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<AllStreamResolvedEvent> {
    for (;;) {
      const item = this.queue.shift();
      if (item === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
      } else if (item === 'end') {
        return;
      } else if (item instanceof Error) {
        throw item;
      } else {
        yield item;
      }
    }
  }

  async unsubscribe(): Promise<void> {
    this.unsubscribed++;
    if (this.endsOnUnsubscribe) this.push('end');
  }
}

function subscribe(
  fromPosition?: bigint,
  translate = (error: unknown) => error as Error,
  endsOnUnsubscribe = true,
) {
  const feeds: FakeFeed[] = [];
  const subscription = new EventStoreDbSubscription(
    (from) => {
      const feed = new FakeFeed(from, endsOnUnsubscribe);
      feeds.push(feed);
      return feed;
    },
    fromPosition,
    translate,
  );
  return { subscription, feeds, iterator: subscription[Symbol.asyncIterator]() };
}

describe('EventStoreDbSubscription', () => {
  it('subscribes from the decoded checkpoint and delivers only the events after it', async () => {
    const [at, next, later] = [
      fakeEntry({ commit: 500n }),
      fakeEntry({ commit: 600n }),
      fakeEntry({ commit: 700n }),
    ];
    const { feeds, iterator } = subscribe(encodePosition({ commit: 500n, prepare: 500n }));
    const pending = take(iterator, 2);
    await Promise.resolve();
    // A server that starts at the checkpoint inclusively, and repeats an event after a hiccup.
    feeds[0]!.push(at, next, next, later);
    expect((await pending).map((e) => e.id)).toEqual([next.event!.id, later.event!.id]);
    expect(feeds[0]!.from).toEqual({ commit: 500n, prepare: 500n });
  });

  it('subscribes from the start without a checkpoint, or with checkpoint 0', async () => {
    const none = subscribe();
    const zero = subscribe(0n);
    void none.iterator.next();
    void zero.iterator.next();
    await Promise.resolve();
    expect(none.feeds[0]!.from).toBe(START);
    expect(zero.feeds[0]!.from).toBe(START);
    await Promise.all([none.subscription.close(), zero.subscription.close()]);
  });

  it('keeps the events of one transaction that follow the checkpoint inside it', async () => {
    const group = [200n, 500n, 800n].map((prepare) => fakeEntry({ commit: 900n, prepare }));
    const { feeds, iterator } = subscribe(encodePosition({ commit: 900n, prepare: 500n }));
    const pending = take(iterator, 1);
    await Promise.resolve();
    feeds[0]!.push(...group.slice(1));
    expect((await pending).map((e) => e.id)).toEqual([group[2]!.event!.id]);
  });

  it("leaves out events of $-streams the server's event-type filter lets through", async () => {
    const metadata = fakeEntry({ commit: 10n, stream: '$$citizen-1', type: 'Opaque' });
    const platform = fakeEntry({ commit: 20n });
    const { feeds, iterator } = subscribe();
    const pending = take(iterator, 1);
    await Promise.resolve();
    feeds[0]!.push(metadata, platform);
    expect((await pending).map((e) => e.stream)).toEqual(['citizen-1']);
  });

  it('ends an iteration waiting for a live event when closed, and unsubscribes', async () => {
    const { subscription, feeds, iterator } = subscribe();
    const pending = iterator.next();
    await Promise.resolve();
    await subscription.close();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(feeds[0]!.unsubscribed).toBeGreaterThan(0);
  });

  it('ends such an iteration even when cancelling the server subscription does not end its stream', async () => {
    const { subscription, iterator } = subscribe(undefined, undefined, false);
    const pending = iterator.next();
    await Promise.resolve();
    await subscription.close();
    const late = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 500));
    await expect(Promise.race([pending, late])).resolves.toEqual({ done: true, value: undefined });
  });

  it('opens nothing when iterated after close', async () => {
    const { subscription, feeds, iterator } = subscribe();
    await subscription.close();
    await expect(iterator.next()).resolves.toMatchObject({ done: true });
    expect(feeds).toHaveLength(0);
  });

  it('unsubscribes when the consumer stops iterating', async () => {
    const { feeds, iterator } = subscribe();
    const pending = iterator.next();
    await Promise.resolve();
    feeds[0]!.push(fakeEntry({ commit: 1n }));
    await pending;
    await iterator.return!();
    expect(feeds[0]!.unsubscribed).toBe(1);
  });

  it('reports a failure of the server subscription through the translator', async () => {
    const { feeds, iterator } = subscribe(undefined, () => new EventStoreUnavailable('translated'));
    const pending = iterator.next();
    await Promise.resolve();
    feeds[0]!.push(new Error('14 UNAVAILABLE'));
    await expect(pending).rejects.toThrow('translated');
  });

  it('treats an end of the server subscription it did not ask for as the store being unavailable', async () => {
    const { feeds, iterator } = subscribe();
    const pending = iterator.next();
    await Promise.resolve();
    feeds[0]!.push('end');
    await expect(pending).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE' });
  });
});
