import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, metadataOf, PlatformSigner, type CommandContext } from '#libs/eventsourcing';
import { signatureTimestampStream, type SignatureTimestamped } from '../domain/signature-timestamp.events.js';

export const TIMESTAMP_PURPOSE = 'corporate-signature-timestamps';
/** Explicit typing (RFC 8725 §3.11): a timestamp can never be mistaken for any other platform signature. */
export const TIMESTAMP_TYP = 'corporate-signature-timestamp+jwt';

/** What the platform attests: this signature value, by this key, existed at `genTime`. */
export interface TimestampClaims {
  readonly sigDigest: string;
  readonly kid: string;
  readonly genTime: string;
}

/** As RFC 3161 signature timestamps do, the token binds the signature value, not the document. */
export const signatureDigest = (signature: Buffer): string =>
  createHash('sha256').update(signature).digest('base64url');

/** The platform's counter-signature of a signature's time, verifiable offline with the published keys. */
@Injectable()
export class SignatureTimestamps {
  constructor(
    private readonly signer: PlatformSigner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** The token, released only once `SignatureTimestamped` is on the log. */
  async issue(claims: TimestampClaims, corporationId: string, context: CommandContext): Promise<string> {
    const token = await this.signer.sign(TIMESTAMP_PURPOSE, TIMESTAMP_TYP, { ...claims });
    const event: SignatureTimestamped = { type: 'SignatureTimestamped', data: { corporationId, ...claims } };
    await this.store.append(
      signatureTimestampStream(corporationId, claims.genTime.slice(0, 10)),
      [
        {
          id: randomUUID(),
          type: event.type,
          data: event.data,
          metadata: metadataOf(context, claims.genTime, 1),
        },
      ],
      { expectedRevision: 'any' },
    );
    return token;
  }

  /** The time the token proves for this signature value and key, or why it proves nothing. */
  async provenTime(
    token: unknown,
    signature: Buffer,
    kid: string,
  ): Promise<{ time: string } | { refused: string }> {
    if (typeof token !== 'string' || token.length > 4096)
      return { refused: 'the timestamp is not a compact JWS' };
    let claims: Record<string, unknown>;
    try {
      claims = await this.signer.verify(TIMESTAMP_PURPOSE, TIMESTAMP_TYP, token);
    } catch {
      return { refused: 'the timestamp is not signed by the platform' };
    }
    if (claims['sigDigest'] !== signatureDigest(signature) || claims['kid'] !== kid) {
      return { refused: 'the timestamp is for another signature' };
    }
    const genTime = claims['genTime'];
    if (typeof genTime !== 'string') return { refused: 'the timestamp has no time' };
    return { time: genTime };
  }

  jwks() {
    return this.signer.publicJwks(TIMESTAMP_PURPOSE);
  }
}
