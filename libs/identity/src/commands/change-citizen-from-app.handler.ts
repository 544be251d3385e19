import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, PiiVault, type Clock } from '#libs/eventsourcing';
import type { CitizenChange } from '../domain/citizen.decide.js';
import type { CitizenSummary } from '../domain/citizen.state.js';
import { deviceKeyProofInvalid, provenDeviceKey } from '../device-signature/device-key-proof.js';
import { DeviceSignedRequests } from '../device-signature/device-signed-requests.js';
import { ChangeCitizenCommand } from './change-citizen.command.js';
import { ChangeCitizenFromAppCommand } from './change-citizen-from-app.command.js';

/** Authenticates the device's signature over the action, then makes the change as any other. */
@CommandHandler(ChangeCitizenFromAppCommand)
export class ChangeCitizenFromAppHandler implements ICommandHandler<ChangeCitizenFromAppCommand> {
  constructor(
    private readonly commands: CommandBus,
    private readonly signedRequests: DeviceSignedRequests,
    private readonly vault: PiiVault,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: ChangeCitizenFromAppCommand): Promise<CitizenSummary> {
    const { action, signer, context } = command;
    const now = this.clock.now();
    await this.signedRequests.verifyOnce(
      { citizenId: action.citizenId, ...signer },
      action,
      now,
      context.idempotency?.key,
    );
    const change = await this.changeFor(command, now);
    return this.commands.execute(new ChangeCitizenCommand(change, context));
  }

  private async changeFor(
    { action, signer, newDeviceSignature }: ChangeCitizenFromAppCommand,
    now: Date,
  ): Promise<CitizenChange> {
    const { citizenId } = action;
    const signedBy = signer.deviceId;
    switch (action.action) {
      case 'enrol-device':
        if (newDeviceSignature === undefined) throw deviceKeyProofInvalid('the new device did not sign');
        return {
          type: 'EnrolDevice',
          citizenId,
          device: await provenDeviceKey(action.devicePublicKey, newDeviceSignature, action, now),
          signedBy,
        };
      case 'report-device-lost':
        return { type: 'ReportDeviceLost', citizenId, deviceId: action.deviceId, signedBy };
      case 'update-profile':
        // Sealed only once the signature proved that the citizen asks: nothing is sealed for a stranger.
        return {
          type: 'UpdateProfile',
          citizenId,
          profile: await this.vault.seal(citizenId, action.profile),
          signedBy,
        };
    }
  }
}
