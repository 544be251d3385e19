import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';

export class ChangeEServiceStatusCommand extends Command<void> {
  constructor(
    readonly clientId: string,
    readonly change: 'suspend' | 'reinstate',
    readonly context: CommandContext,
  ) {
    super();
  }
}
