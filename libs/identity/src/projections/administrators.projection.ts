import { Inject, Injectable } from '@nestjs/common';
import type { RecordedEvent } from '#libs/event-store';
import { READ_MODELS, type Projection, type ReadModelDatabase } from '#libs/eventsourcing';
import type { Kysely } from 'kysely';
import type { CitizenEvent } from '../domain/citizen.events.js';

/** The citizens who hold the administrator role now, and since when. */
export type AdministratorTables = {
  administrators: { citizen_id: string; granted_at: string };
};

/**
 * Lists the administrators. Not what authorises a request: that reads the citizen's stream, so that a revocation
 * takes effect at once rather than when this read model catches up.
 */
export const administrators: Projection = {
  name: 'administrators',
  version: 1,
  eventTypes: ['AdministratorRoleGranted', 'AdministratorRoleRevoked'] satisfies CitizenEvent['type'][],
  async setup(db) {
    await db.schema
      .createTable('administrators')
      .ifNotExists()
      .addColumn('citizen_id', 'text', (c) => c.primaryKey())
      .addColumn('granted_at', 'text', (c) => c.notNull())
      .execute();
  },
  async reset(trx) {
    await trx.deleteFrom('administrators').execute();
  },
  async apply(trx, events: readonly RecordedEvent[]) {
    const db = trx.withTables<AdministratorTables>() as unknown as Kysely<AdministratorTables>;
    for (const recorded of events) {
      const event = recorded as unknown as CitizenEvent;
      if (event.type === 'AdministratorRoleGranted') {
        await db
          .insertInto('administrators')
          .values({ citizen_id: event.data.citizenId, granted_at: event.data.grantedAt })
          .onConflict((oc) => oc.column('citizen_id').doNothing())
          .execute();
      } else if (event.type === 'AdministratorRoleRevoked') {
        await db.deleteFrom('administrators').where('citizen_id', '=', event.data.citizenId).execute();
      }
    }
  },
};

export interface AdministratorView {
  readonly citizenId: string;
  readonly grantedAt: string;
}

/** The administrators as the read model holds them, for the admin API and the CLI. */
@Injectable()
export class AdministratorDirectory {
  private readonly db: Kysely<AdministratorTables>;

  constructor(@Inject(READ_MODELS) readModels: ReadModelDatabase) {
    this.db = readModels.db as Kysely<AdministratorTables>;
  }

  async list(): Promise<AdministratorView[]> {
    const rows = await this.db
      .selectFrom('administrators')
      .selectAll()
      .orderBy('granted_at')
      .orderBy('citizen_id')
      .execute();
    return rows.map((row) => ({ citizenId: row.citizen_id, grantedAt: row.granted_at }));
  }
}
