import type { RecordedEvent } from '#libs/event-store';
import type { Projection } from '#libs/eventsourcing';
import type { Kysely } from 'kysely';
import type { CitizenEvent } from '../domain/citizen.events.js';

/** What an administrator or an e-service may know of a citizen without opening the PII vault. */
export type CitizenDirectoryTables = {
  citizen_directory: {
    citizen_id: string;
    assurance_level: string;
    status: string;
    registered_at: string;
    active_devices: number;
  };
};

export const citizenDirectory: Projection = {
  name: 'citizen-directory',
  version: 1,
  eventTypes: ['CitizenRegistered', 'DeviceEnrolled'] satisfies CitizenEvent['type'][],
  async setup(db) {
    await db.schema
      .createTable('citizen_directory')
      .ifNotExists()
      .addColumn('citizen_id', 'text', (c) => c.primaryKey())
      .addColumn('assurance_level', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('registered_at', 'text', (c) => c.notNull())
      .addColumn('active_devices', 'integer', (c) => c.notNull())
      .execute();
  },
  async reset(trx) {
    await trx.deleteFrom('citizen_directory').execute();
  },
  async apply(trx, events: readonly RecordedEvent[]) {
    const db = trx.withTables<CitizenDirectoryTables>() as unknown as Kysely<CitizenDirectoryTables>;
    for (const recorded of events) {
      const event = recorded as unknown as CitizenEvent;
      switch (event.type) {
        case 'CitizenRegistered':
          await db
            .insertInto('citizen_directory')
            .values({
              citizen_id: event.data.citizenId,
              assurance_level: event.data.assuranceLevel,
              status: 'active',
              registered_at: event.data.registeredAt,
              active_devices: 0,
            })
            .execute();
          break;
        case 'DeviceEnrolled':
          await db
            .updateTable('citizen_directory')
            .set((eb) => ({ active_devices: eb('active_devices', '+', 1) }))
            .where('citizen_id', '=', event.data.citizenId)
            .execute();
          break;
      }
    }
  },
};
