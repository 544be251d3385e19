import type { Transaction } from 'kysely';
import type { RecordedEvent } from '#libs/event-store';
import type { Projection } from '#libs/eventsourcing';
import { EXCHANGE_EVENT_TYPES, type ConsentEvent } from '../domain/consent.events.js';

export type ExchangeOutcome = 'delivered' | 'refused' | 'failed';

/** Every exchange asked for under a citizen's consents, delivered or not: who took what, when, under which. */
export type ConsentAccessLogTables = {
  consent_access_log: {
    exchange_id: string;
    consent_id: string;
    citizen_id: string;
    consumer_id: string;
    provider_id: string;
    dataset_id: string;
    items: string;
    data_range: string;
    outcome: ExchangeOutcome;
    reason: string | null;
    payload_hash: string | null;
    payload_size: number | null;
    at: string;
  };
};

export const consentAccessLog: Projection = {
  name: 'consent-access-log',
  version: 1,
  eventTypes: EXCHANGE_EVENT_TYPES,
  async setup(db) {
    await db.schema
      .createTable('consent_access_log')
      .ifNotExists()
      .addColumn('exchange_id', 'text', (c) => c.primaryKey())
      .addColumn('consent_id', 'text', (c) => c.notNull())
      .addColumn('citizen_id', 'text', (c) => c.notNull())
      .addColumn('consumer_id', 'text', (c) => c.notNull())
      .addColumn('provider_id', 'text', (c) => c.notNull())
      .addColumn('dataset_id', 'text', (c) => c.notNull())
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('data_range', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('payload_hash', 'text')
      .addColumn('payload_size', 'integer')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('consent_access_log_citizen')
      .ifNotExists()
      .on('consent_access_log')
      .columns(['citizen_id', 'at'])
      .execute();
  },
  async reset(trx) {
    await trx.deleteFrom('consent_access_log').execute();
  },
  async apply(trx, events: readonly RecordedEvent[]) {
    const db = trx as unknown as Transaction<ConsentAccessLogTables>;
    for (const recorded of events) {
      const event = recorded as unknown as Extract<
        ConsentEvent,
        { type: (typeof EXCHANGE_EVENT_TYPES)[number] }
      >;
      const { data } = event;
      const row = {
        exchange_id: data.exchangeId,
        consent_id: data.consentId,
        citizen_id: data.citizenId,
        consumer_id: data.consumerId,
        provider_id: data.providerId,
        dataset_id: data.datasetId,
        items: JSON.stringify(data.items),
        data_range: JSON.stringify(data.dataRange),
      };
      const outcome =
        event.type === 'DataExchanged'
          ? {
              outcome: 'delivered' as const,
              reason: null,
              payload_hash: event.data.payloadHash,
              payload_size: event.data.payloadSize,
              at: event.data.exchangedAt,
            }
          : {
              outcome: event.type === 'ExchangeRefused' ? ('refused' as const) : ('failed' as const),
              reason: event.data.reason,
              payload_hash: null,
              payload_size: null,
              at: event.type === 'ExchangeRefused' ? event.data.refusedAt : event.data.failedAt,
            };
      await db
        .insertInto('consent_access_log')
        .values({ ...row, ...outcome })
        .onConflict((oc) => oc.column('exchange_id').doNothing())
        .execute();
    }
  },
};
