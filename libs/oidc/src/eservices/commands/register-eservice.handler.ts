import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseRegistration } from '../domain/eservice-input.js';
import { ClientSecrets } from './client-secrets.js';
import { EServiceWrites } from './eservice-writes.js';
import { RegisterEServiceCommand, type RegisteredEService } from './register-eservice.command.js';

/** Checks the input before sealing a secret, so that a refused registration leaves no key in the vault. */
@CommandHandler(RegisterEServiceCommand)
export class RegisterEServiceHandler implements ICommandHandler<RegisterEServiceCommand> {
  constructor(
    private readonly writes: EServiceWrites,
    private readonly secrets: ClientSecrets,
  ) {}

  async execute({ input, context }: RegisterEServiceCommand): Promise<RegisteredEService> {
    const registration = parseRegistration(input);
    const { clientId } = registration;
    const clientSecret =
      registration.authMethod === 'client_secret_basic' ? await this.secrets.generate(clientId) : undefined;
    const events = await this.writes.execute(
      clientId,
      { type: 'RegisterEService', registration, ...(clientSecret !== undefined && { clientSecret }) },
      context,
    );
    const revealed = await this.secrets.revealed(clientId, events);
    return { clientId, ...(revealed !== undefined && { clientSecret: revealed }) };
  }
}
