import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RegisteredCorporation } from '../domain/corporation.state.js';
import { ChangeCorporationCommand } from './change-corporation.command.js';
import { CorporateWrites } from './corporate-writes.js';

@CommandHandler(ChangeCorporationCommand)
export class ChangeCorporationHandler implements ICommandHandler<ChangeCorporationCommand> {
  constructor(private readonly writes: CorporateWrites) {}

  async execute({ change, context }: ChangeCorporationCommand): Promise<RegisteredCorporation> {
    return (await this.writes.execute(change, context)).state;
  }
}
