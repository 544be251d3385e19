import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseGrantTypes } from '../domain/eservice-input.js';
import { ChangeEServiceGrantTypesCommand } from './change-eservice-grant-types.command.js';
import { EServiceWrites } from './eservice-writes.js';

@CommandHandler(ChangeEServiceGrantTypesCommand)
export class ChangeEServiceGrantTypesHandler implements ICommandHandler<ChangeEServiceGrantTypesCommand> {
  constructor(private readonly writes: EServiceWrites) {}

  async execute({ clientId, grantTypes, context }: ChangeEServiceGrantTypesCommand): Promise<void> {
    await this.writes.execute(
      clientId,
      { type: 'ChangeEServiceGrantTypes', clientId, grantTypes: parseGrantTypes(grantTypes) },
      context,
    );
  }
}
