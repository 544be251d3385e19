import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  assertMaxCount,
  assertStreamName,
  DEFAULT_MAX_EVENT_BYTES,
  normalizeExpectedRevision,
  prepareAppend,
} from '../append-validation.js';
import { EventIdConflict, WrongExpectedVersion } from '../errors.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamMetadata,
  SubscribeOptions,
  Subscription,
} from '../event-store.port.js';
import {
  describeConnectionTarget,
  isPartialReappend,
  isStreamAbsent,
  retrySlot,
  translateError,
  unavailable,
} from './eventstoredb-errors.js';
import {
  eventOf,
  fromEsdbStreamMetadata,
  isSystemEvent,
  toAppendExpectedRevision,
  toDeleteExpectedRevision,
  toEsdbReadStreamOptions,
  toEsdbStreamMetadata,
  toEventData,
  toRecordedEvent,
} from './eventstoredb-mapping.js';
import { assertPosition, encodePosition, isKnownPosition } from './eventstoredb-position.js';
import { collect, readAllAfter, type Deadline } from './eventstoredb-reads.js';
import { EventStoreDbSubscription } from './eventstoredb-subscription.js';

export interface EventStoreDbEventStoreOptions {
  /** `esdb://…` or `esdb+discover://…` (KurrentDB speaks the same protocol); credentials never reach a message. */
  readonly connectionString: string;
  readonly maxEventBytes?: number;
}

/** How long opening the store and `ping()` wait for an answer: the client gives reads no deadline of their own. */
const READINESS_TIMEOUT_MS = 5000;
/** Read by `ping()`; no port stream name starts with `_`, so it never exists. */
const PING_STREAM = '__readiness-ping';

/**
 * The clustered deployment's event store: EventStoreDB (or KurrentDB) over gRPC.
 *
 * Where the port is stricter than the server, and what this adapter does about it:
 * - Idempotency: the server recognises a re-append by its first event id, looked up at the revision an exact
 *   expected revision (or `no_stream`) points to, and for `any`/`stream_exists` in its cache of recent ids. A batch
 *   whose first id matches but whose later ids differ is refused, and reported here as EVENT_ID_CONFLICT. Ids reused
 *   in another stream, or reused after the first event of a batch, go unnoticed: they are written again (or the
 *   append fails as a wrong expected version, if the revision was wrong anyway). Only an id index outside the
 *   server could close that gap.
 * - Soft delete: the server accepts an append whose expected revision is the deleted stream's last revision, drops
 *   the stream's custom metadata, and reports `truncateBefore` as 2^63-1 until the stream is written again. Writing
 *   metadata to a deleted stream revives it with every old event hidden, after which `no_stream` no longer holds.
 * - Positions exceed 64 bits: see eventstoredb-position.ts.
 * The credentials need read access to $all (readAll, subscribeToAll).
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions = new Set<EventStoreDbSubscription>();

  private constructor(
    private readonly client: EventStoreDBClient,
    private readonly target: string,
    private readonly maxEventBytes: number,
  ) {}

  static async open(options: EventStoreDbEventStoreOptions): Promise<EventStoreDbEventStore> {
    const target = describeConnectionTarget(options.connectionString);
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(options.connectionString);
    } catch {
      // Not chained: the client's error quotes the connection string, credentials included.
      throw new Error(
        `the EventStoreDB connection string for ${target} is malformed or names missing certificate files`,
      );
    }
    const store = new EventStoreDbEventStore(
      client,
      target,
      options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
    );
    try {
      await store.ping();
    } catch (error) {
      await client.dispose();
      throw error;
    }
    return store;
  }

  async append(
    stream: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const { expected, events: serialized } = prepareAppend(stream, events, options, this.maxEventBytes);
    const firstId = serialized[0]!.id;
    try {
      const result = await this.client.appendToStream(stream, serialized.map(toEventData), {
        expectedRevision: toAppendExpectedRevision(expected),
      });
      if (!result.success) {
        // Only with `throwOnAppendFailure=false` in the connection string, whose reported revision is unreliable.
        throw new WrongExpectedVersion(stream, expected, await this.lastRevision(stream));
      }
      return {
        nextExpectedRevision: result.nextExpectedRevision,
        position: isKnownPosition(result.position)
          ? encodePosition(result.position)
          : await this.positionOf(stream, result.nextExpectedRevision),
      };
    } catch (error) {
      const refused = translateError(error, this.writeContext(stream, expected));
      if (refused instanceof WrongExpectedVersion) {
        const slot = retrySlot(expected);
        const idAtSlot = slot === undefined ? undefined : (await this.readAt(stream, slot))?.id;
        if (isPartialReappend(expected, refused.actual, firstId, idAtSlot)) throw new EventIdConflict(stream);
      }
      throw refused;
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertStreamName(stream);
    const maxCount = assertMaxCount(options.maxCount, Number.MAX_SAFE_INTEGER);
    const read = this.client.readStream(stream, toEsdbReadStreamOptions(options, maxCount));
    return (await this.collectStream(read)).map((resolved) => toRecordedEvent(eventOf(resolved)));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = assertMaxCount(options.maxCount, 1000);
    assertPosition(options.fromPosition);
    try {
      return await readAllAfter(
        (fromPosition, count) => this.client.readAll({ fromPosition, maxCount: count, direction: FORWARDS }),
        options.fromPosition,
        maxCount,
      );
    } catch (error) {
      throw translateError(error, { target: this.target });
    }
  }

  /** The newest platform event of $all; the system events written after it (stats, scavenges) are passed over. */
  async headPosition(): Promise<bigint | undefined> {
    try {
      const newest = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 4096 });
      for await (const resolved of newest) {
        const event = eventOf(resolved);
        if (!isSystemEvent(event)) return encodePosition(event.position);
      }
      return undefined;
    } catch (error) {
      throw translateError(error, { target: this.target });
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    assertPosition(options.fromPosition);
    const subscription = new EventStoreDbSubscription(
      (fromPosition) => this.client.subscribeToAll({ fromPosition, filter: excludeSystemEvents() }),
      options.fromPosition,
      (error) => translateError(error, { target: this.target }),
    );
    this.subscriptions.add(subscription);
    return {
      [Symbol.asyncIterator]: () => subscription[Symbol.asyncIterator](),
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  async getStreamMetadata(stream: string): Promise<StreamMetadata> {
    assertStreamName(stream);
    try {
      return fromEsdbStreamMetadata((await this.client.getStreamMetadata(stream)).metadata);
    } catch (error) {
      if (isStreamAbsent(error)) return {};
      throw translateError(error, { target: this.target });
    }
  }

  async setStreamMetadata(stream: string, metadata: StreamMetadata): Promise<void> {
    assertStreamName(stream);
    const esdbMetadata = toEsdbStreamMetadata(metadata);
    try {
      await this.client.setStreamMetadata(stream, esdbMetadata);
    } catch (error) {
      throw translateError(error, { target: this.target });
    }
  }

  async deleteStream(stream: string, options: AppendOptions = {}): Promise<void> {
    assertStreamName(stream);
    const expected = normalizeExpectedRevision(options.expectedRevision);
    // Checked here because the delete call cannot express it; a stream that existed a moment ago is then deleted.
    if (expected === 'stream_exists' && (await this.lastRevision(stream)) === undefined) {
      throw new WrongExpectedVersion(stream, expected, undefined);
    }
    try {
      await this.client.deleteStream(stream, { expectedRevision: toDeleteExpectedRevision(expected) });
    } catch (error) {
      const refused = translateError(error, this.writeContext(stream, expected));
      // The server refuses to delete what does not exist; for the port that is already done.
      const absent = refused instanceof WrongExpectedVersion && refused.actual === undefined;
      if (absent && (expected === 'any' || expected === 'no_stream')) return;
      throw refused;
    }
  }

  async ping(): Promise<void> {
    const deadline: Deadline = {
      ms: READINESS_TIMEOUT_MS,
      onExpiry: () => unavailable({ target: this.target }, `no answer within ${READINESS_TIMEOUT_MS} ms`),
    };
    await this.collectStream(this.client.readStream(PING_STREAM, { maxCount: 1 }), deadline);
  }

  async close(): Promise<void> {
    const subscriptions = [...this.subscriptions];
    this.subscriptions.clear();
    await Promise.all(subscriptions.map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  /** A stream read where an absent or deleted stream answers empty. */
  private async collectStream(
    read: ReturnType<EventStoreDBClient['readStream']>,
    deadline?: Deadline,
  ): Promise<ResolvedEvent[]> {
    try {
      return await collect(read, deadline);
    } catch (error) {
      if (isStreamAbsent(error)) return [];
      throw translateError(error, { target: this.target });
    }
  }

  private async readAt(stream: string, revision: bigint): Promise<RecordedEvent | undefined> {
    const [event] = await this.readStream(stream, { fromRevision: revision, maxCount: 1 });
    return event?.revision === revision ? event : undefined;
  }

  /** For an idempotent re-append, which some servers answer without the position. */
  private async positionOf(stream: string, revision: bigint): Promise<bigint> {
    const event = await this.readAt(stream, revision);
    if (!event) throw new Error(`EventStoreDB reported ${stream}@${revision} as written but cannot read it`);
    return event.position;
  }

  private async lastRevision(stream: string): Promise<bigint | undefined> {
    const [last] = await this.collectStream(
      this.client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }),
    );
    return last && eventOf(last).revision;
  }

  private writeContext(stream: string, expected: ExpectedRevision) {
    return { target: this.target, write: { stream, expected } };
  }
}
