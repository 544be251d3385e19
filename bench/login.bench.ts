/* eslint-disable no-console -- a benchmark's job is to print its figures */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { startListeningTestPlatform } from '../tests/support/test-platform.js';
import type { Figure } from './event-store.bench.js';
import { generateLoad, STEPS, type LoadPlan, type LoadResult, type Step } from './login-load.js';

const TARGET_LOGINS_PER_SECOND = 200;

/** Where the load generator runs; the platform always has the main thread of this process. */
type Generator = 'in-process' | 'in a worker thread';

interface Run {
  readonly inFlight: number;
  readonly logins: number;
  /** p50/p99 of every step, or of the whole login only. */
  readonly perStep: boolean;
}

/**
 * Complete logins per second through the real platform on the embedded store (SQLite files in a temporary
 * directory), with the p50/p99 latency of each step. The load generator (e-service, browsers and phones, with
 * their own signatures and token checks) shares the machine's cores with the platform: on the platform's own
 * event loop, or on a worker thread of the same process. One login at a time shows each step's service time.
 */
export async function run(): Promise<Figure[]> {
  return [
    ...(await measure('in-process', [
      { inFlight: 16, logins: 2_000, perStep: true },
      { inFlight: 32, logins: 2_000, perStep: true },
    ])),
    ...(await measure('in a worker thread', [
      { inFlight: 1, logins: 500, perStep: true },
      { inFlight: 32, logins: 2_000, perStep: false },
    ])),
  ];
}

async function measure(generator: Generator, runs: readonly Run[]): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-login-'));
  const { app, baseUrl } = await startListeningTestPlatform({ eventStore: 'sqlite', dataDir });
  try {
    const plan: LoadPlan = { baseUrl, clientId: 'bench-eservice', citizens: 100, warmUp: 200, runs };
    const results = generator === 'in-process' ? await generateLoad(plan) : await inWorker(plan);
    return results.flatMap((result, i) => figuresOf(generator, result, runs[i]!.perStep));
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function inWorker(plan: LoadPlan): Promise<LoadResult[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./login-load.js', import.meta.url), {
      workerData: { loginLoad: plan },
    });
    worker.once('message', (results: LoadResult[]) => resolve(results));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the load generator exited (${code}) without results`)));
  });
}

function figuresOf(generator: Generator, result: LoadResult, perStep: boolean): Figure[] {
  const label = `login, load generator ${generator}, ${result.inFlight} in flight`;
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
