import type { Kysely } from 'kysely';
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

/** The adoption counters, folded a batch at a time: the batch is tallied in memory, then written in few upserts. */
export function adoptionMetricsProjection(handlers: MetricHandlers = ADOPTION_METRIC_HANDLERS): Projection {
  return {
    name: 'adoption-metrics',
    // 2: corporate and consent counters, so a read model built before them is rebuilt from the log.
    version: 2,
    eventTypes: Object.keys(handlers),
    // A batch's logins collapse into a few counter rows: the larger the batch, the fewer writes per event.
    catchUpBatchSize: 5000,
    setup: createMetricTables,
    async reset(trx) {
      for (const table of METRIC_TABLES) await trx.deleteFrom(table).execute();
    },
    async apply(trx, events) {
      const batch = new MetricBatch();
      for (const event of events) handlers[event.type]?.(event, batch);
      await batch.write(trx as unknown as Kysely<MetricTables>);
    },
  };
}
