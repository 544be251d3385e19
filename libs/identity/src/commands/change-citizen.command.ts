import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';
import type { CitizenChange } from '../domain/citizen.decide.js';
import type { CitizenSummary } from '../domain/citizen.state.js';

/** Any change to a registered citizen, once whoever asks for it has been authenticated. */
export class ChangeCitizenCommand extends Command<CitizenSummary> {
  constructor(
    readonly change: CitizenChange,
    readonly context: CommandContext,
  ) {
    super();
  }
}
