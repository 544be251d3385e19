import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { OperationsMetrics } from './operations-metrics.js';

/** Scraped by Prometheus on the operators' network: counts and durations only, no personal data, no ids. */
@ApiExcludeController()
@Controller('metrics')
export class PrometheusController {
  constructor(private readonly metrics: OperationsMetrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('cache-control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}
