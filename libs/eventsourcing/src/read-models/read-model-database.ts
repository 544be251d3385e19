import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, SqliteDialect, type Transaction } from 'kysely';
import pg from 'pg';

/**
 * Where read models, projection checkpoints and the PII vault's keys live: a SQLite file beside the embedded
 * event store, or PostgreSQL. One Kysely code path serves both; `dialect` is there for the rare statement
 * that differs (an upsert's conflict clause is the same in both, so that is not one of them).
 */
export interface ReadModelDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  // Each context types its own tables with `withTables`, so the shared handle is untyped.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  /** Runs `work` in one transaction: read-model rows and checkpoint commit or roll back together. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  transaction<T>(work: (trx: Transaction<any>) => Promise<T>): Promise<T>;
  /**
   * Runs schema setup (CREATE TABLE IF NOT EXISTS ...) one instance at a time: on PostgreSQL two instances
   * starting together would otherwise collide in the catalog even with IF NOT EXISTS.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  migrate<T>(work: (db: Kysely<any>) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** An arbitrary, fixed advisory-lock key owned by read-model migrations. */
const MIGRATION_LOCK = 7_346_201_554;

export function openSqliteReadModels(path: string): ReadModelDatabase {
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  // 64 MiB of page cache rather than 2: a rebuild's upserts land all over read models of tens of MiB, and each
  // page that falls out of the cache is read back from the file for the next batch.
  database.pragma('cache_size = -65536');
  // An erased PII key must not linger in free pages of the file.
  database.pragma('secure_delete = ON');
  return wrap(
    'sqlite',
    new Kysely({ dialect: new SqliteDialect({ database: withStatementCache(database) }) }),
  );
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; a login alone runs some ninety. Compiled queries have stable SQL text, so
 * their prepared statements are kept (better-sqlite3 statements are reusable once a call has returned).
 */
function withStatementCache(database: Database.Database): Database.Database {
  const statements = new Map<string, Database.Statement>();
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property !== 'prepare') return Reflect.get(target, property, receiver) as unknown;
      return (sql: string) => {
        let statement = statements.get(sql);
        if (!statement) {
          if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
          statement = target.prepare(sql);
          statements.set(sql, statement);
        }
        return statement;
      };
    },
  });
}

export interface PostgresReadModelOptions {
  readonly connectionString: string;
  /** Read models go in this schema (created if missing); default `public`. */
  readonly schema?: string;
  readonly poolSize?: number;
}

export async function openPostgresReadModels(options: PostgresReadModelOptions): Promise<ReadModelDatabase> {
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new Error('read-model schema must be a plain lower-case name');
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    options: `-c search_path=${schema}`,
  });
  const readModels = wrap('postgres', new Kysely({ dialect: new PostgresDialect({ pool }) }));
  await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(readModels.db);
  return readModels;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function wrap(dialect: ReadModelDatabase['dialect'], db: Kysely<any>): ReadModelDatabase {
  return {
    dialect,
    db,
    transaction: (work) => db.transaction().execute(work),
    migrate: (work) =>
      dialect === 'postgres'
        ? db.transaction().execute(async (trx) => {
            await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
            return work(trx);
          })
        : work(db),
    ping: async () => {
      await sql`SELECT 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
