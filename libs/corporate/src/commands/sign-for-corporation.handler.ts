import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '#libs/eventsourcing';
import { DeviceSignedRequests } from '#libs/identity';
import type { SignedByRepresentative } from '../domain/corporation.events.js';
import { RepresentativeSignatures, signForCorporationPayload } from '../signing/representative-signatures.js';
import { CorporateWrites } from './corporate-writes.js';
import { SignForCorporationCommand, type RepresentativeSignature } from './sign-for-corporation.command.js';

/**
 * Authenticates the representative by their device's signature over the request, records the signing if their
 * appointment lets them sign now, and answers the platform's representative signature.
 */
@CommandHandler(SignForCorporationCommand)
export class SignForCorporationHandler implements ICommandHandler<SignForCorporationCommand> {
  constructor(
    private readonly signedRequests: DeviceSignedRequests,
    private readonly writes: CorporateWrites,
    private readonly signatures: RepresentativeSignatures,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({
    corporationId,
    documentDigest,
    signer,
    context,
  }: SignForCorporationCommand): Promise<RepresentativeSignature> {
    const citizenId = await this.signedRequests.citizenActing(
      signer,
      signForCorporationPayload(corporationId, documentDigest),
      this.clock.now(),
      context.idempotency?.key,
    );
    const { events } = await this.writes.execute(
      {
        type: 'SignForCorporation',
        corporationId,
        signatureId: randomUUID(),
        citizenId,
        deviceId: signer.deviceId,
        documentDigest,
      },
      { ...context, actor: `citizen:${citizenId}` },
    );
    const signed = events.find((e): e is SignedByRepresentative => e.type === 'SignedByRepresentative')!;
    return {
      jws: await this.signatures.issue(signed.data),
      signatureId: signed.data.signatureId,
      signedAt: signed.data.signedAt,
    };
  }
}
