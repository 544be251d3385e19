import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseTokenSigning } from '../domain/eservice-input.js';
import { ChangeEServiceTokenSigningCommand } from './change-eservice-token-signing.command.js';
import { EServiceWrites } from './eservice-writes.js';

@CommandHandler(ChangeEServiceTokenSigningCommand)
export class ChangeEServiceTokenSigningHandler implements ICommandHandler<ChangeEServiceTokenSigningCommand> {
  constructor(private readonly writes: EServiceWrites) {}

  async execute(command: ChangeEServiceTokenSigningCommand): Promise<void> {
    const { clientId, idTokenSigningAlg, userinfoSigningAlg, context } = command;
    await this.writes.execute(
      clientId,
      {
        type: 'ChangeEServiceTokenSigning',
        clientId,
        tokenSigning: parseTokenSigning(idTokenSigningAlg, userinfoSigningAlg),
      },
      context,
    );
  }
}
