import Database from 'better-sqlite3';
import {
  assertMaxCount,
  assertStreamName,
  checkExpectedRevision,
  DEFAULT_MAX_EVENT_BYTES,
  normalizeExpectedRevision,
  serializeEvents,
  type SerializedEvent,
} from '../append-validation.js';
import { EventIdConflict } from '../errors.js';
import type {
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

/** The embedded default: one file, WAL, every append one immediate transaction. */
export class SqliteEventStore implements EventStore {
  readonly db: Database.Database;
  private readonly signal = new LocalAppendSignal();
  private readonly maxEventBytes: number;
  private readonly statements;

  constructor(options: SqliteEventStoreOptions) {
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
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
  }

  async append(
    stream: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    assertStreamName(stream);
    const expected = normalizeExpectedRevision(options.expectedRevision);
    const serialized = serializeEvents(events, this.maxEventBytes);
    const result = this.db
      .transaction(() => {
        const previous = this.findAppended(stream, serialized);
        if (previous) return previous;
        const state = this.streamState(stream);
        checkExpectedRevision(stream, expected, state);
        let revision = state.revision ?? -1n;
        let position = 0n;
        const now = new Date().toISOString();
        for (const event of serialized) {
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
      })
      .immediate();
    this.signal.notify();
    return result;
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
    return new PollingSubscription((o) => this.readAll(o), this.signal, options);
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
    if (this.db.open) this.db.close();
    this.signal.notify();
    return;
  }

  private streamState(stream: string): StreamState {
    const row = this.statements.stream.get(stream) as StreamRow | undefined;
    if (!row || row.revision < 0n) return { revision: undefined, deleted: false };
    return { revision: row.revision, deleted: row.deleted === 1n };
  }

  /** Idempotent re-append: the same ids already written to this stream, in this order, answer as before. */
  private findAppended(stream: string, events: readonly SerializedEvent[]): AppendResult | undefined {
    const found = events.map(
      (e) =>
        this.statements.eventById.get(e.id) as
          { stream: string; revision: bigint; position: bigint } | undefined,
    );
    if (found.every((f) => f === undefined)) return undefined;
    const first = found[0];
    const consecutive =
      first !== undefined &&
      found.every(
        (f, i) => f !== undefined && f.stream === stream && f.revision === first.revision + BigInt(i),
      );
    if (!consecutive) throw new EventIdConflict(stream);
    const last = found[found.length - 1]!;
    return { nextExpectedRevision: last.revision, position: last.position };
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    stream: row.stream,
    revision: row.revision,
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    recordedAt: new Date(row.recorded_at),
  };
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
