import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import {
  CLOCK,
  PeriodicService,
  PlatformSigner,
  READ_MODELS,
  type Clock,
  type ReadModelDatabase,
} from '#libs/eventsourcing';
import { CONSENT_OPTIONS, type ConsentOptions } from '../consent.options.js';
import { MESSAGES_PURPOSE, WEBHOOK_TYP } from '../domain/consent-artefact.js';
import type { ConsentNotice, ConsentWebhookTables } from './consent-webhooks.projection.js';

const POLL_MS = 200;
const BATCH = 20;
const TIMEOUT_MS = 5_000;
export const WEBHOOK_MAX_ATTEMPTS = 8;
/** After attempt n fails, the next waits 2^(n-1) seconds: 1 s, 2 s, 4 s ... about 2 minutes in all. */
export const webhookRetryDelayMs = (attempts: number): number => 1000 * 2 ** (attempts - 1);

/**
 * Sends the outbox's due deliveries: the body is a compact JWS (`typ` consent-webhook+jwt, the gateway's message
 * keys) that the participant verifies and dedupes by `jti`. Failures are retried with a growing delay, then
 * given up. Delivery is at least once: an instance that stops mid-send sends again.
 */
@Injectable()
export class WebhookDispatcher extends PeriodicService {
  private readonly db: Kysely<ConsentWebhookTables>;

  constructor(
    @Inject(READ_MODELS) readModels: ReadModelDatabase,
    private readonly signer: PlatformSigner,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super(POLL_MS, new Logger('ConsentWebhooks'), 'webhook round failed');
    this.db = readModels.db as Kysely<ConsentWebhookTables>;
  }

  protected runOnce(): Promise<number> {
    return this.sendDue();
  }

  /** Sends every delivery due now; answers how many were attempted. */
  async sendDue(): Promise<number> {
    const now = this.clock.now();
    const due = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now.toISOString())
      .orderBy('next_attempt_at')
      .limit(BATCH)
      .execute();
    for (const delivery of due) {
      const notice = JSON.parse(delivery.notice) as ConsentNotice;
      const body = await this.signer.sign(MESSAGES_PURPOSE, WEBHOOK_TYP, {
        iss: this.options.gatewayUrl,
        aud: delivery.participant_id,
        iat: Math.floor(now.getTime() / 1000),
        jti: delivery.delivery_id,
        notice,
      });
      const error = await post(delivery.url, body);
      const attempts = delivery.attempts + 1;
      await this.db
        .updateTable('webhook_deliveries')
        .set(
          error === undefined
            ? { state: 'delivered', attempts, last_error: null }
            : {
                state: attempts >= WEBHOOK_MAX_ATTEMPTS ? 'failed' : 'pending',
                attempts,
                last_error: error,
                next_attempt_at: new Date(now.getTime() + webhookRetryDelayMs(attempts)).toISOString(),
              },
        )
        .where('delivery_id', '=', delivery.delivery_id)
        .execute();
    }
    return due.length;
  }
}

/** Undefined when the participant took it (2xx), else why not. */
async function post(url: string, body: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/jwt' },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
    await response.body?.cancel();
    return response.ok ? undefined : `HTTP ${response.status}`;
  } catch {
    return 'unreachable';
  }
}
