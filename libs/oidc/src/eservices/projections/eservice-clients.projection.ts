import type { Kysely, Transaction } from 'kysely';
import type { RecordedEvent } from '#libs/event-store';
import type { Projection } from '#libs/eventsourcing';
import { ESERVICE_EVENT_TYPES, type AuthMethod, type EServiceEvent } from '../domain/eservice.events.js';

/**
 * Each registered e-service as the OpenID Provider and the administrators read it. Lists and key sets are JSON
 * text, the same in both dialects; the client secret stays sealed here, as in the log.
 */
export type EServiceClientsTables = {
  eservice_clients: {
    client_id: string;
    name: string;
    department: string;
    status: 'active' | 'suspended';
    auth_method: AuthMethod;
    redirect_uris: string;
    post_logout_redirect_uris: string;
    /** Space-separated, as OAuth writes scopes. */
    allowed_scopes: string;
    jwks: string | null;
    sealed_client_secret: string | null;
    registered_at: string;
    updated_at: string;
  };
};

type Row = EServiceClientsTables['eservice_clients'];

export const eserviceClients: Projection = {
  name: 'eservice-clients',
  version: 1,
  eventTypes: ESERVICE_EVENT_TYPES,
  async setup(db) {
    await db.schema
      .createTable('eservice_clients')
      .ifNotExists()
      .addColumn('client_id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('department', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('auth_method', 'text', (c) => c.notNull())
      .addColumn('redirect_uris', 'text', (c) => c.notNull())
      .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull())
      .addColumn('allowed_scopes', 'text', (c) => c.notNull())
      .addColumn('jwks', 'text')
      .addColumn('sealed_client_secret', 'text')
      .addColumn('registered_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('eservice_clients_department')
      .ifNotExists()
      .on('eservice_clients')
      .columns(['department', 'status'])
      .execute();
  },
  async reset(trx) {
    await trx.deleteFrom('eservice_clients').execute();
  },
  async apply(trx, events: readonly RecordedEvent[]) {
    const db = trx.withTables<EServiceClientsTables>() as unknown as Transaction<EServiceClientsTables>;
    for (const recorded of events) {
      const event = recorded as unknown as EServiceEvent;
      if (event.type === 'EServiceRegistered') {
        await register(db, event.data);
      } else {
        await db
          .updateTable('eservice_clients')
          .set(changesOf(event))
          .where('client_id', '=', event.data.clientId)
          .execute();
      }
    }
  },
};

/** An upsert, so that applying a registration twice (two instances projecting at once) cannot fail the batch. */
async function register(
  db: Kysely<EServiceClientsTables>,
  data: Extract<EServiceEvent, { type: 'EServiceRegistered' }>['data'],
): Promise<void> {
  const row: Row = {
    client_id: data.clientId,
    name: data.name,
    department: data.department,
    status: 'active',
    auth_method: data.authMethod,
    redirect_uris: JSON.stringify(data.redirectUris),
    post_logout_redirect_uris: JSON.stringify(data.postLogoutRedirectUris),
    allowed_scopes: data.allowedScopes.join(' '),
    jwks: data.jwks ? JSON.stringify(data.jwks) : null,
    sealed_client_secret: data.clientSecret ?? null,
    registered_at: data.registeredAt,
    updated_at: data.registeredAt,
  };
  const { client_id: _clientId, ...update } = row;
  await db
    .insertInto('eservice_clients')
    .values(row)
    .onConflict((oc) => oc.column('client_id').doUpdateSet(update))
    .execute();
}

function changesOf(event: Exclude<EServiceEvent, { type: 'EServiceRegistered' }>): Partial<Row> {
  switch (event.type) {
    case 'EServiceUpdated': {
      const { name, redirectUris, postLogoutRedirectUris, allowedScopes, jwks, updatedAt } = event.data;
      return {
        ...(name !== undefined && { name }),
        ...(redirectUris && { redirect_uris: JSON.stringify(redirectUris) }),
        ...(postLogoutRedirectUris && { post_logout_redirect_uris: JSON.stringify(postLogoutRedirectUris) }),
        ...(allowedScopes && { allowed_scopes: allowedScopes.join(' ') }),
        ...(jwks && { jwks: JSON.stringify(jwks) }),
        updated_at: updatedAt,
      };
    }
    case 'EServiceClientSecretRotated':
      return { sealed_client_secret: event.data.clientSecret, updated_at: event.data.rotatedAt };
    case 'EServiceSuspended':
      return { status: 'suspended', updated_at: event.data.suspendedAt };
    case 'EServiceReinstated':
      return { status: 'active', updated_at: event.data.reinstatedAt };
    // Profile and grant types are read from the eservice-protocols projection.
    case 'EServiceProfileChanged':
    case 'EServiceGrantTypesChanged':
    case 'EServiceTokenSigningChanged':
      return { updated_at: event.data.changedAt };
  }
}
