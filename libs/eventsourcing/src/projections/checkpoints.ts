import { sql, type Kysely, type Transaction } from 'kysely';

export interface Checkpoint {
  readonly position: bigint;
  readonly version: number;
}

type CheckpointTables = {
  projection_checkpoints: { name: string; version: number; position: string; updated_at: string };
};

/** Positions are stored as text: a bigint survives both dialects unchanged. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function setupCheckpoints(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('projection_checkpoints')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('position', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function loadCheckpoint(db: Kysely<any>, name: string): Promise<Checkpoint | undefined> {
  const row = await db
    .withTables<CheckpointTables>()
    .selectFrom('projection_checkpoints')
    .select(['position', 'version'])
    .where('name', '=', name)
    .executeTakeFirst();
  return row && { position: BigInt(row.position), version: Number(row.version) };
}

export async function saveCheckpoint(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  trx: Transaction<any>,
  name: string,
  checkpoint: Checkpoint,
  at: Date,
): Promise<void> {
  const row = {
    name,
    version: checkpoint.version,
    position: checkpoint.position.toString(),
    updated_at: at.toISOString(),
  };
  await trx
    .withTables<CheckpointTables>()
    .insertInto('projection_checkpoints')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ version: row.version, position: row.position, updated_at: row.updated_at }),
    )
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function deleteCheckpoint(trx: Transaction<any>, name: string): Promise<void> {
  await trx
    .withTables<CheckpointTables>()
    .deleteFrom('projection_checkpoints')
    .where('name', '=', name)
    .execute();
}

/**
 * Inside a projection's commit transaction: waits for any other instance committing the same projection, then
 * reads where the read model stands. PostgreSQL takes a transaction-scoped advisory lock per projection (a row
 * lock cannot cover the first commit, before the row exists); SQLite has one writer at a time, and a read
 * that another process overtakes fails the transaction, which the runner retries.
 */
export async function lockCheckpoint(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  trx: Transaction<any>,
  dialect: 'sqlite' | 'postgres',
  name: string,
): Promise<Checkpoint | undefined> {
  if (dialect === 'postgres') {
    await sql`SELECT pg_advisory_xact_lock(${PROJECTION_LOCK_CLASS}, hashtext(${name}))`.execute(trx);
  }
  return loadCheckpoint(trx, name);
}

/** The first key of the two-key advisory locks that serialise commits of one projection. */
const PROJECTION_LOCK_CLASS = 73_462;
