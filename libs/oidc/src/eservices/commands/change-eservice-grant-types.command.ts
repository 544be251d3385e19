import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';

export class ChangeEServiceGrantTypesCommand extends Command<void> {
  constructor(
    readonly clientId: string,
    readonly grantTypes: readonly string[],
    readonly context: CommandContext,
  ) {
    super();
  }
}
