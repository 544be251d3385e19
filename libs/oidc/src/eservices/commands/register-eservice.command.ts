import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';
import type { RegistrationInput } from '../domain/eservice-input.js';

export interface RegisteredEService {
  readonly clientId: string;
  /** With client_secret_basic: the generated secret, in this answer only. */
  readonly clientSecret?: string;
}

export class RegisterEServiceCommand extends Command<RegisteredEService> {
  constructor(
    readonly input: RegistrationInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}
