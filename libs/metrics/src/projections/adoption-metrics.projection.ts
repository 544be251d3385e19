import { sql, SqliteAdapter, type Kysely } from 'kysely';
import type { Projection } from '#libs/eventsourcing';
import { consentMetricHandlers } from './consent-metric-handlers.js';
import { corporateMetricHandlers } from './corporate-metric-handlers.js';
import { identityMetricHandlers } from './identity-metric-handlers.js';
import { MetricBatch } from './metric-batch.js';
import type { MetricHandlers } from './metric-handlers.js';
import { createMetricTables, METRIC_TABLES, type MetricTables } from './metric-tables.js';
import { oidcMetricHandlers } from './oidc-metric-handlers.js';

/** Every context's counters. */
export const ADOPTION_METRIC_HANDLERS: MetricHandlers = {
  ...identityMetricHandlers,
  ...oidcMetricHandlers,
  ...corporateMetricHandlers,
  ...consentMetricHandlers,
};

/**
 * The adoption counters, folded a batch at a time: the runner hands each event to the batch's tally as it reads
 * it, and the tally is written in few upserts.
 */
export function adoptionMetricsProjection(handlers: MetricHandlers = ADOPTION_METRIC_HANDLERS): Projection {
  return {
    name: 'adoption-metrics',
    // 3: monthly roll-ups, consent counts per department, no per-e-service claim rows. 4: the dashboard's own
    // sign-ins are not counted.
    version: 4,
    eventTypes: Object.keys(handlers),
    // A batch's logins collapse into a few counter rows, and a citizen active on several days of a week or a
    // month writes its week's and month's row once: the larger the batch, the fewer writes per event. Tallied
    // as read, a batch costs the memory of its counters, not of its events.
    catchUpBatchSize: 50_000,
    setup: createMetricTables,
    async reset(trx) {
      for (const table of METRIC_TABLES) await trx.deleteFrom(table).execute();
    },
    tally: () => new MetricBatch(handlers),
    // PostgreSQL plans the dashboard's queries from statistics that only ANALYZE gathers (autovacuum may be off,
    // and is late after a rebuild): without them, a year of one e-service's rows is read as a scan of them all.
    async caughtUp(db) {
      if (db.getExecutor().adapter instanceof SqliteAdapter) return;
      for (const table of METRIC_TABLES) await sql`ANALYZE ${sql.id(table)}`.execute(db);
    },
    async apply(trx, events) {
      const batch = new MetricBatch(handlers);
      for (const event of events) batch.add(event);
      await batch.write(trx as unknown as Kysely<MetricTables>);
    },
  };
}
