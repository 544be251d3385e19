import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseChanges } from '../domain/eservice-input.js';
import { EServiceWrites } from './eservice-writes.js';
import { UpdateEServiceCommand } from './update-eservice.command.js';

@CommandHandler(UpdateEServiceCommand)
export class UpdateEServiceHandler implements ICommandHandler<UpdateEServiceCommand> {
  constructor(private readonly writes: EServiceWrites) {}

  async execute({ clientId, changes, context }: UpdateEServiceCommand): Promise<void> {
    await this.writes.execute(
      clientId,
      { type: 'UpdateEService', clientId, changes: parseChanges(changes) },
      context,
    );
  }
}
