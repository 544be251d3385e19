import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { ProjectionRunner } from '#libs/eventsourcing';
import { adoptionMetricsProjection } from './projections/adoption-metrics.projection.js';
import { DashboardController } from './dashboard/dashboard.controller.js';
import { MetricsAdminController } from './http/metrics-admin.controller.js';
import { OperationsMetrics } from './operations/operations-metrics.js';
import { PrometheusController } from './operations/prometheus.controller.js';
import { AdoptionQueries } from './queries/adoption-queries.js';

/** Adoption metrics: projections of every context's events, the admin API, the dashboard, `/metrics`. */
@Module({
  controllers: [MetricsAdminController, DashboardController, PrometheusController],
  providers: [AdoptionQueries, OperationsMetrics],
  exports: [AdoptionQueries, OperationsMetrics],
})
export class MetricsModule implements OnApplicationBootstrap {
  constructor(private readonly projections: ProjectionRunner) {}

  onApplicationBootstrap(): Promise<void> {
    return this.projections.start([adoptionMetricsProjection()]);
  }
}
