import type { Transaction } from 'kysely';
import type { RecordedEvent } from '#libs/event-store';
import type { Projection } from '#libs/eventsourcing';
import type {
  EServiceEvent,
  EServiceGrantType,
  SecurityProfile,
  TokenSigningAlg,
} from '../domain/eservice.events.js';
import { tokenSigningOf } from '../domain/eservice.state.js';

/**
 * How each e-service speaks OAuth (its security profile and grant types), beside `eservice_clients` rather than
 * in it: a read model of its own is built from the whole log at its first start, so e-services registered
 * before these settings existed get theirs (`standard`, `authorization_code`) without a migration of the
 * clients table.
 */
export type EServiceProtocolsTables = {
  eservice_protocols: {
    client_id: string;
    profile: SecurityProfile;
    /** Space-separated, as OAuth writes them. */
    grant_types: string;
    id_token_signing_alg: TokenSigningAlg;
    /** Null: userinfo as plain JSON. */
    userinfo_signing_alg: TokenSigningAlg | null;
  };
};

type Row = EServiceProtocolsTables['eservice_protocols'];

export const eserviceProtocols: Projection = {
  name: 'eservice-protocols',
  version: 1,
  eventTypes: [
    'EServiceRegistered',
    'EServiceProfileChanged',
    'EServiceGrantTypesChanged',
    'EServiceTokenSigningChanged',
  ] satisfies EServiceEvent['type'][],
  async setup(db) {
    await db.schema
      .createTable('eservice_protocols')
      .ifNotExists()
      .addColumn('client_id', 'text', (c) => c.primaryKey())
      .addColumn('profile', 'text', (c) => c.notNull())
      .addColumn('grant_types', 'text', (c) => c.notNull())
      .addColumn('id_token_signing_alg', 'text', (c) => c.notNull())
      .addColumn('userinfo_signing_alg', 'text')
      .execute();
  },
  async reset(trx) {
    await trx.deleteFrom('eservice_protocols').execute();
  },
  async apply(trx, events: readonly RecordedEvent[]) {
    const db = trx as Transaction<EServiceProtocolsTables>;
    for (const recorded of events) {
      const event = recorded as unknown as EServiceEvent;
      switch (event.type) {
        case 'EServiceRegistered': {
          const row: Row = {
            client_id: event.data.clientId,
            profile: event.data.profile ?? 'standard',
            grant_types: grantTypes(event.data.grantTypes ?? ['authorization_code']),
            ...signingColumns(event.data),
          };
          const { client_id: _clientId, ...update } = row;
          // An upsert, so that two instances projecting the same event cannot fail the batch.
          await db
            .insertInto('eservice_protocols')
            .values(row)
            .onConflict((oc) => oc.column('client_id').doUpdateSet(update))
            .execute();
          break;
        }
        case 'EServiceProfileChanged':
          await update(db, event.data.clientId, { profile: event.data.profile });
          break;
        case 'EServiceGrantTypesChanged':
          await update(db, event.data.clientId, { grant_types: grantTypes(event.data.grantTypes) });
          break;
        case 'EServiceTokenSigningChanged':
          await update(db, event.data.clientId, signingColumns(event.data));
          break;
        default:
          break;
      }
    }
  },
};

function signingColumns(data: Parameters<typeof tokenSigningOf>[0]) {
  const signing = tokenSigningOf(data);
  return {
    id_token_signing_alg: signing.idTokenSigningAlg,
    userinfo_signing_alg: signing.userinfoSigningAlg ?? null,
  };
}

const grantTypes = (grants: readonly EServiceGrantType[]): string => grants.join(' ');

async function update(db: Transaction<EServiceProtocolsTables>, clientId: string, changes: Partial<Row>) {
  await db.updateTable('eservice_protocols').set(changes).where('client_id', '=', clientId).execute();
}
