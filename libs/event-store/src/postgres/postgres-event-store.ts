import { DomainError } from '#libs/errors';
import pg from 'pg';
import {
  assertMaxCount,
  assertStreamName,
  checkExpectedRevision,
  DEFAULT_MAX_EVENT_BYTES,
  normalizeExpectedRevision,
  prepareAppend,
} from '../append-validation.js';
import { EventStoreUnavailable } from '../errors.js';
import { judgeReappend } from '../idempotent-reappend.js';
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
import {
  type AppendSignal,
  PollingSubscription,
  type PollingSubscriptionOptions,
} from '../polling-subscription.js';
import { PostgresAppendSignal } from './postgres-append-signal.js';
import { postgresSchema } from './postgres-schema.js';

export interface PostgresEventStoreOptions {
  readonly connectionString: string;
  /** Created with the tables if missing. Defaults to `public`. */
  readonly schema?: string;
  readonly maxEventBytes?: number;
  /** Connections of this store's pool; a live subscription's LISTEN connection comes on top. Defaults to 10. */
  readonly poolSize?: number;
}

/*
 * The global order. A bigserial position is taken when a row is inserted but becomes visible when its
 * transaction commits, so a reader can see position 11 before 10 and, having checkpointed 11, skip 10 forever.
 * Here an event's position is its transaction's id times 65 536 plus its index in the append (an append is
 * one transaction of at most 10 000 events), and `readAll` returns only positions below the reading snapshot's
 * xmin times 65 536. Every transaction with an id below xmin has ended, and every transaction that can still
 * commit has an id at or above it, so what a reader sees is a final prefix of the order: a subscriber can
 * checkpoint one bigint and never skip. The cost: a long write transaction anywhere in the cluster (any
 * database) holds xmin back and so delays, never loses, delivery until it ends. Positions fit a bigint until
 * transaction ids reach 2^47: about 400 years at 10 000 write transactions a second.
 */
const POSITION = 'pg_current_xact_id()::text::bigint * 65536';

/**
 * How long, in doubling pauses from 1 ms, `readAll` lets the transactions that were running when it was called
 * end. Any of them holds back what it may return, so without this a caller would often miss its own committed
 * append while other writers are busy. A longer transaction only makes the read return the shorter prefix.
 */
const CATCH_UP_PAUSES_MS = [1, 2, 4, 8, 16, 32, 64, 128];

/**
 * `headPosition` waits longer: it is asked once (at a projection's start, by an operator command, by a caller
 * that waits for its own writes to be projected), and a head short of an append committed before the call would
 * let that caller go on too early, e.g. while another schema's rebuild holds a long transaction on the cluster.
 */
const HEAD_PAUSES_MS = [...CATCH_UP_PAUSES_MS, 256, 512, 1000, 1000, 1000, 1000, 1000];

const LAST_REVISION = 2n ** 63n - 1n;

/** SQLSTATE classes of a server that cannot serve us at all, as opposed to refusing one statement. */
const UNAVAILABLE_SQLSTATE = /^(08|28|53|57P|3D000)/;
const UNIQUE_VIOLATION = '23505';

interface EventRow {
  position: string;
  event_id: string;
  stream: string;
  revision: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: Date;
}

type ReadAllRow = { xmin: string; xmax: string } & (EventRow | { [K in keyof EventRow]: null });

interface StreamRow {
  revision: string;
  deleted: boolean;
}

interface FoundEventRow {
  event_id: string;
  stream: string;
  revision: string;
  position: string;
}

/** Prepared once per connection: the pool belongs to one store, so one schema, so the names cannot clash. */
function statements(schema: string) {
  const events = `${pg.escapeIdentifier(schema)}.events`;
  const streams = `${pg.escapeIdentifier(schema)}.streams`;
  const statement = (name: string, text: string) => ({ name: `event-store-${name}`, text });
  return {
    // An upsert rather than SELECT ... FOR UPDATE: it also locks a stream that a concurrent first append is
    // creating, so that exactly one of two first appends wins and neither hits a unique violation.
    lockStream: statement(
      'lock-stream',
      `INSERT INTO ${streams} AS s (stream, revision) VALUES ($1, -1)
       ON CONFLICT (stream) DO UPDATE SET stream = excluded.stream RETURNING s.revision, s.deleted`,
    ),
    eventsById: statement(
      'events-by-id',
      `SELECT event_id, stream, revision, position FROM ${events} WHERE event_id = ANY($1::uuid[])`,
    ),
    insertEvents: statement(
      'insert-events',
      `WITH appended AS (
         INSERT INTO ${events} (position, event_id, stream, revision, type, data, metadata)
         SELECT ${POSITION} + e.ord - 1, e.id, $1, $2::bigint + e.ord, e.type, e.data, e.metadata
         FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS e (id, type, data, metadata, ord)
         RETURNING position
       ), advanced AS (
         UPDATE ${streams} SET revision = $7, deleted = false WHERE stream = $1
       )
       SELECT max(position) AS position FROM appended`,
    ),
    readForwards: statement(
      'read-forwards',
      `SELECT e.* FROM ${streams} s JOIN ${events} e ON e.stream = s.stream
       WHERE s.stream = $1 AND NOT s.deleted AND e.revision >= greatest($2, coalesce(s.truncate_before, 0))
       ORDER BY e.revision ASC LIMIT $3`,
    ),
    readBackwards: statement(
      'read-backwards',
      `SELECT e.* FROM ${streams} s JOIN ${events} e ON e.stream = s.stream
       WHERE s.stream = $1 AND NOT s.deleted AND e.revision >= coalesce(s.truncate_before, 0) AND e.revision <= $2
       ORDER BY e.revision DESC LIMIT $3`,
    ),
    // Always one row, so that an empty read still tells which transactions were running.
    readAll: statement(
      'read-all',
      `SELECT s.xmin, s.xmax, e.*
       FROM (SELECT pg_snapshot_xmin(c)::text::bigint AS xmin, pg_snapshot_xmax(c)::text::bigint AS xmax
             FROM pg_current_snapshot() c) s
       LEFT JOIN LATERAL (
         SELECT * FROM ${events} WHERE position > $1 AND position < s.xmin * 65536 ORDER BY position ASC LIMIT $2
       ) e ON true`,
    ),
    // Only below the xmin bound, like readAll: a head that readAll cannot reach yet would never be caught up to.
    head: statement(
      'head',
      `SELECT s.xmin, s.xmax, (SELECT max(position) FROM ${events} WHERE position < s.xmin * 65536)::text AS position
       FROM (SELECT pg_snapshot_xmin(c)::text::bigint AS xmin, pg_snapshot_xmax(c)::text::bigint AS xmax
             FROM pg_current_snapshot() c) s`,
    ),
    metadata: statement('metadata', `SELECT truncate_before, metadata FROM ${streams} WHERE stream = $1`),
    setMetadata: statement(
      'set-metadata',
      `INSERT INTO ${streams} (stream, revision, truncate_before, metadata) VALUES ($1, -1, $2, $3)
       ON CONFLICT (stream) DO UPDATE SET truncate_before = excluded.truncate_before, metadata = excluded.metadata`,
    ),
    streamForUpdate: statement(
      'stream-for-update',
      `SELECT revision, deleted FROM ${streams} WHERE stream = $1 FOR UPDATE`,
    ),
    softDelete: statement(
      'soft-delete',
      `UPDATE ${streams} SET deleted = true, truncate_before = revision + 1 WHERE stream = $1`,
    ),
  };
}

type Statement = ReturnType<typeof statements>[keyof ReturnType<typeof statements>];

/** For one or more app instances on a PostgreSQL server: many writers in many processes, one gap-free order. */
export class PostgresEventStore implements EventStore {
  private readonly subscriptions = new Set<StoreSubscription>();
  private readonly sql;
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly signal: PostgresAppendSignal,
    schema: string,
    private readonly maxEventBytes: number,
  ) {
    this.sql = statements(schema);
  }

  static async open(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const schema = options.schema ?? 'public';
    const config = { connectionString: options.connectionString, connectionTimeoutMillis: 10_000 };
    // Pipelined: a transaction's statements travel together, two round trips an append instead of five.
    const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10, pipeline: true });
    // An idle connection the server drops must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    try {
      await createSchema(pool, schema);
    } catch (error) {
      await pool.end();
      throw storeError(error);
    }
    const signal = new PostgresAppendSignal(pool, config, schema);
    return new PostgresEventStore(pool, signal, schema, options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES);
  }

  async append(
    stream: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const { expected, events: serialized } = prepareAppend(stream, events, options, this.maxEventBytes);
    const ids = serialized.map((e) => e.id);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transaction(async (client) => {
          // Sent behind the lock, the lookup runs once the lock is held, in a later snapshot: it sees every
          // append to this stream that committed before ours could start.
          const [locked, found] = await Promise.all([
            client.query<StreamRow>({ ...this.sql.lockStream, values: [stream] }),
            client.query<FoundEventRow>({ ...this.sql.eventsById, values: [ids] }),
          ]);
          const previous = judgeReappend(
            stream,
            ids,
            found.rows.map((row) => ({
              id: row.event_id,
              stream: row.stream,
              revision: BigInt(row.revision),
              position: BigInt(row.position),
            })),
          );
          if (previous) return previous;
          const state = streamState(locked.rows[0]);
          checkExpectedRevision(stream, expected, state);
          const before = state.revision ?? -1n;
          const last = before + BigInt(serialized.length);
          const values = [
            stream,
            before,
            ids,
            serialized.map((e) => e.type),
            serialized.map((e) => e.data),
            serialized.map((e) => e.metadata),
            last,
          ];
          const [inserted] = await Promise.all([
            client.query<{ position: string }>({ ...this.sql.insertEvents, values }),
            client.query('COMMIT'),
          ]);
          this.signal.announce();
          return { nextExpectedRevision: last, position: BigInt(inserted.rows[0]!.position) };
        });
      } catch (error) {
        // Another stream's append committed some of these ids while we wrote: the retry finds and judges them.
        if (attempt < 3 && error instanceof pg.DatabaseError && error.code === UNIQUE_VIOLATION) continue;
        throw storeError(error);
      }
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    assertStreamName(stream);
    const maxCount = assertMaxCount(options.maxCount, Number.MAX_SAFE_INTEGER);
    const rows =
      options.direction === 'backwards'
        ? await this.query<EventRow>(this.sql.readBackwards, [
            stream,
            options.fromRevision ?? LAST_REVISION,
            maxCount,
          ])
        : await this.query<EventRow>(this.sql.readForwards, [stream, options.fromRevision ?? 0n, maxCount]);
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = assertMaxCount(options.maxCount, 1000);
    const result = await this.readSettled(
      async () => {
        const rows = await this.query<ReadAllRow>(this.sql.readAll, [options.fromPosition ?? -1n, maxCount]);
        const events = rows.filter((row): row is ReadAllRow & EventRow => row.position !== null);
        return { xmin: BigInt(rows[0]!.xmin), xmax: BigInt(rows[0]!.xmax), events };
      },
      CATCH_UP_PAUSES_MS,
      // A full page needs no wait: the next read carries on from it.
      (page) => page.events.length === maxCount,
    );
    return result.events.map(toRecorded);
  }

  /** As readAll does, and for longer, waits for the transactions in flight when asked, so the head covers every event written before. */
  async headPosition(): Promise<bigint | undefined> {
    const head = await this.readSettled(async () => {
      const [row] = await this.query<{ xmin: string; xmax: string; position: string | null }>(
        this.sql.head,
        [],
      );
      return { xmin: BigInt(row!.xmin), xmax: BigInt(row!.xmax), position: row!.position };
    }, HEAD_PAUSES_MS);
    return head.position === null ? undefined : BigInt(head.position);
  }

  /**
   * Reads again, after short pauses, until every transaction in flight at the first read has ended (the
   * snapshot's xmin has passed that read's xmax), or `enough` says so, or the pauses run out: then what was read
   * last is a prefix, never a gap.
   */
  private async readSettled<T extends { xmin: bigint; xmax: bigint }>(
    read: () => Promise<T>,
    pauses: readonly number[],
    enough: (result: T) => boolean = () => false,
  ): Promise<T> {
    let result = await read();
    const runningBelow = result.xmax;
    for (const pause of pauses) {
      if (enough(result) || result.xmin >= runningBelow) break;
      await new Promise((resolve) => setTimeout(resolve, pause));
      // A subscription closed with the store ends with what it has, rather than failing on the ended pool.
      if (this.closed) break;
      result = await read();
    }
    return result;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    this.signal.listen();
    const subscription = new StoreSubscription(
      (o) => this.readAll(o),
      this.signal,
      options,
      this.subscriptions,
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async getStreamMetadata(stream: string): Promise<StreamMetadata> {
    assertStreamName(stream);
    const [row] = await this.query<{ truncate_before: string | null; metadata: string | null }>(
      this.sql.metadata,
      [stream],
    );
    return {
      ...(row?.truncate_before != null && { truncateBefore: BigInt(row.truncate_before) }),
      ...(row?.metadata && { custom: JSON.parse(row.metadata) }),
    };
  }

  async setStreamMetadata(stream: string, metadata: StreamMetadata): Promise<void> {
    assertStreamName(stream);
    await this.query(this.sql.setMetadata, [
      stream,
      metadata.truncateBefore ?? null,
      metadata.custom ? JSON.stringify(metadata.custom) : null,
    ]);
  }

  async deleteStream(stream: string, options: AppendOptions = {}): Promise<void> {
    assertStreamName(stream);
    const expected = normalizeExpectedRevision(options.expectedRevision);
    try {
      await this.transaction(async (client) => {
        const locked = await client.query<StreamRow>({ ...this.sql.streamForUpdate, values: [stream] });
        checkExpectedRevision(stream, expected, streamState(locked.rows[0]));
        await Promise.all([
          client.query({ ...this.sql.softDelete, values: [stream] }),
          client.query('COMMIT'),
        ]);
      });
    } catch (error) {
      throw storeError(error);
    }
  }

  async ping(): Promise<void> {
    await this.query({ name: 'event-store-ping', text: 'SELECT 1' }, []);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.signal.close();
    await this.pool.end();
  }

  private async query<R extends pg.QueryResultRow>(statement: Statement, values: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>({ ...statement, values })).rows;
    } catch (error) {
      throw storeError(error);
    }
  }

  /**
   * Runs `work` in a transaction. The connection is pipelined, so BEGIN travels with work's first statements,
   * and `work` sends COMMIT itself, with its last statement. Whatever it leaves open is rolled back.
   */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const [, result] = await Promise.all([client.query('BEGIN'), work(client)]);
      return result;
    } finally {
      if (client.getTransactionStatus() !== 'I') {
        await client.query('ROLLBACK').catch((rollbackFailed: Error) => {
          broken = rollbackFailed;
        });
      }
      client.release(broken);
    }
  }
}

/** Ends when its store closes, rather than failing on the store's closed pool. */
class StoreSubscription extends PollingSubscription {
  constructor(
    readAll: (options: ReadAllOptions) => Promise<RecordedEvent[]>,
    signal: AppendSignal,
    options: PollingSubscriptionOptions,
    private readonly open: Set<StoreSubscription>,
  ) {
    super(readAll, signal, options);
  }

  override close(): Promise<void> {
    this.open.delete(this);
    return super.close();
  }
}

async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  const quoted = pg.escapeIdentifier(schema);
  const { rows } = await pool.query<{ ready: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AS ready',
    [`${quoted}.events`, `${quoted}.streams`],
  );
  // Skipping the DDL when the tables exist lets the store run as a role that may not create schemas.
  if (rows[0]?.ready) return;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Concurrent CREATE ... IF NOT EXISTS can still collide in the catalogs: processes starting together take turns.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('event-store-schema'))");
    await client.query(postgresSchema(quoted));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function streamState(row: StreamRow | undefined): StreamState {
  if (!row || BigInt(row.revision) < 0n) return { revision: undefined, deleted: false };
  return { revision: BigInt(row.revision), deleted: row.deleted };
}

/** Connection failures become a 503 naming only an error code: pg's messages may name hosts and users. */
function storeError(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  if (error instanceof pg.DatabaseError && !UNAVAILABLE_SQLSTATE.test(error.code ?? '')) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  const reason = typeof code === 'string' && /^[A-Z0-9_]{1,32}$/.test(code) ? ` (${code})` : '';
  return new EventStoreUnavailable(`the PostgreSQL event store is unavailable${reason}`);
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    stream: row.stream,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    recordedAt: row.recorded_at,
  };
}
