import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';
import type { CorporationCommand } from '../domain/corporation.decide.js';
import type { RegisteredCorporation } from '../domain/corporation.state.js';

/** Any write to a corporation, once whoever asks has been authenticated and the input parsed. */
export class ChangeCorporationCommand extends Command<RegisteredCorporation> {
  constructor(
    readonly change: CorporationCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}
