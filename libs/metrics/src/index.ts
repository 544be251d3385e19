export * from './metrics.module.js';
export * from './projections/adoption-metrics.projection.js';
export * from './projections/metric-handlers.js';
export * from './queries/adoption-queries.js';
export * from './demo/adoption-events.js';
export { serveMetricsApiDocs } from './http/metrics-api-docs.js';
export { OperationsMetrics } from './operations/operations-metrics.js';
export * from './demo/adoption-history.js';
export * from './demo/demo-population.js';
