import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, PiiVault, type Clock } from '#libs/eventsourcing';
import type { CitizenChange } from '../domain/citizen.decide.js';
import type { CitizenSummary } from '../domain/citizen.state.js';
import { parseDevicePublicKey } from '../domain/device-key.js';
import { DeviceSignedRequests } from '../device-signature/device-signed-requests.js';
import type { CitizenAppAction } from '../device-signature/signed-payloads.js';
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

  async execute({ action, signer, context }: ChangeCitizenFromAppCommand): Promise<CitizenSummary> {
    await this.signedRequests.verifyOnce(
      { citizenId: action.citizenId, ...signer },
      action,
      this.clock.now(),
      context.idempotency?.key,
    );
    const change = await this.changeFor(action, signer.deviceId);
    return this.commands.execute(new ChangeCitizenCommand(change, context));
  }

  private async changeFor(action: CitizenAppAction, signedBy: string): Promise<CitizenChange> {
    const { citizenId } = action;
    switch (action.action) {
      case 'enrol-device':
        return {
          type: 'EnrolDevice',
          citizenId,
          device: await parseDevicePublicKey(action.devicePublicKey),
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
