import type { AllStreamResolvedEvent, ReadPosition } from '@eventstore/db-client';
import { EventStoreUnavailable } from '../errors.js';
import type { RecordedEvent, Subscription } from '../event-store.port.js';
import { eventOf, isSystemEvent, toRecordedEvent } from './eventstoredb-mapping.js';
import { encodePosition, readPositionAfter } from './eventstoredb-position.js';

/** The client's catch-up subscription to $all, reduced to what is used here. */
export interface LiveFeed extends AsyncIterable<AllStreamResolvedEvent> {
  unsubscribe(): Promise<void>;
}

export type OpenLiveFeed = (from: ReadPosition) => LiveFeed;

const CLOSED = Symbol('closed');

/**
 * Settles as `promise` does, or with CLOSED once `signal` aborts. Racing one shared "closed" promise instead would
 * leave a reaction on it for every event a long-lived subscription delivers.
 */
function orClosed<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof CLOSED> {
  if (signal.aborted) return Promise.resolve(CLOSED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(CLOSED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The server's catch-up-then-live subscription as the port's `Subscription`. The server does the catching up and
 * the switch to live without gaps; this adapter makes `fromPosition` exclusive whatever the server version (it
 * drops events at or before the last position seen), skips events of $-streams the server filter lets through, and
 * lets `close()` end an iteration that is waiting for a live event.
 */
export class EventStoreDbSubscription implements Subscription {
  private readonly closed = new AbortController();
  private readonly feeds = new Set<LiveFeed>();

  constructor(
    private readonly openFeed: OpenLiveFeed,
    private readonly fromPosition: bigint | undefined,
    private readonly translate: (error: unknown) => Error,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    if (this.closed.signal.aborted) return;
    const feed = this.openFeed(readPositionAfter(this.fromPosition));
    this.feeds.add(feed);
    const events = feed[Symbol.asyncIterator]();
    let after = this.fromPosition;
    try {
      for (;;) {
        const step = await orClosed(events.next(), this.closed.signal);
        if (step === CLOSED || this.closed.signal.aborted) return;
        if (step.done) throw new EventStoreUnavailable('EventStoreDB ended the subscription');
        const event = eventOf(step.value);
        const position = encodePosition(event.position);
        if (after !== undefined && position <= after) continue;
        after = position;
        if (!isSystemEvent(event)) yield toRecordedEvent(event);
      }
    } catch (error) {
      throw this.translate(error);
    } finally {
      this.feeds.delete(feed);
      await feed.unsubscribe().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed.abort();
    await Promise.all([...this.feeds].map((feed) => feed.unsubscribe().catch(() => undefined)));
  }
}
