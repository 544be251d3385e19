import type { Transaction } from 'kysely';
import type { RecordedEvent } from '#libs/event-store';
import type { Projection } from '#libs/eventsourcing';
import { CONSENT_STATUS_EVENT_TYPES, type ConsentEvent } from '../domain/consent.events.js';
import { STATUS_AFTER } from '../domain/consent.state.js';
import type { ConsentCatalogueTables } from '../projections/consent-catalogue.projection.js';
import { inChunks } from '../projections/in-chunks.js';

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
  /** A batch's new consents are written in a few statements, and its changes' parties and recipients read once. */
  async apply(trx, events: readonly RecordedEvent[]) {
    const db = trx as unknown as Transaction<ConsentWebhookTables & ConsentCatalogueTables>;
    const parties = new Map<string, Parties>();
    const requested: Parties[] = [];
    const changes: { recorded: RecordedEvent; event: ConsentEvent; consentId: string }[] = [];
    for (const recorded of events) {
      const event = recorded as unknown as ConsentEvent;
      if (event.type === 'ConsentRequested') {
        const { consentId, consumerId, providerId } = event.data.terms;
        if (parties.has(consentId)) continue;
        const row = { consent_id: consentId, consumer_id: consumerId, provider_id: providerId };
        parties.set(consentId, row);
        requested.push(row);
      } else {
        changes.push({ recorded, event, consentId: (event.data as { consentId: string }).consentId });
      }
    }
    for (const chunk of inChunks(requested)) {
      await db
        .insertInto('consent_parties')
        .values(chunk)
        .onConflict((oc) => oc.column('consent_id').doNothing())
        .execute();
    }
    if (changes.length === 0) return;
    const earlier = [...new Set(changes.map((c) => c.consentId))].filter((id) => !parties.has(id));
    for (const chunk of inChunks(earlier)) {
      const rows = await db
        .selectFrom('consent_parties')
        .selectAll()
        .where('consent_id', 'in', chunk)
        .execute();
      for (const row of rows) parties.set(row.consent_id, row);
    }
    const involved = [
      ...new Set(
        changes.flatMap(({ consentId }) => {
          const party = parties.get(consentId);
          return party ? [party.consumer_id, party.provider_id] : [];
        }),
      ),
    ];
    const webhooks = new Map<string, string>();
    for (const chunk of inChunks(involved)) {
      const rows = await db
        .selectFrom('consent_participants')
        .select(['participant_id', 'webhook_url'])
        .where('participant_id', 'in', chunk)
        .where('webhook_url', 'is not', null)
        .execute();
      for (const row of rows) webhooks.set(row.participant_id, row.webhook_url!);
    }
    if (webhooks.size === 0) return;
    const deliveries: ConsentWebhookTables['webhook_deliveries'][] = [];
    for (const { recorded, event, consentId } of changes) {
      const party = parties.get(consentId);
      if (!party) continue;
      const at = String(recorded.metadata['occurredAt']);
      const notice: ConsentNotice = {
        type: event.type,
        consentId,
        status: STATUS_AFTER[event.type as keyof typeof STATUS_AFTER]!,
        at,
        eventId: recorded.id,
      };
      for (const participantId of new Set([party.consumer_id, party.provider_id])) {
        const url = webhooks.get(participantId);
        if (url === undefined) continue;
        deliveries.push({
          delivery_id: `${recorded.id}:${participantId}`,
          participant_id: participantId,
          url,
          notice: JSON.stringify(notice),
          state: 'pending',
          attempts: 0,
          next_attempt_at: at,
          last_error: null,
        });
      }
    }
    for (const chunk of inChunks(deliveries)) {
      await db
        .insertInto('webhook_deliveries')
        .values(chunk)
        .onConflict((oc) => oc.column('delivery_id').doNothing())
        .execute();
    }
  },
};

type Parties = ConsentWebhookTables['consent_parties'];
