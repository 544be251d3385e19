import { createPrivateKey, sign as cryptoSign, type JsonWebKey, type KeyObject } from 'node:crypto';
import {
  calculateJwkThumbprint,
  compactVerify,
  exportJWK,
  generateKeyPair,
  importJWK,
  decodeProtectedHeader,
  type CryptoKey,
  type JWK,
} from 'jose';
import type { Kysely } from 'kysely';
import type { JsonObject } from '#libs/event-store';
import { DomainError } from '#libs/errors';
import type { Clock } from '../clock/clock.js';
import { isErased } from '../pii/erased.js';
import type { PiiVault } from '../pii/pii-vault.js';
import type { SealedFields } from '../pii/sealed-field.js';
import type { ReadModelDatabase } from '../read-models/read-model-database.js';

type PlatformSigningKeyTables = {
  platform_signing_keys: {
    kid: string;
    purpose: string;
    public_jwk: string;
    sealed_jwk: string;
    created_at: string;
  };
};

/** The vault seals the private keys: a copy of the read-model database alone cannot sign as the platform. */
const VAULT_SUBJECT = 'platform-signing-keys';
const ALG = 'ES256';

/**
 * What a platform signature attests. Each purpose has keys of its own, so a signature made for one (a corporate
 * signature timestamp, say) can never be passed off as another (a consent artefact).
 */
export type SigningPurpose = string;

export interface PlatformSignature {
  readonly payload: Uint8Array;
  readonly kid: string;
}

interface PurposeKeys {
  readonly signing: { readonly kid: string; readonly key: KeyObject };
  readonly verifying: ReadonlyMap<string, CryptoKey>;
  readonly jwks: readonly JWK[];
}

const base64url = (text: string): string => Buffer.from(text).toString('base64url');

export class PlatformSignatureInvalid extends DomainError {
  constructor(reason: string) {
    super('PLATFORM_SIGNATURE_INVALID', `Not a valid platform signature: ${reason}.`, 400);
  }
}

/**
 * The platform's own ES256 keys for what it attests outside OpenID Connect, kept per purpose, persisted (sealed by
 * the PII vault) so that every signature stays verifiable after a restart, and rotated by adding a newer key:
 * the newest signs, every older one stays published.
 */
export class PlatformSigner {
  private readonly db: Kysely<PlatformSigningKeyTables>;
  private readonly loaded = new Map<SigningPurpose, Promise<PurposeKeys>>();
  private tableReady: Promise<void> | undefined;

  constructor(
    private readonly readModels: ReadModelDatabase,
    private readonly vault: PiiVault,
    private readonly clock: Clock,
  ) {
    this.db = readModels.db as Kysely<PlatformSigningKeyTables>;
  }

  /** A compact JWS of `payload` with explicit typing (RFC 8725 §3.11), `typ` naming what it is. */
  async sign(purpose: SigningPurpose, typ: string, payload: JsonObject): Promise<string> {
    const { signing } = await this.keys(purpose);
    // node:crypto signs in a few tens of microseconds, synchronously; WebCrypto (jose's way) takes a thread-pool
    // round trip per signature, which an exchange or a bulk of artefacts would feel.
    const header = base64url(JSON.stringify({ alg: ALG, typ, kid: signing.kid }));
    const input = `${header}.${base64url(JSON.stringify(payload))}`;
    const signature = cryptoSign('sha256', Buffer.from(input), {
      key: signing.key,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  }

  /** Verifies a JWS made by `sign` for this purpose and type; the key comes from our own list, never the token. */
  async verify(purpose: SigningPurpose, typ: string, jws: string): Promise<JsonObject> {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(jws).kid;
    } catch {
      throw new PlatformSignatureInvalid('malformed JWS');
    }
    if (typeof kid !== 'string') throw new PlatformSignatureInvalid('no key id');
    // Another instance may have rotated since these keys were loaded: look once more before refusing.
    let key = (await this.keys(purpose)).verifying.get(kid);
    if (!key) {
      this.loaded.delete(purpose);
      key = (await this.keys(purpose)).verifying.get(kid);
    }
    if (!key) throw new PlatformSignatureInvalid('unknown key');
    try {
      const { payload, protectedHeader } = await compactVerify(jws, key, { algorithms: [ALG] });
      if (protectedHeader.typ !== typ) throw new PlatformSignatureInvalid(`type is not ${typ}`);
      const body = JSON.parse(new TextDecoder().decode(payload)) as unknown;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new PlatformSignatureInvalid('payload is not a JSON object');
      }
      return body as JsonObject;
    } catch (error) {
      if (error instanceof PlatformSignatureInvalid) throw error;
      throw new PlatformSignatureInvalid('signature does not verify');
    }
  }

  /** The public keys of a purpose, newest first, for offline verifiers. */
  async publicJwks(purpose: SigningPurpose): Promise<{ keys: JWK[] }> {
    return { keys: [...(await this.keys(purpose)).jwks] };
  }

  /** Adds a newer key for `purpose`; returns its key id. */
  async rotate(purpose: SigningPurpose): Promise<string> {
    await this.ensureTable();
    const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const sealed = await this.vault.seal(VAULT_SUBJECT, {
      jwk: { ...(await exportJWK(privateKey)), kid, alg: ALG } as JsonObject,
    });
    await this.db
      .insertInto('platform_signing_keys')
      .values({
        kid,
        purpose,
        public_jwk: JSON.stringify({ ...publicJwk, kid, alg: ALG, use: 'sig' }),
        sealed_jwk: sealed.jwk,
        created_at: this.clock.now().toISOString(),
      })
      .execute();
    this.loaded.delete(purpose);
    return kid;
  }

  private keys(purpose: SigningPurpose): Promise<PurposeKeys> {
    let keys = this.loaded.get(purpose);
    if (!keys) {
      keys = this.load(purpose);
      keys.catch(() => this.loaded.delete(purpose));
      this.loaded.set(purpose, keys);
    }
    return keys;
  }

  private async load(purpose: SigningPurpose): Promise<PurposeKeys> {
    await this.ensureTable();
    let rows = await this.rowsOf(purpose);
    if (rows.length === 0) {
      await this.rotate(purpose);
      rows = await this.rowsOf(purpose);
    }
    const newest = rows[0]!;
    const { jwk } = await this.vault.open(VAULT_SUBJECT, { jwk: newest.sealed_jwk } as SealedFields<{
      jwk: JsonObject;
    }>);
    if (isErased(jwk)) throw new Error(`the ${purpose} signing key has been erased`);
    const verifying = new Map<string, CryptoKey>();
    const jwks: JWK[] = [];
    for (const row of rows) {
      const publicJwk = JSON.parse(row.public_jwk) as JWK;
      verifying.set(row.kid, (await importJWK(publicJwk, ALG)) as CryptoKey);
      jwks.push(publicJwk);
    }
    return {
      signing: { kid: newest.kid, key: createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }) },
      verifying,
      jwks,
    };
  }

  private rowsOf(purpose: SigningPurpose) {
    return this.db
      .selectFrom('platform_signing_keys')
      .selectAll()
      .where('purpose', '=', purpose)
      .orderBy('created_at', 'desc')
      .orderBy('kid')
      .execute();
  }

  private ensureTable(): Promise<void> {
    this.tableReady ??= this.readModels.migrate(async (db) => {
      await db.schema
        .createTable('platform_signing_keys')
        .ifNotExists()
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('sealed_jwk', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    });
    return this.tableReady;
  }
}
