import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { EventStore } from '#libs/event-store';
import { AppendTimings, CLOCK, EVENT_STORE, ProjectionRunner, type Clock } from '#libs/eventsourcing';
import { gauge, Histogram } from './histogram.js';

/** Beyond this many events behind, lag is reported as this number: a scrape must stay cheap. */
export const LAG_COUNT_LIMIT = 10_000;

/**
 * What operators watch, in Prometheus text format at `/metrics`: HTTP requests by route pattern (never by raw
 * path, which could carry an id), each projection's lag in events and seconds, and the log's append latency.
 */
@Injectable()
export class OperationsMetrics {
  private readonly requests = new Histogram(
    'http_request_duration_seconds',
    'HTTP requests by method, route pattern and status, and how long they took',
  );
  private readonly appends = new Histogram(
    'event_store_append_duration_seconds',
    'Appends to the event log, as seen by their callers',
  );

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    timings: AppendTimings,
  ) {
    timings.onAppend((seconds) => this.appends.observe(seconds));
  }

  /** Express middleware: mounted first, so it times every request, the OpenID Provider's included. */
  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const started = performance.now();
    response.once('finish', () => {
      this.requests.observe((performance.now() - started) / 1000, {
        method: request.method,
        route: routeOf(request),
        status: String(response.statusCode),
      });
    });
    next();
  };

  async render(): Promise<string> {
    const lags = await Promise.all(this.projections.status().map((p) => this.lagOf(p.name, p.position)));
    return [
      this.requests.render(),
      this.appends.render(),
      gauge(
        'projection_lag_events',
        `Events in the log a projection has not taken in yet (capped at ${LAG_COUNT_LIMIT})`,
        lags.map((l) => [{ projection: l.name }, l.events]),
      ),
      gauge(
        'projection_lag_seconds',
        'Age of the oldest event a projection has not taken in yet (0 when caught up)',
        lags.map((l) => [{ projection: l.name }, l.seconds]),
      ),
      gauge(
        'projection_events_processed',
        'Events a projection went through since the process started',
        this.projections.status().map((p) => [{ projection: p.name, state: p.state }, p.eventsProcessed]),
      ),
      '',
    ].join('\n');
  }

  /** Counted from the log, not subtracted: positions are ordered but not contiguous (PostgreSQL, EventStoreDB). */
  private async lagOf(name: string, position: bigint | undefined) {
    const behind = await this.store.readAll({
      ...(position !== undefined && { fromPosition: position }),
      maxCount: LAG_COUNT_LIMIT,
    });
    const oldest = behind[0];
    const seconds = oldest
      ? Math.max(0, (this.clock.now().getTime() - oldest.recordedAt.getTime()) / 1000)
      : 0;
    return { name, events: behind.length, seconds };
  }
}

function routeOf(request: Request): string {
  const route = (request.route as { path?: unknown } | undefined)?.path;
  if (typeof route === 'string') return route;
  if (request.originalUrl.startsWith('/oidc')) return '/oidc';
  return 'unmatched';
}
