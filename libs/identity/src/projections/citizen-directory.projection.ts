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

/**
 * v2: devices can be revoked, citizens suspended and verified. A v1 read model never saw those events, so it is
 * rebuilt rather than trusted.
 */
export const citizenDirectory: Projection = {
  name: 'citizen-directory',
  version: 2,
  eventTypes: [
    'CitizenRegistered',
    'DeviceEnrolled',
    'DeviceRevoked',
    'IdentityVerified',
    'CitizenSuspended',
    'CitizenReinstated',
  ] satisfies CitizenEvent['type'][],
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
    const directory = (citizenId: string) =>
      db.updateTable('citizen_directory').where('citizen_id', '=', citizenId);
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
          await directory(event.data.citizenId)
            .set((eb) => ({ active_devices: eb('active_devices', '+', 1) }))
            .execute();
          break;
        case 'DeviceRevoked':
          await directory(event.data.citizenId)
            .set((eb) => ({ active_devices: eb('active_devices', '-', 1) }))
            .execute();
          break;
        case 'IdentityVerified':
          await directory(event.data.citizenId).set({ assurance_level: event.data.assuranceLevel }).execute();
          break;
        case 'CitizenSuspended':
          await directory(event.data.citizenId).set({ status: 'suspended' }).execute();
          break;
        case 'CitizenReinstated':
          await directory(event.data.citizenId).set({ status: 'active' }).execute();
          break;
      }
    }
  },
};
