import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  AggregateStore,
  CLOCK,
  deterministicUuid,
  PiiVault,
  type Clock,
  type CommandContext,
} from '#libs/eventsourcing';
import { decideCitizen } from '../domain/citizen.decide.js';
import { citizenStream, type CitizenRegistered, type DeviceEnrolled } from '../domain/citizen.events.js';
import { citizen } from '../domain/citizen.state.js';
import { parseDateOfBirth } from '../domain/date-of-birth.js';
import { parseDevicePublicKey } from '../domain/device-key.js';
import { parseHkid } from '../domain/hkid.js';
import { decideHkidClaim, hkidClaim, hkidClaimStream } from '../domain/hkid-claim.js';
import { hkidDigest } from '../domain/hkid-digest.js';
import { provenDeviceKey } from '../device-signature/device-key-proof.js';
import { registrationPayload } from '../device-signature/signed-payloads.js';
import { IDENTITY_OPTIONS, type IdentityOptions } from '../identity.options.js';
import { RegisterCitizenCommand, type Registration } from './register-citizen.command.js';

/**
 * Takes the device key only with the app's proof that it holds it, before anything is written. Claims the HKID
 * number first, naming the new citizen, then registers that citizen. A crash between the two
 * leaves a claim whose citizen does not exist: the next registration with that number completes it rather
 * than being refused forever.
 */
@CommandHandler(RegisterCitizenCommand)
export class RegisterCitizenHandler implements ICommandHandler<RegisterCitizenCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly vault: PiiVault,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityOptions,
  ) {}

  async execute({ input, context }: RegisterCitizenCommand): Promise<Registration> {
    const now = this.clock.now();
    const hkid = parseHkid(input.hkid);
    const dateOfBirth = parseDateOfBirth(input.dateOfBirth, now);

    const claimStream = hkidClaimStream(hkidDigest(hkid, this.options.hkidIndexKey));
    const citizenId = await this.citizenIdFor(claimStream, context);
    // A retry of a registration made already carries the very proof that was verified then, its iat perhaps
    // too old by now: checked again, it would refuse the app the answer it lost.
    const retried = await this.aggregates.assertSameRequest(citizenStream(citizenId), context);
    const device = retried
      ? await parseDevicePublicKey(input.devicePublicKey)
      : await provenDeviceKey(input.devicePublicKey, input.deviceProof, registrationPayload(input), now);
    await this.aggregates.handle(
      claimStream,
      hkidClaim,
      (state) => decideHkidClaim(state, citizenId, now),
      context,
    );

    const personal = await this.vault.seal(citizenId, {
      nameEn: input.nameEn,
      nameZh: input.nameZh ?? null,
      hkid,
      dateOfBirth,
    });
    const result = await this.aggregates.handle(
      citizenStream(citizenId),
      citizen,
      (state) => decideCitizen({ type: 'RegisterCitizen', citizenId, personal, device }, state, now),
      context,
    );
    const registered = result.events.find((e): e is CitizenRegistered => e.type === 'CitizenRegistered');
    const enrolled = result.events.find((e): e is DeviceEnrolled => e.type === 'DeviceEnrolled');
    return {
      citizenId,
      deviceId: enrolled?.data.deviceId ?? device.deviceId,
      assuranceLevel: registered?.data.assuranceLevel ?? 'basic',
    };
  }

  /** A retried request gets the id its first run chose; an orphaned claim hands over its citizen id. */
  private async citizenIdFor(claimStream: string, context: CommandContext): Promise<string> {
    const claim = await this.aggregates.load(claimStream, hkidClaim);
    if (claim.state.claimedBy !== undefined) {
      const holder = await this.aggregates.load(citizenStream(claim.state.claimedBy), citizen);
      if (holder.state.status === 'unregistered') return claim.state.claimedBy;
    }
    return context.idempotency
      ? deterministicUuid('citizen', context.actor, context.idempotency.key)
      : randomUUID();
  }
}
