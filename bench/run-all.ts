/* eslint-disable no-console -- a benchmark's job is to print its figures */
import { cpus, freemem, totalmem, type as osType, release } from 'node:os';
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { runPostgres, runSqlite, type Figure } from './event-store.bench.js';
import { run as runLogin } from './login.bench.js';
import { run as runPiiVault } from './pii-vault.bench.js';
import { run as runCorporateVerification } from './corporate-verification.bench.js';
import { run as runConsent } from './consent.bench.js';
import { runPostgres as runMetricsPostgres, runSqlite as runMetricsSqlite } from './metrics.bench.js';

const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

function machine(): string {
  const cpu = cpus();
  return [
    `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`,
    `${Math.round(totalmem() / 2 ** 30)} GiB RAM (${Math.round(freemem() / 2 ** 30)} GiB free)`,
    `${osType()} ${release()}`,
    `Node.js ${process.version}`,
  ].join(', ');
}

function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => {
    const verdict =
      f.target === undefined ? '' : f.value >= f.target ? `≥ ${f.target} ✅` : `≥ ${f.target} ❌`;
    return `| ${f.name} | ${f.value.toLocaleString('en-US')} | ${verdict} |`;
  });
  return ['| measure | result | target |', '|---|---:|---|', ...rows].join('\n');
}

const figures: Figure[] = [];
console.log('event store, sqlite...');
figures.push(...(await runSqlite()));
if (await postgresReachable()) {
  console.log('event store, postgres...');
  figures.push(...(await runPostgres(databaseUrl)));
} else {
  console.log(`postgres not reachable at DATABASE_URL: its figures are left out`);
}
console.log('pii vault...');
for (const [name, value] of Object.entries(await runPiiVault())) figures.push({ name, value, unit: 'ops/s' });
console.log('corporate signature validation, raw and over HTTP...');
figures.push(...(await runCorporateVerification()));
console.log('login with iAM Smart over HTTP (a few minutes)...');
figures.push(...(await runLogin()));
console.log('consented data exchange, 1 000 000 active consents seeded (several minutes)...');
figures.push(...(await runConsent()));
console.log('adoption metrics over a generated year, ~1 M events, sqlite (several minutes)...');
figures.push(...(await runMetricsSqlite()));
if (await postgresReachable()) {
  console.log('adoption metrics over a generated year, ~1 M events, postgres (several minutes)...');
  figures.push(...(await runMetricsPostgres(databaseUrl)));
}

const report = [
  '# Benchmark results',
  '',
  `Run with \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${machine()}.`,
  '',
  table(figures),
  '',
  'Login figures: complete logins (PAR, authorize to the login page, the app fetching and approving the request, ' +
    'the browser continuing to the callback, the code redeemed with private_key_jwt, userinfo) over HTTP on ' +
    'loopback, against the platform started as its own process on the embedded store (SQLite files in a ' +
    'temporary directory). The load generator (the e-service with openid-client, the browsers, the app ' +
    "simulator) is the benchmark's process, on the same cores. One login in flight shows each step's own time, " +
    "without queueing. The platform's CPU time per login bounds its rate on one event loop: 1000 / that figure.",
  '',
  'Corporate signature figures: ES256 `crypto.verify` alone on one thread, against complete validations (JSON ' +
    'body, JWS checks, key lookup in the in-memory registry, signature, judgement at signing time, report) through ' +
    '`POST /corporate/signatures/validation`, the load generator on a worker thread (keep-alive, 32 in flight); ' +
    'five alternated rounds of each, medians compared.',
  '',
  'Consent figures: 1 000 000 active consents seeded as the commands write them (real device signatures and signed ' +
    'artefacts) through the event store port, projections caught up, then the gateway decision alone (the consent ' +
    "read by id from its stream, folded, decided) and complete exchanges over HTTP: the consumer's JWT checked, " +
    'the decision, a signed request to the demo housing provider (on a worker thread, answering from memory, ' +
    'checking the artefact offline), the payload checked against the schema, DataExchanged appended; one exchange ' +
    'a request (32 in flight), then batches of 100 through POST /gateway/exchanges (4 in flight).',
  '',
  'Metrics figures: a generated year (100 000 citizens, 300 e-services in 70 departments, ~300 000 logins, about ' +
    '1 000 000 events in the shapes the commands write) appended through the store port; the adoption-metrics ' +
    'projection rebuilt from zero by the ProjectionRunner; then the platform started on that store and the ' +
    "dashboard's seven requests over the whole year timed one at a time, 30 times.",
  '',
].join('\n');
console.log(`\n${table(figures)}`);
writeFileSync(new URL('../../bench/RESULTS.md', import.meta.url), report);
console.log('\nwritten to bench/RESULTS.md');
