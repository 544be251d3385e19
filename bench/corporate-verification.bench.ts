/* eslint-disable no-console -- a benchmark's job is to print its figures */
import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CompactSign } from 'jose';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../tests/support/test-platform.js';
import type { Figure } from './event-store.bench.js';
import type { VerificationLoadPlan, VerificationLoadResult } from './verification-load.js';

/** Validation through HTTP must reach this share of the raw signature-check rate, in the same run. */
const TARGET_RATIO_PERCENT = 40;
const RAW_ITERATIONS_PER_ROUND = 10_000;
const HTTP_REQUESTS_PER_ROUND = 4_000;
const IN_FLIGHT = 32;
const DISTINCT_SIGNATURES = 200;
const ROUNDS = 5;
/** Signatures per request on the batch endpoint. */
const BATCH = 50;

/**
 * ES256 corporate signature validation: `crypto.verify` alone on this thread (the ceiling), then complete
 * validations (JSON body, format and header checks, key lookup, signature, judgement at signing time, report)
 * through the HTTP API of the platform on the embedded store, from a load generator on a worker thread with
 * keep-alive connections and a bounded number in flight. The platform has this process's main thread, as the raw
 * loop had: both figures are for one event loop. Rounds of each alternate and the medians are compared, so that
 * whatever else loads the machine weighs on both alike.
 */
export async function run(): Promise<Figure[]> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const payloads = Array.from({ length: DISTINCT_SIGNATURES }, (_, i) => `invoice ${i}: HKD ${1000 + i}.00`);

  const dataDir = mkdtempSync(join(tmpdir(), 'bench-corporate-'));
  const { app, baseUrl } = await startListeningTestPlatform({ eventStore: 'sqlite', dataDir });
  try {
    const kid = await registerSealKey(baseUrl, publicKey);
    const signatures = await Promise.all(
      payloads.map((payload) =>
        new CompactSign(new TextEncoder().encode(payload))
          .setProtectedHeader({ alg: 'ES256', kid })
          .sign(privateKey),
      ),
    );

    const bodies = signatures.map((jws) => JSON.stringify({ jws }));
    const batchBodies = Array.from({ length: DISTINCT_SIGNATURES / BATCH }, (_, b) =>
      JSON.stringify({ signatures: signatures.slice(b * BATCH, (b + 1) * BATCH).map((jws) => ({ jws })) }),
    );
    // Alternated rounds: the machine's other load, whatever it is, weighs on both figures alike.
    const raws: number[] = [];
    const https: number[] = [];
    const batches: number[] = [];
    const ceilings: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      raws.push(rawVerifyRate(publicKey, signatures));
      const load = await inWorker({
        url: `${baseUrl}/corporate/signatures/validation`,
        bodies,
        warmUp: 500,
        requests: HTTP_REQUESTS_PER_ROUND,
        inFlight: IN_FLIGHT,
        expect: 'TOTAL_PASSED',
        validationsPerRequest: 1,
      });
      if (load.notPassed > 0)
        throw new Error(`${load.notPassed} validations did not pass: the figure would be false`);
      https.push(load.perSecond);
      const batched = await inWorker({
        url: `${baseUrl}/corporate/signatures/validations`,
        bodies: batchBodies,
        warmUp: 20,
        requests: HTTP_REQUESTS_PER_ROUND / BATCH,
        inFlight: 4,
        expect: 'TOTAL_PASSED',
        validationsPerRequest: BATCH,
      });
      if (batched.notPassed > 0)
        throw new Error(`${batched.notPassed} batches did not all pass: the figure would be false`);
      batches.push(batched.perSecond);
      const ceiling = await inWorker({
        url: `${baseUrl}/corporate/signatures/validation`,
        bodies: [JSON.stringify({ jws: 'not.a-jws' })],
        warmUp: 500,
        requests: HTTP_REQUESTS_PER_ROUND,
        inFlight: IN_FLIGHT,
        expect: 'FORMAT_FAILURE',
        validationsPerRequest: 1,
      });
      if (ceiling.notPassed > 0) throw new Error(`${ceiling.notPassed} answers were not FORMAT_FAILURE`);
      ceilings.push(ceiling.perSecond);
      console.log(
        `  round ${round + 1}: raw ${raws.at(-1)}/s, through HTTP ${https.at(-1)}/s, in batches of ${BATCH} ${batches.at(-1)}/s, HTTP without a signature check ${ceilings.at(-1)}/s`,
      );
    }
    const raw = median(raws);
    const http = median(https);
    const percentOfRaw = (rate: number) => Math.round((rate / raw) * 1000) / 10;
    const batch = median(batches);
    return [
      {
        name: `corporate signatures: raw crypto.verify ES256, verifications/s (one thread, median of ${ROUNDS} rounds)`,
        value: raw,
        unit: 'ops/s',
      },
      {
        name: `corporate signatures: ES256 validations/s through HTTP (${IN_FLIGHT} in flight, keep-alive, load on a worker thread, median of ${ROUNDS} rounds)`,
        value: http,
        unit: 'ops/s',
      },
      {
        name: `corporate signatures: the same requests stopped at the format check (no signature check), /s (median of ${ROUNDS} rounds)`,
        value: median(ceilings),
        unit: 'ops/s',
      },
      {
        name: 'corporate signatures: HTTP validations as % of raw crypto.verify',
        value: percentOfRaw(http),
        unit: '%',
        target: TARGET_RATIO_PERCENT,
      },
      {
        name: `corporate signatures: ES256 validations/s through HTTP in batches of ${BATCH} (POST /corporate/signatures/validations, 4 in flight, median of ${ROUNDS} rounds)`,
        value: batch,
        unit: 'ops/s',
      },
      {
        name: `corporate signatures: batched HTTP validations as % of raw crypto.verify`,
        value: percentOfRaw(batch),
        unit: '%',
        target: TARGET_RATIO_PERCENT,
      },
    ];
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** What the validation itself can do no faster than: the signature check on pre-split, pre-decoded input. */
function rawVerifyRate(publicKey: KeyObject, signatures: readonly string[]): number {
  const inputs = signatures.map((jws) => {
    const [header, payload, signature] = jws.split('.');
    return { data: Buffer.from(`${header}.${payload}`), signature: Buffer.from(signature!, 'base64url') };
  });
  const check = (i: number) => {
    const { data, signature } = inputs[i % inputs.length]!;
    if (!verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)) {
      throw new Error('a benchmark signature does not verify');
    }
  };
  for (let i = 0; i < 2_000; i++) check(i);
  const started = process.hrtime.bigint();
  for (let i = 0; i < RAW_ITERATIONS_PER_ROUND; i++) check(i);
  return Math.round(RAW_ITERATIONS_PER_ROUND / (Number(process.hrtime.bigint() - started) / 1e9));
}

async function registerSealKey(baseUrl: string, publicKey: KeyObject): Promise<string> {
  const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const post = async (path: string, body: object) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    return (await response.json()) as { keys: { kid: string }[] };
  };
  await post('/admin/corporations', {
    brNumber: '87654321',
    crNumber: '7654321',
    nameEn: 'Bench Seal Limited',
  });
  const { keys } = await post('/corporate/corporations/87654321/keys', {
    publicJwk: publicKey.export({ format: 'jwk' }),
  });
  return keys[0]!.kid;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function inWorker(plan: VerificationLoadPlan): Promise<VerificationLoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./verification-load.js', import.meta.url), {
      workerData: { verificationLoad: plan },
    });
    worker.once('message', (result: VerificationLoadResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the load generator exited (${code}) without results`)));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await run()) console.log(`${figure.name}: ${figure.value.toLocaleString('en-US')}`);
}
