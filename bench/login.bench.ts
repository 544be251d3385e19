/* eslint-disable no-console -- a benchmark's job is to print its figures */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startPlatformProcess, type PlatformProcess } from '../tests/support/platform-process.js';
import { freePort, TEST_ADMIN_TOKEN } from '../tests/support/test-platform.js';
import type { Figure } from './event-store.bench.js';
import { generateLoad, STEPS, type LoadResult, type Step } from './login-load.js';

const TARGET_LOGINS_PER_SECOND = 200;

interface Run {
  readonly inFlight: number;
  readonly logins: number;
  /** p50/p99 of every step, or of the whole login only. */
  readonly perStep: boolean;
}

const RUNS: readonly Run[] = [
  { inFlight: 1, logins: 500, perStep: true },
  { inFlight: 32, logins: 3_000, perStep: false },
];

/**
 * Complete logins per second through the real platform, started as its own process (`npm start`'s entry point)
 * on the embedded store, with the p50/p99 latency of each step. The load generator (the e-service with
 * openid-client, its users' browsers and their phones, with their own signatures and token checks) is this
 * process, on the same 2 cores. Besides the rate, each side's CPU time per login shows where the ceiling is:
 * the platform runs on one event loop, so 1000 / (its CPU ms per login) is the most it could do on one core.
 */
export async function run(): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-login-'));
  const port = await freePort();
  const platform = await startPlatformProcess({
    EVENT_STORE: 'sqlite',
    DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
  });
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    await generateLoad({ baseUrl, clientId: 'bench-warm-up', citizens: 10, warmUp: 300, runs: [] });
    const figures: Figure[] = [];
    for (const [i, run] of RUNS.entries()) {
      const platformCpu = cpuMillisecondsOf(platform);
      const generatorCpu = process.cpuUsage();
      const [result] = await generateLoad({
        baseUrl,
        clientId: `bench-eservice-${i}`,
        citizens: 50,
        warmUp: 0,
        runs: [run],
      });
      const perLogin = (ms: number) => Math.round((ms / run.logins) * 100) / 100;
      const generatorUsage = process.cpuUsage(generatorCpu);
      figures.push(
        ...figuresOf(result!, run.perStep),
        ...(run.inFlight > 1
          ? [
              {
                name: `login, ${run.inFlight} in flight: platform CPU per login, ms`,
                value: perLogin(cpuMillisecondsOf(platform) - platformCpu),
                unit: 'ms',
              },
              {
                name: `login, ${run.inFlight} in flight: load generator CPU per login, ms`,
                value: perLogin((generatorUsage.user + generatorUsage.system) / 1000),
                unit: 'ms',
              },
            ]
          : []),
      );
    }
    figures.push(...(await stackFloor(platform, baseUrl)));
    return figures;
  } finally {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The platform's CPU per request on routes that do no work: a Nest route (`/health/live`) and an oidc-provider
 * one (discovery). A login is about ten requests, most through oidc-provider: this floor, times ten, is what the
 * stack costs before a login does anything of its own.
 */
async function stackFloor(platform: PlatformProcess, baseUrl: string): Promise<Figure[]> {
  const requests = 5_000;
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const fetchOnce = (path: string) =>
    new Promise<void>((resolve, reject) =>
      get(`${baseUrl}${path}`, { agent }, (response) => {
        response.resume();
        response.on('end', resolve);
      }).on('error', reject),
    );
  const figures: Figure[] = [];
  for (const [label, path] of [
    ['a Nest route (/health/live)', '/health/live'],
    ['an oidc-provider route (discovery)', '/oidc/.well-known/openid-configuration'],
  ] as const) {
    for (let i = 0; i < 500; i++) await fetchOnce(path);
    const before = cpuMillisecondsOf(platform);
    let sent = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (sent++ < requests) await fetchOnce(path);
      }),
    );
    figures.push({
      name: `stack floor: platform CPU per request on ${label}, ms (${requests} requests, 16 in flight)`,
      value: Math.round(((cpuMillisecondsOf(platform) - before) / requests) * 1000) / 1000,
      unit: 'ms',
    });
  }
  agent.destroy();
  return figures;
}

/** User and system CPU time of the platform's process so far, from /proc (Linux). */
function cpuMillisecondsOf(platform: PlatformProcess): number {
  const stat = readFileSync(`/proc/${platform.child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

function figuresOf(result: LoadResult, perStep: boolean): Figure[] {
  const label = `login, ${result.inFlight} in flight`;
  const steps = (Object.keys(STEPS) as Step[]).filter((step) => perStep || step === 'total');
  return [
    {
      name: `${label}: complete logins/s (${result.timings.total.length} logins)`,
      value: result.loginsPerSecond,
      unit: 'logins/s',
      ...(result.inFlight > 1 && { target: TARGET_LOGINS_PER_SECOND }),
    },
    ...steps.flatMap((step) => {
      const sorted = result.timings[step].sort((a, b) => a - b);
      return [50, 99].map((p) => ({
        name: `${label}: ${STEPS[step]}, p${p} ms`,
        value: percentile(sorted, p),
        unit: 'ms',
      }));
    }),
  ];
}

/** The nearest-rank percentile, to a tenth of a millisecond. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return Math.round(sorted[rank - 1]! * 10) / 10;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await run()) console.log(`${figure.name}: ${figure.value.toLocaleString('en-US')}`);
}
