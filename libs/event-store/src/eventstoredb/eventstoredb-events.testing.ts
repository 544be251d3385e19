import { randomUUID } from 'node:crypto';
import type {
  AllStreamJSONRecordedEvent,
  AllStreamResolvedEvent,
  Position,
  ReadPosition,
} from '@eventstore/db-client';
import type { JsonObject } from '../event-store.port.js';

export interface FakeEvent {
  readonly commit: bigint;
  /** Defaults to `commit`: a self-committed event, as every gRPC append writes. */
  readonly prepare?: bigint;
  readonly stream?: string;
  readonly revision?: bigint;
  readonly type?: string;
  readonly data?: JsonObject;
}

/** An entry of $all as the client hands it over. */
export function fakeEntry(event: FakeEvent): AllStreamResolvedEvent {
  const recorded: AllStreamJSONRecordedEvent = {
    streamId: event.stream ?? 'citizen-1',
    id: randomUUID(),
    isJson: true,
    revision: event.revision ?? 0n,
    type: event.type ?? 'CitizenRegistered',
    created: new Date('2024-05-01T08:00:00Z'),
    data: event.data ?? { n: Number(event.commit) },
    metadata: { correlationId: 'c-1' },
    position: { commit: event.commit, prepare: event.prepare ?? event.commit },
  };
  return { event: recorded, commitPosition: event.commit };
}

function compareTf(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  return a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;
}

/** The entries a server read of $all returns from `from` on: inclusive, in log order. */
export function entriesFrom(
  log: readonly AllStreamResolvedEvent[],
  from: ReadPosition,
): AllStreamResolvedEvent[] {
  if (from === 'start') return [...log];
  if (from === 'end') return [];
  return log.filter((entry) => compareTf(entry.event!.position, from) >= 0);
}

export async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}
