import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ChangeEServiceStatusCommand } from './change-eservice-status.command.js';
import { EServiceWrites } from './eservice-writes.js';

/** A suspended e-service is refused by the provider from the moment this answers (see EServiceWrites). */
@CommandHandler(ChangeEServiceStatusCommand)
export class ChangeEServiceStatusHandler implements ICommandHandler<ChangeEServiceStatusCommand> {
  constructor(private readonly writes: EServiceWrites) {}

  async execute({ clientId, change, context }: ChangeEServiceStatusCommand): Promise<void> {
    const type = change === 'suspend' ? 'SuspendEService' : 'ReinstateEService';
    await this.writes.execute(clientId, { type, clientId }, context);
  }
}
