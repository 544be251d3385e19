import type { Transaction } from 'kysely';
import type { RecordedEvent } from '#libs/event-store';
import type { Projection } from '#libs/eventsourcing';
import { CONSENT_STATUS_EVENT_TYPES, type ConsentEvent } from '../domain/consent.events.js';
import { STATUS_AFTER, type ConsentStatus } from '../domain/consent.state.js';

/** Each consent as the citizen lists it, and the parties read it: its terms, status and artefact. */
export type CitizenConsentsTables = {
  consents: {
    consent_id: string;
    citizen_id: string;
    consumer_id: string;
    provider_id: string;
    dataset_id: string;
    status: ConsentStatus;
    terms: string;
    artefact: string | null;
    expires_at: string;
    requested_at: string;
    updated_at: string;
  };
};

export const citizenConsents: Projection = {
  name: 'citizen-consents',
  version: 1,
  eventTypes: CONSENT_STATUS_EVENT_TYPES,
  async setup(db) {
    await db.schema
      .createTable('consents')
      .ifNotExists()
      .addColumn('consent_id', 'text', (c) => c.primaryKey())
      .addColumn('citizen_id', 'text', (c) => c.notNull())
      .addColumn('consumer_id', 'text', (c) => c.notNull())
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .addColumn('dataset_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('terms', 'text', (c) => c.notNull())
      .addColumn('artefact', 'text')
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('consents_citizen')
      .ifNotExists()
      .on('consents')
      .columns(['citizen_id', 'requested_at'])
      .execute();
    await db.schema
      .createIndex('consents_expiring')
      .ifNotExists()
      .on('consents')
      .columns(['status', 'expires_at'])
      .execute();
  },
  async reset(trx) {
    await trx.deleteFrom('consents').execute();
  },
  async apply(trx, events: readonly RecordedEvent[]) {
    const db = trx as unknown as Transaction<CitizenConsentsTables>;
    for (const recorded of events) {
      const event = recorded as unknown as ConsentEvent;
      const at = String(recorded.metadata['occurredAt'] ?? '');
      if (event.type === 'ConsentRequested') {
        const { terms, requestedAt } = event.data;
        await db
          .insertInto('consents')
          .values({
            consent_id: terms.consentId,
            citizen_id: terms.citizenId,
            consumer_id: terms.consumerId,
            provider_id: terms.providerId,
            dataset_id: terms.datasetId,
            status: 'PENDING',
            terms: JSON.stringify(terms),
            artefact: null,
            expires_at: terms.expiresAt,
            requested_at: requestedAt,
            updated_at: requestedAt,
          })
          .onConflict((oc) => oc.column('consent_id').doNothing())
          .execute();
        continue;
      }
      const status = STATUS_AFTER[event.type];
      if (!status) continue;
      await db
        .updateTable('consents')
        .set({
          status,
          updated_at: at,
          ...(event.type === 'ConsentApproved' && { artefact: event.data.artefact }),
        })
        .where('consent_id', '=', event.data.consentId)
        .execute();
    }
  },
};
