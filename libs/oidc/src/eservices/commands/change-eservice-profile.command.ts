import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';

export class ChangeEServiceProfileCommand extends Command<void> {
  constructor(
    readonly clientId: string,
    readonly profile: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}
