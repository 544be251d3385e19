import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ClientSecrets } from './client-secrets.js';
import { EServiceWrites } from './eservice-writes.js';
import { RotateClientSecretCommand, type RotatedClientSecret } from './rotate-client-secret.command.js';

@CommandHandler(RotateClientSecretCommand)
export class RotateClientSecretHandler implements ICommandHandler<RotateClientSecretCommand> {
  constructor(
    private readonly writes: EServiceWrites,
    private readonly secrets: ClientSecrets,
  ) {}

  async execute({ clientId, context }: RotateClientSecretCommand): Promise<RotatedClientSecret> {
    const clientSecret = await this.secrets.generate(clientId);
    const events = await this.writes.execute(
      clientId,
      { type: 'RotateClientSecret', clientId, clientSecret },
      context,
    );
    return { clientId, clientSecret: (await this.secrets.revealed(clientId, events))! };
  }
}
