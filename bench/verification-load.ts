import { Agent, request } from 'node:http';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { throughput } from './measure.js';

export interface VerificationLoadPlan {
  readonly url: string;
  /** Request bodies, sent round-robin. */
  readonly bodies: readonly string[];
  readonly warmUp: number;
  readonly requests: number;
  readonly inFlight: number;
  /** The indication or sub-indication every answer must carry, once per validation. */
  readonly expect: string;
  /** Validations in each request (a batch body), 1 for single ones. */
  readonly validationsPerRequest: number;
}

export interface VerificationLoadResult {
  /** Validations (not requests) per second. */
  readonly perSecond: number;
  /** Answers that were not a 200 with the expected indication: must be 0 for the figure to count. */
  readonly notPassed: number;
}

/** POSTs the bodies over keep-alive connections, at most `inFlight` at once; counts every unexpected answer. */
export async function generateVerificationLoad(plan: VerificationLoadPlan): Promise<VerificationLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: plan.inFlight });
  const url = new URL(plan.url);
  let notPassed = 0;
  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            const expected = text.split(`"${plan.expect}"`).length - 1;
            if (res.statusCode !== 200 || expected !== plan.validationsPerRequest) notPassed++;
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  await throughput(plan.warmUp, plan.inFlight, (i) => post(plan.bodies[i % plan.bodies.length]!));
  notPassed = 0;
  const requestsPerSecond = await throughput(plan.requests, plan.inFlight, (i) =>
    post(plan.bodies[i % plan.bodies.length]!),
  );
  agent.destroy();
  return { perSecond: requestsPerSecond * plan.validationsPerRequest, notPassed };
}

// Started as a worker thread (see corporate-verification.bench.ts): the load generator on its own event loop.
if (!isMainThread && (workerData as { verificationLoad?: VerificationLoadPlan } | null)?.verificationLoad) {
  parentPort!.postMessage(
    await generateVerificationLoad(
      (workerData as { verificationLoad: VerificationLoadPlan }).verificationLoad,
    ),
  );
}
