import type { Transaction } from 'kysely';
import type { RecordedEvent } from '#libs/event-store';
import type { Projection } from '#libs/eventsourcing';
import { DATASET_EVENT_TYPES, type DatasetEvent } from '../domain/dataset.js';
import { PARTICIPANT_EVENT_TYPES, type ParticipantEvent } from '../domain/participant.js';

/** The participants and the datasets they publish: what the gateway authenticates and checks requests with. */
export type ConsentCatalogueTables = {
  consent_participants: {
    participant_id: string;
    name: string;
    department: string;
    /** Space-separated. */
    roles: string;
    endpoint: string | null;
    webhook_url: string | null;
    jwks: string;
    registered_at: string;
  };
  consent_datasets: {
    dataset_id: string;
    provider_id: string;
    title: string;
    description: string;
    items: string;
    schema: string;
    allowed_consumers: string | null;
    published_at: string;
  };
};

export const consentCatalogue: Projection = {
  name: 'consent-catalogue',
  version: 1,
  eventTypes: [...PARTICIPANT_EVENT_TYPES, ...DATASET_EVENT_TYPES],
  async setup(db) {
    await db.schema
      .createTable('consent_participants')
      .ifNotExists()
      .addColumn('participant_id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('department', 'text', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('endpoint', 'text')
      .addColumn('webhook_url', 'text')
      .addColumn('jwks', 'text', (c) => c.notNull())
      .addColumn('registered_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('consent_datasets')
      .ifNotExists()
      .addColumn('dataset_id', 'text', (c) => c.primaryKey())
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('schema', 'text', (c) => c.notNull())
      .addColumn('allowed_consumers', 'text')
      .addColumn('published_at', 'text', (c) => c.notNull())
      .execute();
  },
  async reset(trx) {
    await trx.deleteFrom('consent_participants').execute();
    await trx.deleteFrom('consent_datasets').execute();
  },
  async apply(trx, events: readonly RecordedEvent[]) {
    const db = trx as unknown as Transaction<ConsentCatalogueTables>;
    for (const recorded of events) {
      const event = recorded as unknown as ParticipantEvent | DatasetEvent;
      if (event.type === 'ParticipantRegistered') {
        const { data } = event;
        await db
          .insertInto('consent_participants')
          .values({
            participant_id: data.participantId,
            name: data.name,
            department: data.department,
            roles: data.roles.join(' '),
            endpoint: data.endpoint ?? null,
            webhook_url: data.webhookUrl ?? null,
            jwks: JSON.stringify(data.jwks),
            registered_at: data.registeredAt,
          })
          .onConflict((oc) => oc.column('participant_id').doNothing())
          .execute();
      } else {
        const { data } = event;
        await db
          .insertInto('consent_datasets')
          .values({
            dataset_id: data.datasetId,
            provider_id: data.providerId,
            title: data.title,
            description: data.description,
            items: JSON.stringify(data.items),
            schema: JSON.stringify(data.schema),
            allowed_consumers: data.allowedConsumers ? JSON.stringify(data.allowedConsumers) : null,
            published_at: data.publishedAt,
          })
          .onConflict((oc) => oc.column('dataset_id').doNothing())
          .execute();
      }
    }
  },
};
