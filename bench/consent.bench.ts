/* eslint-disable no-console -- a benchmark's job is to print its figures */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SqliteEventStore } from '#libs/event-store';
import {
  AggregateStore,
  openEventStore,
  openReadModels,
  PiiVault,
  PlatformSigner,
  systemClock,
  Upcasters,
  type CommandContext,
} from '#libs/eventsourcing';
import { decideConsent } from '../libs/consent/src/domain/consent.decide.js';
import { consentStream } from '../libs/consent/src/domain/consent.events.js';
import { consent } from '../libs/consent/src/domain/consent.state.js';
import { GatewayParticipant } from '../libs/consent/src/simulator/gateway-participant.js';
import { startPlatformProcess, type PlatformProcess } from '../tests/support/platform-process.js';
import { freePort, TEST_ADMIN_TOKEN } from '../tests/support/test-platform.js';
import { seedActiveConsents } from './consent-seed.js';
import type { Figure } from './event-store.bench.js';
import { throughput } from './measure.js';

const CONSENTS = Number(process.env['CONSENT_BENCH_CONSENTS'] ?? 1_000_000);
const DECISIONS = 20_000;
const EXCHANGES = Number(process.env['CONSENT_BENCH_EXCHANGES'] ?? 20_000);
const WARM_UP = 1_000;
const IN_FLIGHT = 32;
/** Batches: as a department's nightly run would send them, a few at a time. */
const BATCH_SIZE = 100;
const BATCHES_IN_FLIGHT = 4;

const PROOF_OF_ADDRESS = {
  datasetId: 'proof-of-address',
  title: 'Proof of address',
  description: 'The address of the public housing flat a citizen rents',
  items: [
    { name: 'address', description: 'the flat, block and estate' },
    { name: 'since', description: 'the tenancy start date' },
  ],
  schema: {
    type: 'object',
    properties: { address: { type: 'string' }, since: { type: 'string' } },
    additionalProperties: false,
  },
};

const percentile = (sorted: readonly number[], p: number) =>
  Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 100) / 100;

interface Setup {
  readonly dataDir: string;
  readonly baseUrl: string;
  readonly providerPort: number;
  readonly piiMasterKey: Buffer;
}

/**
 * Consent-checked exchanges through the real platform on the embedded store, with CONSENTS active consents in the
 * log. The platform runs as its own process (`npm start`'s entry point) from the start; the parties register and
 * the dataset is published through its API. CONSENTS consents are then appended to its log from this process, as
 * the commands write them, through the event store port on the same SQLite file, while the platform's
 * projections catch up on the other core; the artefacts are signed with the platform's own `consent-artefacts`
 * key (read from its key table with its master key). Once the projections are caught up, the gateway's decision
 * is timed alone, then complete exchanges over HTTP: the demo housing provider (answering from memory) on a
 * worker thread here, the consumer's load on this main thread. The platform's CPU time per exchange, read from
 * /proc, says what one core of it can do.
 */
export async function run(): Promise<Figure[]> {
  const port = await freePort();
  const setup: Setup = {
    dataDir: mkdtempSync(join(tmpdir(), 'bench-consent-')),
    baseUrl: `http://127.0.0.1:${port}`,
    providerPort: await freePort(),
    piiMasterKey: randomBytes(32),
  };
  const profileDir = process.env['CONSENT_BENCH_PROFILE'];
  const platform = await startPlatformProcess(
    {
      EVENT_STORE: 'sqlite',
      DATA_DIR: setup.dataDir,
      PORT: String(port),
      PUBLIC_URL: setup.baseUrl,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      PII_MASTER_KEY: setup.piiMasterKey.toString('base64'),
      LOG_LEVEL: 'warn',
    },
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  // A platform that dies mid-run says why here, rather than as the next request's ECONNREFUSED.
  platform.child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') {
      console.error(`platform exited (${code ?? signal}):\n${platform.output().slice(-5_000)}`);
    }
  });
  try {
    const parties = await registerParties(setup);
    const { consentIds, decision } = await seed(setup, parties);
    const exchange = await exchanges(setup, platform, parties.welfare, consentIds);
    return [
      {
        name: `consent decision (read by id, fold, decide), ${CONSENTS.toLocaleString('en-US')} active consents: p50 ms`,
        value: decision.p50,
        unit: 'ms',
      },
      { name: 'consent decision: p99 ms (target < 5)', value: decision.p99, unit: 'ms' },
      ...exchangeFigures(
        `consent-checked exchanges/s over HTTP, one a request (JWT auth, decision, provider call, DataExchanged), ${IN_FLIGHT} in flight`,
        'one exchange',
        exchange.single,
      ),
      ...exchangeFigures(
        `consent-checked exchanges/s over HTTP in batches of ${BATCH_SIZE} (POST /gateway/exchanges), ${BATCHES_IN_FLIGHT} in flight`,
        `one batch of ${BATCH_SIZE}`,
        exchange.batches,
      ),
    ];
  } finally {
    await platform.stop();
    rmSync(setup.dataDir, { recursive: true, force: true });
  }
}

function exchangeFigures(
  rate: string,
  request: string,
  measure: Awaited<ReturnType<typeof measured>>,
): Figure[] {
  return [
    { name: rate, value: measure.perSecond, unit: 'exchanges/s', target: 1000 },
    { name: `${request} under that load: p50 ms`, value: measure.p50, unit: 'ms' },
    { name: `${request} under that load: p99 ms`, value: measure.p99, unit: 'ms' },
    { name: `${request}: platform process CPU per exchange, ms`, value: measure.platformCpuMs, unit: 'ms' },
    {
      name: `${request}: load generator and provider (this process) CPU per exchange, ms`,
      value: measure.othersCpuMs,
      unit: 'ms',
    },
  ];
}

interface Parties {
  readonly housing: GatewayParticipant;
  readonly welfare: GatewayParticipant;
}

/** The provider (its endpoint: the worker started later) and the consumer registered, the dataset published. */
async function registerParties({ baseUrl, providerPort }: Setup): Promise<Parties> {
  const housing = await GatewayParticipant.create('housing-department', { baseUrl });
  const welfare = await GatewayParticipant.create('social-welfare', { baseUrl });
  for (const [participant, roles, endpoint] of [
    [housing, ['provider'], `http://127.0.0.1:${providerPort}/exchange`],
    [welfare, ['consumer'], undefined],
  ] as const) {
    const response = await fetch(`${baseUrl}/admin/participants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        participantId: participant.participantId,
        name: participant.participantId,
        department: 'GOV',
        roles,
        ...(endpoint && { endpoint }),
        jwks: participant.jwks,
      }),
    });
    if (response.status !== 201) throw new Error(`participant registration: ${response.status}`);
  }
  await housing.call('POST', '/gateway/datasets', PROOF_OF_ADDRESS);
  // The platform makes its artefact key when first asked for it: the seed signs with that key.
  await housing.call('GET', '/gateway/jwks/artefacts');
  return { housing, welfare };
}

/** The consents appended, the platform's projections caught up, the decision timed on the seeded log. */
async function seed({ dataDir, baseUrl, piiMasterKey }: Setup, { housing, welfare }: Parties) {
  const storage = { eventStore: 'sqlite', dataDir } as const;
  const store = (await openEventStore(storage)) as SqliteEventStore;
  const readModels = await openReadModels(storage);
  try {
    // The seed writes gigabytes: a page cache of 256 MiB (the default is 2 MiB) keeps the indexes' hot pages in
    // memory while it does. The platform it is measured on runs with the defaults.
    store.db.pragma('cache_size = -262144');
    const vault = new PiiVault(readModels, piiMasterKey);
    await vault.setup();
    const started = process.hrtime.bigint();
    const consentIds = await seedActiveConsents(
      store,
      new PlatformSigner(readModels, vault, systemClock),
      `${baseUrl}/gateway`,
      {
        consumerId: welfare.participantId,
        providerId: housing.participantId,
        datasetId: PROOF_OF_ADDRESS.datasetId,
        items: PROOF_OF_ADDRESS.items.map((item) => item.name),
      },
      CONSENTS,
    );
    await projectionsCaughtUp(baseUrl, (await store.headPosition())!);
    console.log(
      `  seeded and projections caught up in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`,
    );
    const decision = await decisions(new AggregateStore(store, new Upcasters(), systemClock), consentIds);
    return { consentIds, decision };
  } finally {
    await readModels.close();
    await store.close();
  }
}

/** Polls the platform's health page until every projection has taken in the log up to `head`. */
async function projectionsCaughtUp(baseUrl: string, head: bigint): Promise<void> {
  for (;;) {
    const { projections } = (await (await fetch(`${baseUrl}/health`)).json()) as {
      projections: { position: string | null }[];
    };
    if (projections.every((p) => p.position !== null && BigInt(p.position) >= head)) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** The gateway's decision for an exchange, alone: the consent read by its id, folded, decided. */
async function decisions(aggregates: AggregateStore, consentIds: readonly string[]) {
  const context: CommandContext = {
    correlationId: 'bench',
    causationId: 'bench',
    actor: 'participant:social-welfare',
  };
  const latencies: number[] = [];
  for (let i = 0; i < DECISIONS; i++) {
    const consentId = consentIds[Math.floor(Math.random() * consentIds.length)]!;
    const started = process.hrtime.bigint();
    const { events } = await aggregates.handle(
      consentStream(consentId),
      consent,
      (state) =>
        decideConsent(
          {
            type: 'AttemptExchange',
            request: { exchangeId: 'bench', consumerId: 'social-welfare', datasetId: 'proof-of-address' },
          },
          state,
          new Date(),
        ),
      context,
    );
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (events.length > 0) throw new Error('a seeded consent refused the exchange');
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Complete exchanges over HTTP against the platform's own process, with the provider on a worker thread. */
async function exchanges(
  { baseUrl, providerPort }: Setup,
  platform: PlatformProcess,
  welfare: GatewayParticipant,
  consentIds: readonly string[],
) {
  const provider = await startProviderWorker(baseUrl, providerPort);
  try {
    const randomConsent = () => consentIds[Math.floor(Math.random() * consentIds.length)]!;
    const single = await measured(platform, welfare, WARM_UP, EXCHANGES, IN_FLIGHT, 1, async (token) => {
      const { status } = await post(`${baseUrl}/gateway/consents/${randomConsent()}/exchanges`, token, {});
      if (status !== 200) throw new Error(`exchange answered ${status}`);
    });
    const batches = await measured(
      platform,
      welfare,
      Math.ceil(WARM_UP / BATCH_SIZE),
      Math.ceil(EXCHANGES / BATCH_SIZE),
      BATCHES_IN_FLIGHT,
      BATCH_SIZE,
      async (token) => {
        const exchanges = Array.from({ length: BATCH_SIZE }, () => ({ consentId: randomConsent() }));
        const { status, body } = await post(`${baseUrl}/gateway/exchanges`, token, { exchanges });
        const refused = (JSON.parse(body) as { results?: { status: number }[] }).results?.filter(
          (result) => result.status !== 200,
        );
        if (status !== 200 || refused?.length !== 0) throw new Error(`batch answered ${status}: ${body}`);
      },
    );
    return { single, batches };
  } finally {
    await provider.close();
  }
}

/**
 * `count` requests of `exchangesPerRequest` exchanges each, `inFlight` at a time, after `warmUp` of them: exchanges
 * per second, each request's latency, and the CPU per exchange of the platform and of this process.
 */
async function measured(
  platform: PlatformProcess,
  welfare: GatewayParticipant,
  warmUp: number,
  count: number,
  inFlight: number,
  exchangesPerRequest: number,
  call: (token: string) => Promise<void>,
) {
  // Made beforehand, so that the load generator's CPU is its calls alone: they live as long as the gateway allows.
  const issuedAt = Math.floor(Date.now() / 1000);
  const tokens = await Promise.all(
    Array.from({ length: warmUp + count }, () => welfare.token({ iat: issuedAt, exp: issuedAt + 300 })),
  );
  await throughput(warmUp, inFlight, (i) => call(tokens[i]!));
  const latencies: number[] = [];
  const platformCpu = cpuMillisecondsOf(platform.child.pid!);
  const othersCpu = process.cpuUsage();
  const perSecond = await throughput(count, inFlight, async (i) => {
    const started = process.hrtime.bigint();
    await call(tokens[warmUp + i]!);
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  });
  const others = process.cpuUsage(othersCpu);
  const exchanges = count * exchangesPerRequest;
  const perExchange = (ms: number) => Math.round((ms / exchanges) * 100) / 100;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: perSecond * exchangesPerRequest,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    platformCpuMs: perExchange(cpuMillisecondsOf(platform.child.pid!) - platformCpu),
    othersCpuMs: perExchange((others.user + others.system) / 1000),
  };
}

/** User and system CPU time of a process so far, from /proc (Linux). */
function cpuMillisecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

const consumerAgent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

/** The consumer's call, on kept-alive connections as a department's system would make them. */
function post(url: string, token: string, body: object): Promise<{ status: number; body: string }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const call = request(url, {
      method: 'POST',
      agent: consumerAgent,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      },
    });
    call.on('error', reject);
    call.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    call.end(text);
  });
}

function startProviderWorker(
  platformUrl: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./consent-provider.worker.js', import.meta.url), {
      workerData: { platformUrl, port },
    });
    worker.once('error', reject);
    worker.once('message', (url: string) =>
      resolve({ url, close: async () => void (await worker.terminate()) }),
    );
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await run()) console.log(`${figure.name}: ${figure.value.toLocaleString('en-US')}`);
}
