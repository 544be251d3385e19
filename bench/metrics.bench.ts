/* eslint-disable no-console -- a benchmark's job is to print its figures */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EVENT_STORE,
  ProjectionRunner,
  openEventStore,
  openReadModels,
  systemClock,
  Upcasters,
  type StorageConfig,
} from '#libs/eventsourcing';
import type { EventStore } from '#libs/event-store';
import { adoptionMetricsProjection, appendHistory } from '#libs/metrics';
import { createTestSchema } from '../libs/event-store/src/testing/postgres-test-database.js';
import { createPlatformApp } from '../apps/platform/src/platform-app.js';
import { testConfig, TEST_ADMIN_TOKEN } from '../tests/support/test-platform.js';
import type { Figure } from './event-store.bench.js';

/**
 * A year of adoption at the paper's scale, as events in the shapes the commands write: 100 000 citizens, 300
 * e-services in 70 departments, some 300 000 logins, for about a million events in all.
 */
const HISTORY = {
  citizens: 100_000,
  eservices: 300,
  departments: 70,
  days: 365,
  loginsPerDay: Number(process.env['BENCH_LOGINS_PER_DAY'] ?? 820),
  endDay: new Date().toISOString().slice(0, 10),
};

const DASHBOARD_LOADS = 30;

async function rebuildRate(config: StorageConfig): Promise<{ events: number; eventsPerSecond: number }> {
  const store = await openEventStore(config);
  const readModels = await openReadModels(config);
  const runner = new ProjectionRunner(store, readModels, new Upcasters(), systemClock);
  const head = (await store.headPosition())!;
  const started = performance.now();
  await runner.start([adoptionMetricsProjection()]);
  await runner.waitFor(head, Number.POSITIVE_INFINITY);
  const seconds = (performance.now() - started) / 1000;
  const events = runner.status()[0]!.eventsProcessed;
  await runner.stop();
  await readModels.close();
  await store.close();
  return { events, eventsPerSecond: Math.round(events / seconds) };
}

/** The requests one dashboard load makes, over the whole year, each timed alone. */
async function dashboardLatencies(config: StorageConfig): Promise<Map<string, number[]>> {
  const app = await createPlatformApp({ ...testConfig(config), port: 0 });
  await app.listen(0, '127.0.0.1');
  const store = app.get<EventStore>(EVENT_STORE);
  // The platform's other read models catch up first: the figures are the API's, not a start-up's.
  await app.get(ProjectionRunner).waitFor((await store.headPosition())!, Number.POSITIVE_INFINITY);
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/admin/metrics`;
  const from = new Date(Date.now() - 364 * 86_400_000).toISOString().slice(0, 10);
  const range = `from=${from}&to=${HISTORY.endDay}`;
  const paths = [
    `/summary?${range}`,
    `/series/logins?${range}&granularity=week`,
    `/series/active-citizens?${range}&granularity=week`,
    `/series/citizens-registered?${range}&granularity=day`,
    `/departments?${range}`,
    `/eservices?${range}&limit=10`,
    `/summary?${range}&department=DAB`,
  ];
  const latencies = new Map<string, number[]>(paths.map((path) => [path.split('?')[0]!, []]));
  for (let load = 0; load < DASHBOARD_LOADS; load++) {
    for (const path of paths) {
      const started = performance.now();
      const response = await fetch(`${base}${path}`, {
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
      latencies.get(path.split('?')[0]!)!.push(performance.now() - started);
    }
  }
  await app.close();
  return latencies;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10;
}

async function measure(name: string, config: StorageConfig, rebuildTarget?: number): Promise<Figure[]> {
  const store = await openEventStore(config);
  const generatedAt = performance.now();
  const facts = await appendHistory(store, HISTORY, (n) =>
    console.log(`  ${name}: ${n.toLocaleString('en-US')} events written`),
  );
  const writeSeconds = (performance.now() - generatedAt) / 1000;
  await store.close();
  console.log(
    `  ${name}: ${facts.events.toLocaleString('en-US')} events in ${writeSeconds.toFixed(0)} s; rebuilding...`,
  );
  const rebuild = await rebuildRate(config);
  console.log(
    `  ${name}: rebuilt ${rebuild.events.toLocaleString('en-US')} events at ${rebuild.eventsPerSecond.toLocaleString('en-US')}/s; dashboard API...`,
  );
  const byEndpoint = await dashboardLatencies(config);
  const latencies = [...byEndpoint.values()].flat();
  for (const [path, values] of byEndpoint)
    console.log(`  ${name}: ${path} p50 ${percentile(values, 50)} ms, p99 ${percentile(values, 99)} ms`);
  return [
    { name: `metrics, ${name}: events in the generated log`, value: rebuild.events, unit: 'events' },
    {
      name: `metrics, ${name}: adoption-metrics rebuild, events/s`,
      value: rebuild.eventsPerSecond,
      unit: 'events/s',
      ...(rebuildTarget !== undefined && { target: rebuildTarget }),
    },
    {
      name: `metrics, ${name}: dashboard API p50 ms (year range)`,
      value: percentile(latencies, 50),
      unit: 'ms',
    },
    {
      name: `metrics, ${name}: dashboard API p99 ms (year range, target < 100)`,
      value: percentile(latencies, 99),
      unit: 'ms',
    },
  ];
}

export async function runSqlite(): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'metrics-bench-'));
  try {
    return await measure('sqlite', { eventStore: 'sqlite', dataDir }, 50_000);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runPostgres(databaseUrl: string): Promise<Figure[]> {
  const { schema, drop } = await createTestSchema(databaseUrl, 'metrics_bench');
  try {
    return await measure('postgres', { eventStore: 'postgres', databaseUrl, schema });
  } finally {
    await drop();
  }
}
