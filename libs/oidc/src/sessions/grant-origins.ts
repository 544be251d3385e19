import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '#libs/eventsourcing';

export type GrantOriginTables = {
  oidc_grant_origins: {
    grant_id: string;
    citizen_id: string;
    /** The device whose signature approved the login the grant came from. */
    device_id: string;
    client_id: string;
    /** With the `corporate` scope: the corporation the grant's tokens speak for. */
    corporation_id: string | null;
    approved_at: string;
  };
};

/** Who approved a grant, with which device, for which e-service: what decides which grants an ending covers. */
export interface GrantOrigin {
  readonly grantId: string;
  readonly citizenId: string;
  readonly deviceId: string;
  readonly clientId: string;
  readonly corporationId?: string;
  readonly approvedAt: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function setupGrantOrigins(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oidc_grant_origins')
    .ifNotExists()
    .addColumn('grant_id', 'text', (c) => c.primaryKey())
    .addColumn('citizen_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('corporation_id', 'text')
    .addColumn('approved_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('oidc_grant_origins_citizen')
    .ifNotExists()
    .on('oidc_grant_origins')
    .column('citizen_id')
    .execute();
  await db.schema
    .createIndex('oidc_grant_origins_client')
    .ifNotExists()
    .on('oidc_grant_origins')
    .column('client_id')
    .execute();
}

/** Written when the app's approval becomes a grant (see InteractionController), read when grants must end. */
export class GrantOrigins {
  private readonly db: Kysely<GrantOriginTables>;

  constructor(readModels: ReadModelDatabase) {
    this.db = readModels.db as Kysely<GrantOriginTables>;
  }

  async remember(origin: GrantOrigin): Promise<void> {
    await this.db
      .insertInto('oidc_grant_origins')
      .values({
        grant_id: origin.grantId,
        citizen_id: origin.citizenId,
        device_id: origin.deviceId,
        client_id: origin.clientId,
        corporation_id: origin.corporationId ?? null,
        approved_at: origin.approvedAt,
      })
      .onConflict((oc) => oc.column('grant_id').doNothing())
      .execute();
  }

  async find(grantId: string): Promise<GrantOrigin | undefined> {
    const row = await this.db
      .selectFrom('oidc_grant_origins')
      .selectAll()
      .where('grant_id', '=', grantId)
      .executeTakeFirst();
    return row && originOf(row);
  }
}

export const originOf = (row: GrantOriginTables['oidc_grant_origins']): GrantOrigin => ({
  grantId: row.grant_id,
  citizenId: row.citizen_id,
  deviceId: row.device_id,
  clientId: row.client_id,
  ...(row.corporation_id !== null && { corporationId: row.corporation_id }),
  approvedAt: row.approved_at,
});
