import type { Kysely } from 'kysely';
import type { RecordedEvent } from '#libs/event-store';
import type { Projection } from '#libs/eventsourcing';
import type { EndedSession } from './sessions-ended.event.js';

/**
 * The e-services' back-channel logout URIs, and the outbox of logout tokens to send: one row per ended session
 * at an e-service that registered a URI, written with the checkpoint, so that no ending is lost or queued twice
 * and a restart resumes the sending (BackchannelLogoutDispatcher).
 */
export type BackchannelLogoutTables = {
  oidc_backchannel_logout_uris: { client_id: string; uri: string };
  oidc_backchannel_logouts: {
    delivery_id: string;
    client_id: string;
    citizen_id: string;
    sid: string;
    state: 'pending' | 'delivered' | 'failed';
    attempts: number;
    next_attempt_at: string;
    last_error: string | null;
  };
};

export const backchannelLogouts: Projection = {
  name: 'oidc-backchannel-logouts',
  version: 1,
  eventTypes: ['EServiceRegistered', 'EServiceUpdated', 'SessionsEnded'],
  async setup(db) {
    await db.schema
      .createTable('oidc_backchannel_logout_uris')
      .ifNotExists()
      .addColumn('client_id', 'text', (c) => c.primaryKey())
      .addColumn('uri', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('oidc_backchannel_logouts')
      .ifNotExists()
      .addColumn('delivery_id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('citizen_id', 'text', (c) => c.notNull())
      .addColumn('sid', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .execute();
    await db.schema
      .createIndex('oidc_backchannel_logouts_due')
      .ifNotExists()
      .on('oidc_backchannel_logouts')
      .columns(['state', 'next_attempt_at'])
      .execute();
  },
  // The URIs are rebuilt; logouts already queued or sent stay as they are, a replay queues none twice.
  async reset(trx) {
    await trx.deleteFrom('oidc_backchannel_logout_uris').execute();
  },
  async apply(trx, events: readonly RecordedEvent[]) {
    const db = trx as unknown as Kysely<BackchannelLogoutTables>;
    for (const recorded of events) {
      const data = recorded.data as { clientId?: string; backchannelLogoutUri?: string | null };
      if (recorded.type !== 'SessionsEnded') {
        if (data.backchannelLogoutUri === undefined) continue;
        const clientId = data.clientId!;
        await db.deleteFrom('oidc_backchannel_logout_uris').where('client_id', '=', clientId).execute();
        if (data.backchannelLogoutUri !== null) {
          await db
            .insertInto('oidc_backchannel_logout_uris')
            .values({ client_id: clientId, uri: data.backchannelLogoutUri })
            .execute();
        }
        continue;
      }
      const sessions = (recorded.data as { sessions: EndedSession[] }).sessions;
      if (sessions.length === 0) continue;
      const registered = new Set(
        (
          await db
            .selectFrom('oidc_backchannel_logout_uris')
            .select('client_id')
            .where('client_id', 'in', [...new Set(sessions.map((s) => s.clientId))])
            .execute()
        ).map((row) => row.client_id),
      );
      const at = String(recorded.metadata['occurredAt']);
      for (const session of sessions.filter((s) => registered.has(s.clientId))) {
        await db
          .insertInto('oidc_backchannel_logouts')
          .values({
            delivery_id: `${recorded.id}:${session.clientId}:${session.sid}`,
            client_id: session.clientId,
            citizen_id: session.citizenId,
            sid: session.sid,
            state: 'pending',
            attempts: 0,
            next_attempt_at: at,
            last_error: null,
          })
          .onConflict((oc) => oc.column('delivery_id').doNothing())
          .execute();
      }
    }
  },
};

/** The URI of an e-service, for the client metadata oidc-provider reads. */
export async function backchannelLogoutUriOf(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  clientId: string,
): Promise<string | undefined> {
  const row = await (db as Kysely<BackchannelLogoutTables>)
    .selectFrom('oidc_backchannel_logout_uris')
    .select('uri')
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return row?.uri;
}
