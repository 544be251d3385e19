import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '#libs/eventsourcing';
import type { AssuranceLevel } from '#libs/identity';

type InteractionLoginTables = {
  oidc_interaction_logins: {
    uid: string;
    login_request_id: string;
    minimum_acr: string;
    short_code: string;
    qr_payload: string;
    expires_at: string;
  };
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function setupInteractionLogins(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oidc_interaction_logins')
    .ifNotExists()
    .addColumn('uid', 'text', (c) => c.primaryKey())
    .addColumn('login_request_id', 'text', (c) => c.notNull())
    .addColumn('minimum_acr', 'text', (c) => c.notNull())
    .addColumn('short_code', 'text', (c) => c.notNull())
    .addColumn('qr_payload', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

/** Which login request an authorization's interaction waits for: a reload of the page must not start another. */
export class InteractionLogins {
  private readonly db: Kysely<InteractionLoginTables>;

  constructor(readModels: ReadModelDatabase) {
    this.db = readModels.db as Kysely<InteractionLoginTables>;
  }

  async find(uid: string): Promise<InteractionLogin | undefined> {
    const row = await this.db
      .selectFrom('oidc_interaction_logins')
      .selectAll()
      .where('uid', '=', uid)
      .executeTakeFirst();
    return (
      row && {
        loginRequestId: row.login_request_id,
        minimumAcr: row.minimum_acr as AssuranceLevel,
        shortCode: row.short_code,
        qrPayload: row.qr_payload,
        expiresAt: row.expires_at,
      }
    );
  }

  /** The first login request remembered for `uid` wins; a concurrent second one is answered with the first. */
  async remember(uid: string, login: InteractionLogin): Promise<InteractionLogin> {
    await this.db
      .insertInto('oidc_interaction_logins')
      .values({
        uid,
        login_request_id: login.loginRequestId,
        minimum_acr: login.minimumAcr,
        short_code: login.shortCode,
        qr_payload: login.qrPayload,
        expires_at: login.expiresAt,
      })
      .onConflict((oc) => oc.column('uid').doNothing())
      .execute();
    return (await this.find(uid))!;
  }
}

export interface InteractionLogin {
  readonly loginRequestId: string;
  readonly minimumAcr: AssuranceLevel;
  readonly shortCode: string;
  readonly qrPayload: string;
  readonly expiresAt: string;
}
