import { exportJWK, generateKeyPair, calculateJwkThumbprint, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { JsonObject } from '#libs/event-store';
import { isErased, type PiiVault, type ReadModelDatabase, type SealedFields } from '#libs/eventsourcing';

type SigningKeyTables = {
  oidc_signing_keys: {
    kid: string;
    alg: string;
    sealed_jwk: string;
    created_at: string;
    retired_at: string | null;
  };
};

/** The vault seals the private keys too: a copy of the read-model database alone cannot sign tokens. */
const VAULT_SUBJECT = 'oidc-signing-keys';

/**
 * One key per algorithm an e-service may choose for its ID tokens and userinfo: ES256 for those that can, PS256
 * for FAPI 2.0 e-services with RSA, RS256 because OpenID Connect makes it every provider's baseline. A key carries
 * its `alg`, and oidc-provider signs only with a key of the algorithm asked for: each needs its own.
 */
export const SIGNING_ALGORITHMS = ['ES256', 'PS256', 'RS256'] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function setupSigningKeys(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('oidc_signing_keys')
    .ifNotExists()
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('sealed_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .execute();
}

/**
 * The provider's signing keys, persisted (a restart keeps every issued token verifiable) and rotated by adding a
 * newer pair: the newest signs, older ones stay published until retired.
 */
export class SigningKeys {
  private readonly db: Kysely<SigningKeyTables>;

  constructor(
    readModels: ReadModelDatabase,
    private readonly vault: PiiVault,
    private readonly now: () => Date,
  ) {
    this.db = readModels.db as Kysely<SigningKeyTables>;
  }

  /**
   * The private JWKS for oidc-provider, newest first; creates a key for each algorithm that has none yet (every
   * one on a fresh database, PS256 on one from before it was offered).
   */
  async load(): Promise<{ keys: JWK[] }> {
    const active = () =>
      this.db
        .selectFrom('oidc_signing_keys')
        .selectAll()
        .where('retired_at', 'is', null)
        .orderBy('created_at', 'desc')
        .execute();
    const present = new Set((await active()).map((row) => row.alg));
    for (const alg of SIGNING_ALGORITHMS.filter((alg) => !present.has(alg))) await this.addKey(alg);
    const rows = await active();
    const keys: JWK[] = [];
    for (const row of rows) {
      const { jwk } = await this.vault.open(VAULT_SUBJECT, { jwk: row.sealed_jwk } as SealedFields<{
        jwk: JsonObject;
      }>);
      if (!isErased(jwk)) keys.push(jwk as JWK);
    }
    return { keys };
  }

  /** Adds a new key per algorithm; returns their key ids. */
  async rotate(): Promise<string[]> {
    const kids: string[] = [];
    for (const alg of SIGNING_ALGORITHMS) kids.push(await this.addKey(alg));
    return kids;
  }

  private async addKey(alg: (typeof SIGNING_ALGORITHMS)[number]): Promise<string> {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    const jwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(jwk);
    const sealed = await this.vault.seal(VAULT_SUBJECT, {
      jwk: { ...jwk, kid, alg, use: 'sig' } as JsonObject,
    });
    await this.db
      .insertInto('oidc_signing_keys')
      .values({ kid, alg, sealed_jwk: sealed.jwk, created_at: this.now().toISOString(), retired_at: null })
      .execute();
    return kid;
  }
}
