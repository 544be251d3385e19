import { Injectable } from '@nestjs/common';
import type { JsonObject } from '#libs/event-store';
import { PlatformSigner } from '#libs/eventsourcing';
import type { SignedByRepresentative } from '../domain/corporation.events.js';

export const REPRESENTATIVE_PURPOSE = 'corporate-representative-signatures';
/** Explicit typing (RFC 8725 §3.11): how validation tells a representative signature from a seal's. */
export const REPRESENTATIVE_TYP = 'corporate-representative-signature+jwt';

/** What the representative's device signs to approve: the contract between the app and the platform. */
export const signForCorporationPayload = (corporationId: string, documentDigest: string): JsonObject => ({
  action: 'sign-for-corporation',
  corporationId,
  documentDigest,
});

/** What a representative signature attests: who signed which document digest for whom, and when. */
export type RepresentativeClaims = Omit<SignedByRepresentative['data'], 'deviceId'>;

/**
 * The platform's signature over a representative's approved signing: made by the platform's own key for this
 * purpose, so that relying parties check one published key while the representative's device key stays theirs.
 */
@Injectable()
export class RepresentativeSignatures {
  constructor(private readonly signer: PlatformSigner) {}

  issue(signed: SignedByRepresentative['data']): Promise<string> {
    const { deviceId: _deviceId, ...claims } = signed;
    return this.signer.sign(REPRESENTATIVE_PURPOSE, REPRESENTATIVE_TYP, claims);
  }

  /** The claims, if `jws` is a representative signature by the platform; throws otherwise. */
  async claimsOf(jws: string): Promise<RepresentativeClaims> {
    const claims = await this.signer.verify(REPRESENTATIVE_PURPOSE, REPRESENTATIVE_TYP, jws);
    for (const member of [
      'corporationId',
      'appointmentId',
      'citizenId',
      'role',
      'documentDigest',
      'signedAt',
    ]) {
      if (typeof claims[member] !== 'string') throw new Error(`the signature has no ${member}`);
    }
    return claims as unknown as RepresentativeClaims;
  }

  jwks() {
    return this.signer.publicJwks(REPRESENTATIVE_PURPOSE);
  }
}
