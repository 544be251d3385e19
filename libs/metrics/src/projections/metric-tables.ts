import { sql, SqliteAdapter, type CreateTableBuilder, type Kysely } from 'kysely';

/**
 * The adoption read model. Counters are kept per UTC day and per dimension (an e-service, an assurance level...)
 * and a detail (a claim, a failure reason): a week is a sum of days, so no query scans the log's size. The same
 * counters summed by month (`day` is the month's first) let a year-long total read twelve rows per dimension, not
 * 365.
 * Distinct citizens need their own rows: one per citizen and period. The counters' key leads with the metric and
 * its dimension (`*` for all e-services, `@DEPT` for a department's, a client id, a level...), so a year of
 * one dimension is one short range of the key.
 */
export type MetricTables = {
  metric_daily_counts: {
    metric: string;
    day: string;
    dimension: string;
    detail: string;
    count: number;
  };
  metric_monthly_counts: MetricTables['metric_daily_counts'];
  metric_eservices: {
    client_id: string;
    name: string;
    department: string;
    status: string;
    registered_day: string;
  };
  /** The day of each e-service's first login: integrated from then on. */
  metric_eservice_first_logins: { client_id: string; day: string };
  /** One row per citizen and period (`D<day>`, `W<monday>`, `M<month>-01`) they were active in. */
  metric_active_citizens: { period: string; citizen_id: string };
  /** Consent participants' departments: consent and exchange counts per department. */
  metric_participants: { participant_id: string; department: string };
  /** Each consent's parties, for the status changes that name only the consent. */
  metric_consents: { consent_id: string; consumer_id: string; provider_id: string };
};

export const METRIC_TABLES = [
  'metric_daily_counts',
  'metric_monthly_counts',
  'metric_eservices',
  'metric_eservice_first_logins',
  'metric_active_citizens',
  'metric_participants',
  'metric_consents',
] as const satisfies readonly (keyof MetricTables)[];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function createMetricTables(db: Kysely<any>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  // SQLite: a table keyed by its primary key is stored in that key's tree alone, one B-tree write per row, not two.
  const clustered = <T extends string, C extends string>(table: CreateTableBuilder<T, C>) =>
    sqlite ? table.modifyEnd(sql`without rowid`) : table;
  // PostgreSQL: keys are codes and ISO days, compared byte by byte; a locale's collation would only slow the scans.
  const text = sqlite ? sql`text` : sql`text collate "C"`;
  for (const table of ['metric_daily_counts', 'metric_monthly_counts']) {
    await db.schema
      .createTable(table)
      .ifNotExists()
      .addColumn('metric', text, (c) => c.notNull())
      .addColumn('day', text, (c) => c.notNull())
      .addColumn('dimension', text, (c) => c.notNull())
      .addColumn('detail', text, (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .$call(clustered)
      .addPrimaryKeyConstraint(`${table}_pk`, ['metric', 'dimension', 'day', 'detail'])
      .execute();
  }
  await db.schema
    .createTable('metric_eservices')
    .ifNotExists()
    .addColumn('client_id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('department', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('registered_day', text, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('metric_eservice_first_logins')
    .ifNotExists()
    .addColumn('client_id', text, (c) => c.primaryKey())
    .addColumn('day', text, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('metric_active_citizens')
    .ifNotExists()
    .addColumn('period', text, (c) => c.notNull())
    .addColumn('citizen_id', text, (c) => c.notNull())
    .$call(clustered)
    .addPrimaryKeyConstraint('metric_active_citizens_pk', ['period', 'citizen_id'])
    .execute();
  await db.schema
    .createTable('metric_participants')
    .ifNotExists()
    .addColumn('participant_id', text, (c) => c.primaryKey())
    .addColumn('department', text, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('metric_consents')
    .ifNotExists()
    .addColumn('consent_id', text, (c) => c.primaryKey())
    .addColumn('consumer_id', text, (c) => c.notNull())
    .addColumn('provider_id', text, (c) => c.notNull())
    .execute();
}
