import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import {
  AggregateStore,
  CLOCK,
  PeriodicService,
  READ_MODELS,
  type Clock,
  type ReadModelDatabase,
} from '#libs/eventsourcing';
import { decideConsent } from '../domain/consent.decide.js';
import { consentStream } from '../domain/consent.events.js';
import { consent } from '../domain/consent.state.js';
import type { CitizenConsentsTables } from '../projections/citizen-consents.projection.js';

const SWEEP_MS = 30_000;
const BATCH = 500;

/**
 * Writes `ConsentExpired` for consents whose time ran out with nobody acting on them, so that the parties hear
 * of it (webhooks) and the log says when. Exchanges never wait for it: their decision checks the time itself.
 */
@Injectable()
export class ConsentExpirySweep extends PeriodicService {
  private readonly db: Kysely<CitizenConsentsTables>;

  constructor(
    @Inject(READ_MODELS) readModels: ReadModelDatabase,
    private readonly aggregates: AggregateStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super(SWEEP_MS, new Logger('ConsentExpiry'), 'expiry sweep failed');
    this.db = readModels.db as Kysely<CitizenConsentsTables>;
  }

  protected runOnce(): Promise<number> {
    return this.sweep();
  }

  /** Expires what is due now; answers how many consents it expired. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const due = await this.db
      .selectFrom('consents')
      .select('consent_id')
      .where('status', 'in', ['ACTIVE', 'PAUSED'])
      .where('expires_at', '<=', now.toISOString())
      .limit(BATCH)
      .execute();
    let expired = 0;
    for (const { consent_id: consentId } of due) {
      const { events } = await this.aggregates.handle(
        consentStream(consentId),
        consent,
        (state) => decideConsent({ type: 'ExpireConsent' }, state, now),
        {
          correlationId: `expiry-${consentId}`,
          causationId: `expiry-${consentId}`,
          actor: 'system:consent-expiry',
        },
      );
      expired += events.length;
    }
    return expired;
  }
}
