import type { AllStreamResolvedEvent, ReadPosition } from '@eventstore/db-client';
import type { RecordedEvent } from '../event-store.port.js';
import { eventOf, isSystemEvent, toRecordedEvent } from './eventstoredb-mapping.js';
import { encodePosition, readPositionAfter } from './eventstoredb-position.js';

/** What the client's `readStream` and `readAll` return, reduced to what is used here. */
export interface CancellableRead<T> extends AsyncIterable<T> {
  cancel(): Promise<void>;
}

export interface Deadline {
  readonly ms: number;
  readonly onExpiry: () => Error;
}

/**
 * Drains a read. The client gives stream reads no deadline at all, so a caller that must answer in time (readiness,
 * opening the store) passes one: at expiry the read is cancelled and `onExpiry()` is thrown.
 */
export async function collect<T>(read: CancellableRead<T>, deadline?: Deadline): Promise<T[]> {
  const drained = (async () => {
    const items: T[] = [];
    for await (const item of read) items.push(item);
    return items;
  })();
  if (!deadline) return drained;
  drained.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      read.cancel().catch(() => undefined);
      reject(deadline.onExpiry());
    }, deadline.ms);
  });
  try {
    return await Promise.race([drained, expired]);
  } finally {
    clearTimeout(timer);
  }
}

export type ReadAllPage = (from: ReadPosition, maxCount: number) => AsyncIterable<AllStreamResolvedEvent>;

/** Bounds the raw page size while stepping over long runs of system events (stats, scavenges, metadata). */
const MAX_PAGE = 4096;

/**
 * Up to `maxCount` platform events strictly after `fromPosition`, over a server read that starts AT its position
 * and returns system events too. Each page starts at the last raw event seen and drops everything at or before it,
 * so the event at the checkpoint is never re-delivered; and as every position is exact (see eventstoredb-position)
 * no event sharing a commit position with the checkpoint is dropped with it.
 */
export async function readAllAfter(
  readPage: ReadAllPage,
  fromPosition: bigint | undefined,
  maxCount: number,
): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let after = fromPosition;
  let pageSize = 0;
  for (;;) {
    // +1: the first raw event of a page is usually the one at `after`, dropped below.
    pageSize = Math.max(maxCount - out.length + 1, Math.min(pageSize * 2, MAX_PAGE));
    const pageStart = after;
    let raw = 0;
    for await (const resolved of readPage(readPositionAfter(after), pageSize)) {
      raw++;
      const event = eventOf(resolved);
      const position = encodePosition(event.position);
      if (after !== undefined && position <= after) continue;
      after = position;
      if (!isSystemEvent(event) && out.length < maxCount) out.push(toRecordedEvent(event));
    }
    if (out.length >= maxCount || raw < pageSize) return out;
    // A full page that did not move past the start would be read again forever.
    if (after === pageStart) throw new Error(`EventStoreDB's read of $all does not move past ${after}`);
  }
}
