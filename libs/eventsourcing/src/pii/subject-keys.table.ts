import { sql, type Kysely } from 'kysely';

/**
 * One row per subject: its wrapped data key while active, and after erasure a tombstone with no key. Timestamps
 * are ISO-8601 text, read and written the same way in SQLite and PostgreSQL.
 */
type SubjectKeyTables = {
  pii_subject_keys: {
    subject_id: string;
    wrapped_key: string | null;
    created_at: string;
    erased_at: string | null;
  };
};

export type SubjectKeyRow =
  | { readonly state: 'active'; readonly wrappedKey: string }
  | { readonly state: 'erased' }
  | { readonly state: 'unknown' };

// The vault shares the untyped read-model handle; each call narrows it to this table.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export async function createSubjectKeyTable(db: Db): Promise<void> {
  await db.schema
    .createTable('pii_subject_keys')
    .ifNotExists()
    .addColumn('subject_id', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('wrapped_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('erased_at', 'text')
    // A row holds a key or is a tombstone, never both: an erasure that left the key behind would shred nothing.
    .addCheckConstraint(
      'pii_subject_keys_key_or_tombstone',
      sql`(wrapped_key IS NULL) <> (erased_at IS NULL)`,
    )
    .execute();
}

export async function readSubjectKey(db: Db, subjectId: string): Promise<SubjectKeyRow> {
  const row = await db
    .withTables<SubjectKeyTables>()
    .selectFrom('pii_subject_keys')
    .select(['wrapped_key', 'erased_at'])
    .where('subject_id', '=', subjectId)
    .executeTakeFirst();
  if (!row) return { state: 'unknown' };
  if (row.erased_at !== null || row.wrapped_key === null) return { state: 'erased' };
  return { state: 'active', wrappedKey: row.wrapped_key };
}

/** Does nothing when the subject already has a row, active or erased: the first writer's key wins. */
export async function insertSubjectKeyIfAbsent(
  db: Db,
  subjectId: string,
  wrappedKey: string,
  at: Date,
): Promise<void> {
  await db
    .withTables<SubjectKeyTables>()
    .insertInto('pii_subject_keys')
    .values({ subject_id: subjectId, wrapped_key: wrappedKey, created_at: at.toISOString(), erased_at: null })
    .onConflict((oc) => oc.column('subject_id').doNothing())
    .execute();
}

/** True when this call erased an active key; false when there was no active key to erase. */
export async function eraseSubjectKey(db: Db, subjectId: string, at: Date): Promise<boolean> {
  const result = await db
    .withTables<SubjectKeyTables>()
    .updateTable('pii_subject_keys')
    .set({ wrapped_key: null, erased_at: at.toISOString() })
    .where('subject_id', '=', subjectId)
    .where('erased_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
