import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore, CLOCK, type Clock } from '#libs/eventsourcing';
import { decideCitizen, registeredCitizen } from '../domain/citizen.decide.js';
import { citizenStream } from '../domain/citizen.events.js';
import { citizen, summaryOf, type CitizenSummary } from '../domain/citizen.state.js';
import { ChangeCitizenCommand } from './change-citizen.command.js';

@CommandHandler(ChangeCitizenCommand)
export class ChangeCitizenHandler implements ICommandHandler<ChangeCitizenCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ change, context }: ChangeCitizenCommand): Promise<CitizenSummary> {
    const result = await this.aggregates.handle(
      citizenStream(change.citizenId),
      citizen,
      (state) => decideCitizen(change, state, this.clock.now()),
      context,
    );
    return summaryOf(registeredCitizen(result.state, change.citizenId));
  }
}
