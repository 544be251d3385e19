import type { Transaction } from 'kysely';
import type { RecordedEvent } from '#libs/event-store';
import type { Projection } from '#libs/eventsourcing';
import { CONSENT_STATUS_EVENT_TYPES, type ConsentEvent } from '../domain/consent.events.js';
import { STATUS_AFTER, type ConsentStatus } from '../domain/consent.state.js';
import { inChunks } from './in-chunks.js';

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
  /**
   * A batch is folded in memory first: a consent requested and approved in the same batch (a catch-up, a bulk
   * of approvals) becomes one row written with many others in one statement, instead of an insert and an update.
   */
  async apply(trx, events: readonly RecordedEvent[]) {
    const db = trx as unknown as Transaction<CitizenConsentsTables>;
    const requested = new Map<string, { row: ConsentRow; changed: boolean }>();
    const changes = new Map<string, ConsentChange>();
    for (const recorded of events) {
      const event = recorded as unknown as ConsentEvent;
      if (event.type === 'ConsentRequested') {
        const { terms, requestedAt } = event.data;
        if (requested.has(terms.consentId)) continue;
        requested.set(terms.consentId, {
          row: {
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
          },
          changed: false,
        });
        continue;
      }
      const status = STATUS_AFTER[event.type];
      if (!status) continue;
      const change: ConsentChange = {
        status,
        updated_at: String(recorded.metadata['occurredAt'] ?? ''),
        ...(event.type === 'ConsentApproved' && { artefact: event.data.artefact }),
      };
      const { consentId } = event.data;
      const inBatch = requested.get(consentId);
      if (inBatch) Object.assign(inBatch, { row: { ...inBatch.row, ...change }, changed: true });
      else changes.set(consentId, { ...changes.get(consentId), ...change });
    }
    const rows = [...requested.values()];
    for (const chunk of inChunks(rows.filter((r) => !r.changed).map((r) => r.row))) {
      await db
        .insertInto('consents')
        .values(chunk)
        .onConflict((oc) => oc.column('consent_id').doNothing())
        .execute();
    }
    // Already there (written before a crash, say): the changes that followed the request still apply.
    for (const chunk of inChunks(rows.filter((r) => r.changed).map((r) => r.row))) {
      await db
        .insertInto('consents')
        .values(chunk)
        .onConflict((oc) =>
          oc.column('consent_id').doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            updated_at: eb.ref('excluded.updated_at'),
            artefact: eb.fn.coalesce('excluded.artefact', 'consents.artefact'),
          })),
        )
        .execute();
    }
    for (const [consentId, change] of changes) {
      await db.updateTable('consents').set(change).where('consent_id', '=', consentId).execute();
    }
  },
};

type ConsentRow = CitizenConsentsTables['consents'];
type ConsentChange = Pick<ConsentRow, 'status' | 'updated_at'> & { artefact?: string };
