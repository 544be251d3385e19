import type { Transaction } from 'kysely';
import type { RecordedEvent } from '#libs/event-store';
import type { Projection } from '#libs/eventsourcing';
import { CONSENT_STATUS_EVENT_TYPES, type ConsentEvent } from '../domain/consent.events.js';
import { STATUS_AFTER } from '../domain/consent.state.js';
import type { ConsentCatalogueTables } from '../projections/consent-catalogue.projection.js';

/** What a participant is told of a consent's change (signed when sent, see WebhookDispatcher). */
export type ConsentNotice = { type: string; consentId: string; status: string; at: string; eventId: string };

/**
 * The outbox of webhook deliveries: one row per status change and party with a webhook URL, written with the
 * checkpoint, so that a change is never lost nor queued twice; the dispatcher sends and retries them.
 */
export type ConsentWebhookTables = {
  consent_parties: { consent_id: string; consumer_id: string; provider_id: string };
  webhook_deliveries: {
    delivery_id: string;
    participant_id: string;
    url: string;
    notice: string;
    state: 'pending' | 'delivered' | 'failed';
    attempts: number;
    next_attempt_at: string;
    last_error: string | null;
  };
};

export const consentWebhooks: Projection = {
  name: 'consent-webhooks',
  version: 1,
  eventTypes: CONSENT_STATUS_EVENT_TYPES,
  async setup(db) {
    await db.schema
      .createTable('consent_parties')
      .ifNotExists()
      .addColumn('consent_id', 'text', (c) => c.primaryKey())
      .addColumn('consumer_id', 'text', (c) => c.notNull())
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('webhook_deliveries')
      .ifNotExists()
      .addColumn('delivery_id', 'text', (c) => c.primaryKey())
      .addColumn('participant_id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('notice', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_due')
      .ifNotExists()
      .on('webhook_deliveries')
      .columns(['state', 'next_attempt_at'])
      .execute();
  },
  async reset(trx) {
    await trx.deleteFrom('consent_parties').execute();
    await trx.deleteFrom('webhook_deliveries').execute();
  },
  async apply(trx, events: readonly RecordedEvent[]) {
    const db = trx as unknown as Transaction<ConsentWebhookTables & ConsentCatalogueTables>;
    for (const recorded of events) {
      const event = recorded as unknown as ConsentEvent;
      if (event.type === 'ConsentRequested') {
        const { consentId, consumerId, providerId } = event.data.terms;
        await db
          .insertInto('consent_parties')
          .values({ consent_id: consentId, consumer_id: consumerId, provider_id: providerId })
          .onConflict((oc) => oc.column('consent_id').doNothing())
          .execute();
        continue;
      }
      const consentId = (event.data as { consentId: string }).consentId;
      const parties = await db
        .selectFrom('consent_parties')
        .selectAll()
        .where('consent_id', '=', consentId)
        .executeTakeFirst();
      if (!parties) continue;
      const recipients = await db
        .selectFrom('consent_participants')
        .select(['participant_id', 'webhook_url'])
        .where('participant_id', 'in', [parties.consumer_id, parties.provider_id])
        .where('webhook_url', 'is not', null)
        .execute();
      const at = String(recorded.metadata['occurredAt']);
      const notice: ConsentNotice = {
        type: event.type,
        consentId,
        status: STATUS_AFTER[event.type]!,
        at,
        eventId: recorded.id,
      };
      for (const recipient of recipients) {
        await db
          .insertInto('webhook_deliveries')
          .values({
            delivery_id: `${recorded.id}:${recipient.participant_id}`,
            participant_id: recipient.participant_id,
            url: recipient.webhook_url!,
            notice: JSON.stringify(notice),
            state: 'pending',
            attempts: 0,
            next_attempt_at: at,
            last_error: null,
          })
          .onConflict((oc) => oc.column('delivery_id').doNothing())
          .execute();
      }
    }
  },
};
