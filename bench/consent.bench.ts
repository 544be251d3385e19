/* eslint-disable no-console -- a benchmark's job is to print its figures */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import type { EventStore, NewEvent } from '#libs/event-store';
import {
  AggregateStore,
  EVENT_STORE,
  PlatformSigner,
  ProjectionRunner,
  type CommandContext,
} from '#libs/eventsourcing';
import {
  ARTEFACT_PURPOSE,
  ARTEFACT_TYP,
  artefactOf,
  asJson,
} from '../libs/consent/src/domain/consent-artefact.js';
import { consentDecisionPayload } from '../libs/consent/src/domain/app-payloads.js';
import { termsHash, type ConsentTerms } from '../libs/consent/src/domain/consent-terms.js';
import { decideConsent } from '../libs/consent/src/domain/consent.decide.js';
import { consentStream, type ConsentEvent } from '../libs/consent/src/domain/consent.events.js';
import { consent } from '../libs/consent/src/domain/consent.state.js';
import { GatewayParticipant } from '../libs/consent/src/simulator/gateway-participant.js';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../tests/support/test-platform.js';
import type { Figure } from './event-store.bench.js';
import { throughput } from './measure.js';

const CONSENTS = Number(process.env['CONSENT_BENCH_CONSENTS'] ?? 1_000_000);
const DECISIONS = 20_000;
const EXCHANGES = 10_000;
const IN_FLIGHT = 32;
const DAY = 86_400_000;

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

/**
 * Consent-checked exchanges through the real platform on the embedded store, with CONSENTS active consents in the
 * log. The consents are seeded as the commands write them (ConsentRequested, then ConsentApproved with a real
 * device signature and a real signed artefact), appended through the event store port; the projections catch up
 * before anything is timed. The provider (the demo housing department, answering from memory) runs on a worker
 * thread, as another system would; the consumer's load runs on the platform's own event loop.
 */
export async function run(): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-consent-'));
  const { app, baseUrl } = await startListeningTestPlatform({ eventStore: 'sqlite', dataDir });
  const provider = await startProviderWorker(baseUrl);
  try {
    const store = app.get<EventStore>(EVENT_STORE);
    const signer = app.get(PlatformSigner);
    const housing = await GatewayParticipant.create('housing-department', { baseUrl });
    const welfare = await GatewayParticipant.create('social-welfare', { baseUrl });
    for (const [participant, roles, endpoint] of [
      [housing, ['provider'], provider.url],
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

    const consentIds = await seed(store, signer, `${baseUrl}/gateway`);
    const head = await store.headPosition();
    const caughtUp = process.hrtime.bigint();
    await app.get(ProjectionRunner).waitFor(head!, 3_600_000);
    console.log(`  projections caught up in ${Number(process.hrtime.bigint() - caughtUp) / 1e9} s`);

    const decision = await decisions(app.get(AggregateStore), consentIds);
    const exchange = await exchanges(welfare, baseUrl, consentIds);
    return [
      {
        name: `consent decision (read by id, fold, decide), ${CONSENTS.toLocaleString('en-US')} active consents: p50 ms`,
        value: decision.p50,
        unit: 'ms',
      },
      { name: 'consent decision: p99 ms (target < 5)', value: decision.p99, unit: 'ms' },
      {
        name: `consent-checked exchanges/s over HTTP (JWT auth, decision, provider call, DataExchanged), ${IN_FLIGHT} in flight`,
        value: exchange.perSecond,
        unit: 'exchanges/s',
        target: 1000,
      },
      { name: 'one exchange under that load: p50 ms', value: exchange.p50, unit: 'ms' },
      { name: 'one exchange under that load: p99 ms', value: exchange.p99, unit: 'ms' },
    ];
  } finally {
    await provider.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function seed(store: EventStore, signer: PlatformSigner, gatewayUrl: string): Promise<string[]> {
  const device = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  // The phone's signature, made with node:crypto rather than jose: the same compact ES256 JWS, sooner.
  const deviceSign = (payload: object) => {
    const input = `${b64({ alg: 'ES256' })}.${b64(payload)}`;
    const signature = sign('sha256', Buffer.from(input), {
      key: device.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  };
  const deviceId = 'b'.repeat(43);
  const now = new Date();
  const consentIds: string[] = [];
  const started = process.hrtime.bigint();
  await throughput(CONSENTS, 32, async (i) => {
    const consentId = randomUUID();
    consentIds.push(consentId);
    const terms: ConsentTerms = {
      consentId,
      citizenId: randomUUID(),
      consumerId: 'social-welfare',
      providerId: 'housing-department',
      datasetId: 'proof-of-address',
      items: ['address', 'since'],
      purpose: { code: 'HOUSING_ALLOWANCE', text: 'Check eligibility for a housing allowance' },
      frequency: { mode: 'periodic', maxFetches: 1000, per: 'day' },
      dataRange: { from: '2020-01-01', to: '2030-12-31' },
      retentionDays: 30,
      validFrom: now.toISOString(),
      expiresAt: new Date(now.getTime() + 365 * DAY).toISOString(),
    };
    const hash = termsHash(terms);
    const signature = deviceSign({
      ...consentDecisionPayload(consentId, hash, 'approve'),
      iat: Math.floor(now.getTime() / 1000),
    });
    const approval = { deviceId, signature, approvedAt: now.toISOString() };
    const artefact = await signer.sign(
      ARTEFACT_PURPOSE,
      ARTEFACT_TYP,
      asJson(artefactOf(gatewayUrl, terms, hash, approval)),
    );
    const events: ConsentEvent[] = [
      { type: 'ConsentRequested', data: { terms, requestedAt: now.toISOString() } },
      {
        type: 'ConsentApproved',
        data: { consentId, deviceId, termsHash: hash, artefact, approvedAt: now.toISOString() },
      },
    ];
    const metadata = (actor: string) => ({
      correlationId: randomUUID(),
      causationId: randomUUID(),
      actor,
      occurredAt: now.toISOString(),
      schemaVersion: 1,
    });
    await store.append(
      consentStream(consentId),
      events.map((event, index): NewEvent => ({
        id: randomUUID(),
        type: event.type,
        data: event.data,
        metadata: metadata(index === 0 ? 'participant:social-welfare' : `citizen:${terms.citizenId}`),
      })),
      { expectedRevision: 'no_stream' },
    );
    if ((i + 1) % 100_000 === 0) {
      console.log(
        `  ${i + 1} consents seeded (${Math.round((i + 1) / (Number(process.hrtime.bigint() - started) / 1e9))}/s)`,
      );
    }
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `  ${CONSENTS} consents seeded in ${seconds.toFixed(1)} s (${Math.round(CONSENTS / seconds)}/s)`,
  );
  return consentIds;
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

async function exchanges(welfare: GatewayParticipant, baseUrl: string, consentIds: readonly string[]) {
  const warmUp = 500;
  const tokens = await Promise.all(Array.from({ length: EXCHANGES + warmUp }, () => welfare.token()));
  const exchange = async (i: number) => {
    const consentId = consentIds[Math.floor(Math.random() * consentIds.length)]!;
    const status = await post(`${baseUrl}/gateway/consents/${consentId}/exchanges`, tokens[i]!);
    if (status !== 200) throw new Error(`exchange answered ${status}`);
  };
  await throughput(warmUp, IN_FLIGHT, exchange);
  const latencies: number[] = [];
  const perSecond = await throughput(EXCHANGES, IN_FLIGHT, async (i) => {
    const started = process.hrtime.bigint();
    await exchange(warmUp + i);
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  });
  latencies.sort((a, b) => a - b);
  return { perSecond, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const consumerAgent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

/** The consumer's call, on kept-alive connections as a department's system would make them. */
function post(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = request(url, {
      method: 'POST',
      agent: consumerAgent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': 2 },
    });
    call.on('error', reject);
    call.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    call.end('{}');
  });
}

function startProviderWorker(platformUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./consent-provider.worker.js', import.meta.url), {
      workerData: { platformUrl },
    });
    worker.once('error', reject);
    worker.once('message', (url: string) =>
      resolve({ url, close: async () => void (await worker.terminate()) }),
    );
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const figure of await run()) console.log(`${figure.name}: ${figure.value}`);
}
