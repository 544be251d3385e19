import type { Kysely } from 'kysely';
import type { EventStore, RecordedEvent } from '#libs/event-store';
import { deterministicUuid, type Clock, type Projection } from '#libs/eventsourcing';
import { ENDING_EVENT_TYPES, endingScopeOf } from './ending-scope.js';
import { endGrants } from './protocol-state-endings.js';
import { recordSessionsEnded } from './sessions-ended.event.js';

type AppointeeTables = {
  oidc_appointees: { appointment_id: string; citizen_id: string };
};

/**
 * Ends what a lost or replaced device, a suspended citizen or e-service, or a revoked appointment covers: fed
 * by the log, it destroys the grants, tokens and sessions in the same transaction as its checkpoint, then
 * records SessionsEnded (its id derived from the cause, so a batch retried records it once). The check where
 * tokens are used (GrantValidity) has already refused them; this makes the ending permanent and announced.
 */
export function sessionEndings(store: EventStore, clock: Clock): Projection {
  return {
    name: 'oidc-session-endings',
    version: 1,
    eventTypes: [...ENDING_EVENT_TYPES, 'RepresentativeAppointed'],
    async setup(db) {
      await db.schema
        .createTable('oidc_appointees')
        .ifNotExists()
        .addColumn('appointment_id', 'text', (c) => c.primaryKey())
        .addColumn('citizen_id', 'text', (c) => c.notNull())
        .execute();
    },
    // A reaction is not rebuilt from its effects: a reset only forgets whom appointments named.
    async reset(trx) {
      await trx.deleteFrom('oidc_appointees').execute();
    },
    async apply(trx, events: readonly RecordedEvent[]) {
      const db = trx as unknown as Kysely<AppointeeTables>;
      for (const recorded of events) {
        if (recorded.type === 'RepresentativeAppointed') {
          const { appointmentId, citizenId } = recorded.data as Record<string, string>;
          await db
            .insertInto('oidc_appointees')
            .values({ appointment_id: appointmentId!, citizen_id: citizenId! })
            .onConflict((oc) => oc.column('appointment_id').doNothing())
            .execute();
          continue;
        }
        const appointee = await appointeeOf(db, recorded);
        const scope = endingScopeOf(recorded, () => appointee);
        if (!scope) continue;
        const { grantsRevoked, sessions } = await endGrants(trx, scope);
        if (grantsRevoked === 0) continue;
        const { approvedUntil: _until, ...whose } = scope;
        await recordSessionsEnded(
          store,
          {
            type: 'SessionsEnded',
            data: { ...whose, grantsRevoked, sessions, endedAt: clock.now().toISOString() },
          },
          {
            id: deterministicUuid('SessionsEnded', recorded.id),
            causationId: recorded.id,
            ...(typeof recorded.metadata['correlationId'] === 'string' && {
              correlationId: recorded.metadata['correlationId'],
            }),
            actor: 'system:oidc-session-endings',
          },
        );
      }
    },
  };
}

async function appointeeOf(db: Kysely<AppointeeTables>, event: RecordedEvent): Promise<string | undefined> {
  if (event.type !== 'AppointmentRevoked') return undefined;
  const row = await db
    .selectFrom('oidc_appointees')
    .select('citizen_id')
    .where('appointment_id', '=', String(event.data['appointmentId']))
    .executeTakeFirst();
  return row?.citizen_id;
}
