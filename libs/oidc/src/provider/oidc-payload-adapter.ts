import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Kysely } from 'kysely';
import type { ReadModelDatabase } from '#libs/eventsourcing';
import type { EServiceDirectory } from '../eservices/eservice-directory.js';

type OidcTables = {
  oidc_payloads: {
    model: string;
    id: string;
    payload: string;
    grant_id: string | null;
    uid: string | null;
    user_code: string | null;
    expires_at: number;
    consumed_at: number | null;
  };
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function setupOidcPayloads(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oidc_payloads')
    .ifNotExists()
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('uid', 'text')
    .addColumn('user_code', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['model', 'id'])
    .execute();
  await db.schema
    .createIndex('oidc_payloads_grant')
    .ifNotExists()
    .on('oidc_payloads')
    .column('grant_id')
    .execute();
  await db.schema.createIndex('oidc_payloads_uid').ifNotExists().on('oidc_payloads').column('uid').execute();
}

/**
 * Protocol state (sessions, codes, tokens, grants, interactions, PAR requests) is short-lived bookkeeping of the
 * OAuth machinery, not a business fact: it lives in a table beside the read models, while every outcome that
 * matters (a token issued, a login failed) is an event in the log. Clients are not stored here: they are the
 * registered e-services.
 */
export function oidcAdapterFactory(
  readModels: ReadModelDatabase,
  directory: EServiceDirectory,
  now: () => number,
): new (model: string) => Adapter {
  const db = readModels.db as Kysely<OidcTables>;
  const seconds = () => Math.floor(now() / 1000);

  const live = (model: string) =>
    db
      .selectFrom('oidc_payloads')
      .select(['payload', 'consumed_at'])
      .where('model', '=', model)
      .where('expires_at', '>', seconds());

  const toPayload = (row: { payload: string; consumed_at: number | string | null } | undefined) =>
    row && {
      ...(JSON.parse(row.payload) as AdapterPayload),
      ...(row.consumed_at !== null && { consumed: Number(row.consumed_at) }),
    };

  /**
   * oidc-provider takes a `jti` (client assertion, DPoP proof) as new when `find` does not know it, then saves
   * it: two instances checking the same `jti` at once would both take it. Saving is therefore an insert that only
   * the first can make (or one over an expired entry): the second is refused, as the replay it is.
   */
  async function rememberOnce(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const now = seconds();
    const row = {
      model: 'ReplayDetection',
      id,
      payload: JSON.stringify(payload),
      grant_id: null,
      uid: null,
      user_code: null,
      expires_at: now + expiresIn,
      consumed_at: null,
    };
    const { numInsertedOrUpdatedRows } = await db
      .insertInto('oidc_payloads')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['model', 'id'])
          .doUpdateSet({ payload: row.payload, expires_at: row.expires_at })
          .where('oidc_payloads.expires_at', '<=', now),
      )
      .executeTakeFirstOrThrow();
    if (numInsertedOrUpdatedRows === 0n) {
      throw new errors.InvalidRequest('this jti was used already: a signed request is taken once');
    }
  }

  return class SqlAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'ReplayDetection') return rememberOnce(id, payload, expiresIn);
      const row = {
        model: this.model,
        id,
        payload: JSON.stringify(payload),
        grant_id: payload.grantId ?? null,
        uid: payload.uid ?? null,
        user_code: payload.userCode ?? null,
        expires_at: seconds() + (expiresIn || 365 * 24 * 3600),
        consumed_at: null,
      };
      await db
        .insertInto('oidc_payloads')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['model', 'id']).doUpdateSet({
            payload: row.payload,
            grant_id: row.grant_id,
            uid: row.uid,
            user_code: row.user_code,
            expires_at: row.expires_at,
          }),
        )
        .execute();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') return (await directory.findClient(id)) as AdapterPayload | undefined;
      return toPayload(await live(this.model).where('id', '=', id).executeTakeFirst());
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return toPayload(await live(this.model).where('uid', '=', uid).executeTakeFirst());
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return toPayload(await live(this.model).where('user_code', '=', userCode).executeTakeFirst());
    }

    async consume(id: string): Promise<void> {
      await db
        .updateTable('oidc_payloads')
        .set({ consumed_at: seconds() })
        .where('model', '=', this.model)
        .where('id', '=', id)
        .execute();
    }

    async destroy(id: string): Promise<void> {
      await db.deleteFrom('oidc_payloads').where('model', '=', this.model).where('id', '=', id).execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
    }
  };
}
