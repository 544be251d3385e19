import type { Kysely } from 'kysely';

/**
 * The adoption read model. Counters are kept per UTC day and per dimension (an e-service, an assurance level...)
 * and a detail (a claim, a failure reason): a week or a month is a sum of days, so no query scans the log's size.
 * Distinct citizens need their own rows: one per citizen and day, and per citizen and month.
 */
export type MetricTables = {
  metric_daily_counts: {
    metric: string;
    day: string;
    dimension: string;
    detail: string;
    count: number;
  };
  metric_eservices: {
    client_id: string;
    name: string;
    department: string;
    status: string;
    registered_day: string;
  };
  metric_daily_active: { day: string; citizen_id: string };
  metric_monthly_active: { month: string; citizen_id: string };
};

export const METRIC_TABLES = [
  'metric_daily_counts',
  'metric_eservices',
  'metric_daily_active',
  'metric_monthly_active',
] as const satisfies readonly (keyof MetricTables)[];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function createMetricTables(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('metric_daily_counts')
    .ifNotExists()
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('dimension', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('metric_daily_counts_pk', ['metric', 'day', 'dimension', 'detail'])
    .execute();
  await db.schema
    .createTable('metric_eservices')
    .ifNotExists()
    .addColumn('client_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('department', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('registered_day', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('metric_daily_active')
    .ifNotExists()
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('citizen_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('metric_daily_active_pk', ['day', 'citizen_id'])
    .execute();
  await db.schema
    .createTable('metric_monthly_active')
    .ifNotExists()
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('citizen_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('metric_monthly_active_pk', ['month', 'citizen_id'])
    .execute();
}
