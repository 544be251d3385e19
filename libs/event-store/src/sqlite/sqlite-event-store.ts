import Database from 'better-sqlite3';
import {
  assertMaxCount,
  assertStreamName,
  checkExpectedRevision,
  DEFAULT_MAX_EVENT_BYTES,
  normalizeExpectedRevision,
  prepareAppend,
  type SerializedEvent,
} from '../append-validation.js';
import { EventStoreUnavailable } from '../errors.js';
import { judgeReappend, type WrittenEvent } from '../idempotent-reappend.js';
import type {
  ExpectedRevision,
  JsonObject,
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamMetadata,
  StreamState,
  SubscribeOptions,
  Subscription,
} from '../event-store.port.js';
import { LocalAppendSignal, PollingSubscription } from '../polling-subscription.js';
import { SQLITE_SCHEMA } from './sqlite-schema.js';

export interface SqliteEventStoreOptions {
  /** A file path, or `:memory:`. */
  readonly path: string;
  readonly maxEventBytes?: number;
  /**
   * `NORMAL` (default) survives a crash of the process, as WAL commits reach the OS before the append returns;
   * `FULL` also survives a power loss, at a large cost in appends per second.
   */
  readonly synchronous?: 'NORMAL' | 'FULL';
}

interface PendingAppend {
  readonly stream: string;
  readonly expected: ExpectedRevision;
  readonly events: readonly SerializedEvent[];
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

interface EventRow {
  position: bigint;
  event_id: string;
  stream: string;
  revision: bigint;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

interface StreamRow {
  revision: bigint;
  truncate_before: bigint | null;
  deleted: bigint;
  metadata: string | null;
}

/** The embedded default: one file, WAL, appends grouped into immediate transactions. */
export class SqliteEventStore implements EventStore {
  readonly db: Database.Database;
  private readonly signal = new LocalAppendSignal();
  private readonly maxEventBytes: number;
  private readonly statements;
  private pending: PendingAppend[] = [];
  private readonly appendGroup;
  /** The last page a subscription read, with the append generation it was read at (see `subscriptionPage`). */
  private sharedPage: { from: bigint; maxCount: number; generation: number; rows: EventRow[] } | undefined;
  private sharedPageExpiry = false;

  constructor(options: SqliteEventStoreOptions) {
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    // Checkpoints (the WAL copied into the database file, with an fsync) every ~40 MiB rather than every 4 MiB:
    // a fifth more appends per second, at the cost of a larger WAL file between checkpoints.
    this.db.pragma('wal_autocheckpoint = 10000');
    this.db.exec(SQLITE_SCHEMA);
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    const prepare = (sql: string) => this.db.prepare(sql).safeIntegers(true);
    this.statements = {
      stream: prepare('SELECT revision, truncate_before, deleted, metadata FROM streams WHERE stream = ?'),
      eventById: prepare('SELECT stream, revision, position FROM events WHERE event_id = ?'),
      insertEvent: prepare(
        `INSERT INTO events (event_id, stream, revision, type, data, metadata, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      upsertStream: prepare(
        `INSERT INTO streams (stream, revision, deleted) VALUES (?, ?, 0)
         ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, deleted = 0`,
      ),
      readForwards: prepare(
        `SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`,
      ),
      readBackwards: prepare(
        `SELECT * FROM events WHERE stream = ? AND revision <= ? AND revision >= ? ORDER BY revision DESC LIMIT ?`,
      ),
      readAll: prepare('SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?'),
      head: prepare('SELECT max(position) AS position FROM events'),
      setMetadata: prepare(
        `INSERT INTO streams (stream, revision, truncate_before, deleted, metadata) VALUES (?, -1, ?, 0, ?)
         ON CONFLICT (stream) DO UPDATE SET truncate_before = excluded.truncate_before, metadata = excluded.metadata`,
      ),
      softDelete: prepare('UPDATE streams SET deleted = 1, truncate_before = revision + 1 WHERE stream = ?'),
    };
    // Called inside the group's transaction, better-sqlite3 runs each append in a savepoint of its own.
    const appendInSavepoint = this.db.transaction((request: PendingAppend) => this.appendOne(request));
    this.appendGroup = this.db.transaction((group: PendingAppend[], outcomes: (AppendResult | Error)[]) => {
      // Alone in its transaction, an append needs no savepoint: its failure rolls back nothing else.
      if (group.length === 1) {
        outcomes.push(this.appendOne(group[0]!));
        return;
      }
      for (const request of group) {
        try {
          outcomes.push(appendInSavepoint(request));
        } catch (error) {
          outcomes.push(error as Error);
        }
      }
    });
  }

  /**
   * Appends are grouped: the appends made while one macrotask runs (concurrent requests) commit in one
   * transaction, each inside its own savepoint, so one refused append rolls back alone. An append's promise
   * resolves only after the group's commit: an acknowledged event is in the WAL.
   */
  append(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    let request: PendingAppend;
    try {
      const { expected, events: serialized } = prepareAppend(stream, events, options, this.maxEventBytes);
      request = { stream, expected, events: serialized } as PendingAppend;
    } catch (error) {
      return Promise.reject(error);
    }
    if (!this.db.open) return Promise.reject(new EventStoreUnavailable('the event store is closed'));
    const promise = new Promise<AppendResult>((resolve, reject) =>
      Object.assign(request, { resolve, reject }),
    );
    this.pending.push(request);
    if (this.pending.length === 1) setImmediate(() => this.commitPending());
    return promise;
  }

  private commitPending(): void {
    const group = this.pending;
    this.pending = [];
    if (group.length === 0) return;
    const outcomes: (AppendResult | Error)[] = [];
    try {
      this.appendGroup.immediate(group, outcomes);
    } catch (error) {
      // A lone append's refusal, or a failed commit of the group: nothing of theirs was written.
      for (const request of group) request.reject(error);
      return;
    }
    this.signal.notify();
    group.forEach((request, i) => {
      const outcome = outcomes[i]!;
      if (outcome instanceof Error) request.reject(outcome);
      else request.resolve(outcome);
    });
  }

  private appendOne(request: PendingAppend): AppendResult {
    const { stream, expected, events } = request;
    const ids = events.map((e) => e.id);
    const written = ids.flatMap((id) => {
      const row = this.statements.eventById.get(id) as Omit<WrittenEvent, 'id'> | undefined;
      return row ? [{ id, ...row }] : [];
    });
    const previous = judgeReappend(stream, ids, written);
    if (previous) return previous;
    const state = this.streamState(stream);
    checkExpectedRevision(stream, expected, state);
    let revision = state.revision ?? -1n;
    let position = 0n;
    const now = new Date().toISOString();
    for (const event of events) {
      revision += 1n;
      const info = this.statements.insertEvent.run(
        event.id,
        stream,
        revision,
        event.type,
        event.data,
        event.metadata,
        now,
      );
      position = BigInt(info.lastInsertRowid);
    }
    this.statements.upsertStream.run(stream, revision);
    return { nextExpectedRevision: revision, position };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertStreamName(stream);
    const maxCount = BigInt(assertMaxCount(options.maxCount, Number.MAX_SAFE_INTEGER));
    const row = this.statements.stream.get(stream) as StreamRow | undefined;
    if (!row || row.deleted) return [];
    const floor = row.truncate_before ?? 0n;
    const rows =
      options.direction === 'backwards'
        ? this.statements.readBackwards.all(stream, options.fromRevision ?? row.revision, floor, maxCount)
        : this.statements.readForwards.all(stream, max(options.fromRevision ?? 0n, floor), maxCount);
    return (rows as EventRow[]).map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = assertMaxCount(options.maxCount, 1000);
    const rows = this.statements.readAll.all(options.fromPosition ?? 0n, BigInt(maxCount)) as EventRow[];
    return rows.map(toRecorded);
  }

  async headPosition(): Promise<bigint | undefined> {
    const row = this.statements.head.get() as { position: bigint | null };
    return row.position ?? undefined;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    return new PollingSubscription((o) => this.subscriptionPage(o), this.signal, options);
  }

  /**
   * `readAll` for subscriptions. Every projection (and every other follower of the log) wakes at the same commit
   * and asks for the same page: one statement answers them all, each getting events of its own. The page is
   * forgotten at the next local commit and at the next turn of the event loop, so it never hides an event
   * written since (another process's writes reach subscribers by their timeout, later still).
   */
  private subscriptionPage(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const from = options.fromPosition ?? 0n;
    const maxCount = assertMaxCount(options.maxCount, 1000);
    const generation = this.signal.generation;
    const page = this.sharedPage;
    if (page?.from === from && page.maxCount === maxCount && page.generation === generation) {
      return Promise.resolve(page.rows.map(toRecorded));
    }
    const rows = this.statements.readAll.all(from, BigInt(maxCount)) as EventRow[];
    this.sharedPage = { from, maxCount, generation, rows };
    if (!this.sharedPageExpiry) {
      this.sharedPageExpiry = true;
      setImmediate(() => {
        this.sharedPageExpiry = false;
        this.sharedPage = undefined;
      });
    }
    return Promise.resolve(rows.map(toRecorded));
  }

  async getStreamMetadata(stream: string): Promise<StreamMetadata> {
    assertStreamName(stream);
    const row = this.statements.stream.get(stream) as StreamRow | undefined;
    return {
      ...(row?.truncate_before != null && { truncateBefore: row.truncate_before }),
      ...(row?.metadata && { custom: JSON.parse(row.metadata) }),
    };
  }

  async setStreamMetadata(stream: string, metadata: StreamMetadata): Promise<void> {
    assertStreamName(stream);
    this.statements.setMetadata.run(
      stream,
      metadata.truncateBefore ?? null,
      metadata.custom ? JSON.stringify(metadata.custom) : null,
    );
    return;
  }

  async deleteStream(stream: string, options: AppendOptions = {}): Promise<void> {
    assertStreamName(stream);
    const expected = normalizeExpectedRevision(options.expectedRevision);
    this.db
      .transaction(() => {
        checkExpectedRevision(stream, expected, this.streamState(stream));
        this.statements.softDelete.run(stream);
      })
      .immediate();
    return;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
    return;
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.commitPending();
      this.db.close();
    }
    this.signal.notify();
  }

  private streamState(stream: string): StreamState {
    const row = this.statements.stream.get(stream) as StreamRow | undefined;
    if (!row || row.revision < 0n) return { revision: undefined, deleted: false };
    return { revision: row.revision, deleted: row.deleted === 1n };
  }
}

/**
 * Data and metadata are parsed when first read: every projection reads every event of the log, and most skip
 * most types unread, so parsing all of them up front was most of what a catch-up cost.
 */
function toRecorded(row: EventRow): RecordedEvent {
  let data: JsonObject | undefined;
  let metadata: JsonObject | undefined;
  return {
    id: row.event_id,
    stream: row.stream,
    revision: row.revision,
    position: row.position,
    type: row.type,
    get data() {
      return (data ??= JSON.parse(row.data) as JsonObject);
    },
    get metadata() {
      return (metadata ??= JSON.parse(row.metadata) as JsonObject);
    },
    recordedAt: new Date(row.recorded_at),
  };
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
