import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DomainError } from '#libs/errors';
import { CLOCK, READ_MODELS, type Clock, type ReadModelDatabase } from '#libs/eventsourcing';

type SignatureUseTables = {
  device_signature_uses: {
    digest: string;
    idempotency_key: string | null;
    expires_at: number;
  };
};

/** Expired claims are swept now and then rather than on every request. */
const SWEEP_EVERY_CLAIMS = 500;

export const deviceSignatureReplayed = (): DomainError =>
  new DomainError(
    'DEVICE_SIGNATURE_REPLAYED',
    'device signature: this signed request was already used; sign the request again',
    401,
  );

/**
 * Each signed app request is good once. A signature is only accepted while its `iat` is near our clock, so a
 * use is remembered until then: a request captured on the way can neither be sent again nor raced. The
 * signing input (header and payload), not the signature, is what is remembered, because an ECDSA signature
 * has a second valid form that a replayer could send instead. A retry that carries the same Idempotency-Key
 * is let through: the command's own idempotency answers it without a second effect.
 */
@Injectable()
export class DeviceSignatureUses {
  private readonly db: Kysely<SignatureUseTables>;
  private ready: Promise<void> | undefined;
  private claimsSinceSweep = 0;

  constructor(
    @Inject(READ_MODELS) private readonly readModels: ReadModelDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.db = readModels.db as Kysely<SignatureUseTables>;
  }

  /** Records the use of `jws` by `signer` until `acceptableUntil`; a second use throws DEVICE_SIGNATURE_REPLAYED. */
  async claim(signer: string, jws: string, acceptableUntil: Date, idempotencyKey?: string): Promise<void> {
    await this.setup();
    const signingInput = jws.slice(0, jws.lastIndexOf('.'));
    const digest = createHash('sha256').update(`${signer}\n${signingInput}`).digest('base64url');
    const inserted = await this.db
      .insertInto('device_signature_uses')
      .values({ digest, idempotency_key: idempotencyKey ?? null, expires_at: acceptableUntil.getTime() })
      .onConflict((oc) => oc.column('digest').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
      const first = await this.db
        .selectFrom('device_signature_uses')
        .select('idempotency_key')
        .where('digest', '=', digest)
        .executeTakeFirst();
      if (idempotencyKey === undefined || first?.idempotency_key !== idempotencyKey) {
        throw deviceSignatureReplayed();
      }
    }
    if (++this.claimsSinceSweep >= SWEEP_EVERY_CLAIMS) {
      this.claimsSinceSweep = 0;
      await this.db
        .deleteFrom('device_signature_uses')
        .where('expires_at', '<', this.clock.now().getTime())
        .execute();
    }
  }

  private setup(): Promise<void> {
    this.ready ??= this.readModels.migrate(async (db) => {
      await db.schema
        .createTable('device_signature_uses')
        .ifNotExists()
        .addColumn('digest', 'text', (c) => c.primaryKey())
        .addColumn('idempotency_key', 'text')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    });
    return this.ready;
  }
}
