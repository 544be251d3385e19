import { CompiledQuery, SqliteAdapter, type Kysely } from 'kysely';
import type { MetricTables } from './metric-tables.js';

export interface EServiceFacts {
  readonly clientId: string;
  readonly name?: string;
  readonly department?: string;
  readonly status?: string;
  readonly registeredDay?: string;
}

/** Adds counts keyed `metric \0 day \0 dimension \0 detail` to a counter table, in multi-row upserts. */
export async function upsertCounts(
  db: Kysely<MetricTables>,
  table: 'metric_daily_counts' | 'metric_monthly_counts',
  counts: ReadonlyMap<string, number>,
): Promise<void> {
  const values: (string | number)[] = [];
  for (const [key, count] of counts) values.push(...key.split('\u0000'), count);
  await insertRows(
    db,
    `INSERT INTO ${table} (metric, day, dimension, detail, count)`,
    5,
    `ON CONFLICT (metric, dimension, day, detail) DO UPDATE SET count = ${table}.count + excluded.count`,
    values,
  );
}

/**
 * Runs `head VALUES (...), (...) tail` over `values`, `columns` to a row, 1000 rows a statement, and answers
 * the rows a RETURNING tail returned. The hot writes of a rebuild: their SQL text is built once per row count
 * and dialect rather than through the query builder for every batch, and SQLite finds its prepared statement by
 * that text.
 */
export async function insertRows<R>(
  db: Kysely<MetricTables>,
  head: string,
  columns: number,
  tail: string,
  values: readonly unknown[],
): Promise<R[]> {
  const returned: R[] = [];
  const perStatement = columns * ROWS_PER_STATEMENT;
  for (let start = 0; start < values.length; start += perStatement) {
    const parameters = values.slice(start, start + perStatement);
    const text = multiRowSql(db, head, columns, parameters.length / columns, tail);
    const result = await db.executeQuery<R>(CompiledQuery.raw(text, parameters));
    returned.push(...result.rows);
  }
  return returned;
}

const ROWS_PER_STATEMENT = 1000;
const statementTexts = new Map<string, string>();

function multiRowSql(
  db: Kysely<MetricTables>,
  head: string,
  columns: number,
  rows: number,
  tail: string,
): string {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const key = `${sqlite}\u0000${head}\u0000${rows}\u0000${tail}`;
  let text = statementTexts.get(key);
  if (text === undefined) {
    let parameter = 0;
    const row = () =>
      `(${Array.from({ length: columns }, () => (sqlite ? '?' : `$${++parameter}`)).join(', ')})`;
    text = `${head} VALUES ${Array.from({ length: rows }, row).join(', ')} ${tail}`;
    statementTexts.set(key, text);
  }
  return text;
}

/** A registration inserts; a later change updates only what it carries, so an update never invents a row. */
export async function writeEService(db: Kysely<MetricTables>, facts: EServiceFacts): Promise<void> {
  const changes = {
    ...(facts.name !== undefined && { name: facts.name }),
    ...(facts.department !== undefined && { department: facts.department }),
    ...(facts.status !== undefined && { status: facts.status }),
    ...(facts.registeredDay !== undefined && { registered_day: facts.registeredDay }),
  };
  if (facts.registeredDay !== undefined && facts.department !== undefined && facts.name !== undefined) {
    await db
      .insertInto('metric_eservices')
      .values({
        client_id: facts.clientId,
        name: facts.name,
        department: facts.department,
        status: facts.status ?? 'active',
        registered_day: facts.registeredDay,
      })
      .onConflict((oc) => oc.column('client_id').doUpdateSet(changes))
      .execute();
  } else if (Object.keys(changes).length > 0) {
    await db.updateTable('metric_eservices').set(changes).where('client_id', '=', facts.clientId).execute();
  }
}

export function addTo(counts: Map<string, number>, key: string, by: number): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
