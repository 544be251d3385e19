import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type Provider from 'oidc-provider';
import { CLOCK, PeriodicService, READ_MODELS, type Clock, type ReadModelDatabase } from '#libs/eventsourcing';
import { OIDC_PROVIDER } from '../provider/tokens.js';
import type { BackchannelLogoutTables } from './backchannel-logouts.projection.js';
import { logoutToken } from './logout-token.js';

const POLL_MS = 200;
const BATCH = 20;
const TIMEOUT_MS = 5_000;
export const LOGOUT_MAX_ATTEMPTS = 8;
/** After attempt n fails, the next waits 2^(n-1) seconds: 1 s, 2 s, 4 s ... about 2 minutes in all. */
export const logoutRetryDelayMs = (attempts: number): number => 1000 * 2 ** (attempts - 1);

/**
 * Sends the outbox's due logout tokens (`POST` form `logout_token=...`, §2.5), retrying failures with a growing
 * delay, then giving up. At least once: an instance that stops mid-send sends again, with a new `jti`; the
 * e-service ends the session `sid` names either way. A suspended e-service gets none: it can use no token.
 */
@Injectable()
export class BackchannelLogoutDispatcher extends PeriodicService {
  private readonly db: Kysely<BackchannelLogoutTables>;

  constructor(
    @Inject(READ_MODELS) readModels: ReadModelDatabase,
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super(POLL_MS, new Logger('BackchannelLogout'), 'back-channel logout round failed');
    this.db = readModels.db as Kysely<BackchannelLogoutTables>;
  }

  protected runOnce(): Promise<number> {
    return this.sendDue();
  }

  /** Sends every logout token due now; answers how many were attempted. */
  async sendDue(): Promise<number> {
    const now = this.clock.now();
    const due = await this.db
      .selectFrom('oidc_backchannel_logouts')
      .selectAll()
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now.toISOString())
      .orderBy('next_attempt_at')
      .limit(BATCH)
      .execute();
    for (const delivery of due) {
      const client = await this.provider.Client.find(delivery.client_id);
      const error = client?.backchannelLogoutUri
        ? await post(
            client.backchannelLogoutUri,
            await logoutToken(this.provider, client, delivery.citizen_id, delivery.sid),
          )
        : 'e-service suspended or without a back-channel logout URI';
      const attempts = delivery.attempts + 1;
      await this.db
        .updateTable('oidc_backchannel_logouts')
        .set(
          error === undefined
            ? { state: 'delivered', attempts, last_error: null }
            : {
                state: attempts >= LOGOUT_MAX_ATTEMPTS || !client ? 'failed' : 'pending',
                attempts,
                last_error: error,
                next_attempt_at: new Date(now.getTime() + logoutRetryDelayMs(attempts)).toISOString(),
              },
        )
        .where('delivery_id', '=', delivery.delivery_id)
        .execute();
    }
    return due.length;
  }
}

/** Undefined when the e-service took it (2xx), else why not. */
async function post(url: string, token: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: token }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
    await response.body?.cancel();
    return response.ok ? undefined : `HTTP ${response.status}`;
  } catch {
    return 'unreachable';
  }
}
