import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';
import type { AssuranceLevel } from '../domain/citizen.events.js';
import type { RegistrationRequest } from '../device-signature/signed-payloads.js';

export interface RegistrationInput extends RegistrationRequest {
  /** A device signature by `devicePublicKey` over `registrationPayload` of the rest: the app holds the key. */
  readonly deviceProof: string;
}

export interface Registration {
  readonly citizenId: string;
  readonly deviceId: string;
  readonly assuranceLevel: AssuranceLevel;
}

export class RegisterCitizenCommand extends Command<Registration> {
  constructor(
    readonly input: RegistrationInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}
