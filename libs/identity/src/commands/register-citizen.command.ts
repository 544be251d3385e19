import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';
import type { AssuranceLevel } from '../domain/citizen.events.js';

export interface RegistrationInput {
  readonly nameEn: string;
  readonly nameZh?: string;
  readonly hkid: string;
  readonly dateOfBirth: string;
  readonly devicePublicKey: Record<string, unknown>;
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
