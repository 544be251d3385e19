import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '#libs/eventsourcing';
import type { ActingFor } from '#libs/identity';

type CorporateGrantTables = {
  oidc_corporate_grants: { grant_id: string; acting_for: string };
};

/** The claims of the `corporate` scope, from the corporation the citizen picked in the app. */
export const CORPORATE_CLAIMS = ['corp_id', 'corp_name', 'corp_role'] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function setupCorporateGrants(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oidc_corporate_grants')
    .ifNotExists()
    .addColumn('grant_id', 'text', (c) => c.primaryKey())
    .addColumn('acting_for', 'text', (c) => c.notNull())
    .execute();
}

/**
 * Which corporation a grant acts for: chosen once, at the login the grant came from, and read when its tokens
 * carry the `corporate` claims (ID token, userinfo, refreshed tokens alike).
 */
export class CorporateGrants {
  private readonly db: Kysely<CorporateGrantTables>;

  constructor(readModels: ReadModelDatabase) {
    this.db = readModels.db as Kysely<CorporateGrantTables>;
  }

  async remember(grantId: string, actingFor: ActingFor): Promise<void> {
    await this.db
      .insertInto('oidc_corporate_grants')
      .values({ grant_id: grantId, acting_for: JSON.stringify(actingFor) })
      .onConflict((oc) => oc.column('grant_id').doNothing())
      .execute();
  }

  async claimsOf(
    grantId: string | undefined,
  ): Promise<Partial<Record<(typeof CORPORATE_CLAIMS)[number], string>>> {
    if (grantId === undefined) return {};
    const row = await this.db
      .selectFrom('oidc_corporate_grants')
      .select('acting_for')
      .where('grant_id', '=', grantId)
      .executeTakeFirst();
    if (!row) return {};
    const actingFor = JSON.parse(row.acting_for) as ActingFor;
    return { corp_id: actingFor.corporationId, corp_name: actingFor.name, corp_role: actingFor.role };
  }
}
