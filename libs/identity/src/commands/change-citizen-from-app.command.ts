import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';
import type { CitizenSummary } from '../domain/citizen.state.js';
import type { CitizenAppAction } from '../device-signature/signed-payloads.js';

/**
 * A change the citizen makes from the app, signed by the device `deviceId` over `action`; enrolling a device,
 * also by the new device (`newDeviceSignature`), as proof that its key is held.
 */
export class ChangeCitizenFromAppCommand extends Command<CitizenSummary> {
  constructor(
    readonly action: CitizenAppAction,
    readonly signer: { readonly deviceId: string; readonly signature: string },
    readonly context: CommandContext,
    readonly newDeviceSignature?: string,
  ) {
    super();
  }
}
