import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';
import type { DeviceSigner } from '#libs/identity';

export interface RepresentativeSignature {
  /** A compact JWS by the platform (typ `corporate-representative-signature+jwt`) over the signing's claims. */
  readonly jws: string;
  readonly signatureId: string;
  readonly signedAt: string;
}

/** A representative signs a document (by its digest) for the corporation, approved in their app. */
export class SignForCorporationCommand extends Command<RepresentativeSignature> {
  constructor(
    readonly corporationId: string,
    readonly documentDigest: string,
    readonly signer: DeviceSigner,
    readonly context: CommandContext,
  ) {
    super();
  }
}
