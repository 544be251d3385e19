import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';
import type { SettingsInput } from '../domain/eservice-input.js';

export class UpdateEServiceCommand extends Command<void> {
  constructor(
    readonly clientId: string,
    readonly changes: SettingsInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}
