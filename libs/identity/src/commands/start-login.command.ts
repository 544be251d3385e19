import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';
import type { StartedLogin, StartLogin } from '../login/login-gateway.js';

export class StartLoginCommand extends Command<StartedLogin> {
  constructor(
    readonly input: StartLogin,
    readonly context: CommandContext,
  ) {
    super();
  }
}
