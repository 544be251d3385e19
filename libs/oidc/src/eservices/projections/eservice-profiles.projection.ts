import type { Transaction } from 'kysely';
import type { RecordedEvent } from '#libs/event-store';
import type { Projection } from '#libs/eventsourcing';
import type { EServiceEvent, SecurityProfile } from '../domain/eservice.events.js';

/**
 * The security profile of each e-service, beside `eservice_clients` rather than in it: a read model of its own
 * is built from the whole log at its first start, so e-services registered before profiles existed get theirs
 * (`standard`) without a migration of the clients table.
 */
export type EServiceProfilesTables = {
  eservice_profiles: { client_id: string; profile: SecurityProfile };
};

export const eserviceProfiles: Projection = {
  name: 'eservice-profiles',
  version: 1,
  eventTypes: ['EServiceRegistered', 'EServiceProfileChanged'] satisfies EServiceEvent['type'][],
  async setup(db) {
    await db.schema
      .createTable('eservice_profiles')
      .ifNotExists()
      .addColumn('client_id', 'text', (c) => c.primaryKey())
      .addColumn('profile', 'text', (c) => c.notNull())
      .execute();
  },
  async reset(trx) {
    await trx.deleteFrom('eservice_profiles').execute();
  },
  async apply(trx, events: readonly RecordedEvent[]) {
    const db = trx as Transaction<EServiceProfilesTables>;
    for (const recorded of events) {
      const event = recorded as unknown as EServiceEvent;
      if (event.type !== 'EServiceRegistered' && event.type !== 'EServiceProfileChanged') continue;
      const row = {
        client_id: event.data.clientId,
        profile:
          event.type === 'EServiceRegistered' ? (event.data.profile ?? 'standard') : event.data.profile,
      };
      // An upsert, so that two instances projecting the same event cannot fail the batch.
      await db
        .insertInto('eservice_profiles')
        .values(row)
        .onConflict((oc) => oc.column('client_id').doUpdateSet({ profile: row.profile }))
        .execute();
    }
  },
};
