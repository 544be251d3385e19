import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';

export class ChangeEServiceTokenSigningCommand extends Command<void> {
  constructor(
    readonly clientId: string,
    readonly idTokenSigningAlg: string,
    /** Unset: userinfo as plain JSON. */
    readonly userinfoSigningAlg: string | undefined,
    readonly context: CommandContext,
  ) {
    super();
  }
}
