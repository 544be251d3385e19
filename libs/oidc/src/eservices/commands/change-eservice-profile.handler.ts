import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { parseProfile } from '../domain/eservice-input.js';
import { ChangeEServiceProfileCommand } from './change-eservice-profile.command.js';
import { EServiceWrites } from './eservice-writes.js';

/** The provider applies the new profile from the next request on (see EServiceWrites). */
@CommandHandler(ChangeEServiceProfileCommand)
export class ChangeEServiceProfileHandler implements ICommandHandler<ChangeEServiceProfileCommand> {
  constructor(private readonly writes: EServiceWrites) {}

  async execute({ clientId, profile, context }: ChangeEServiceProfileCommand): Promise<void> {
    await this.writes.execute(
      clientId,
      { type: 'ChangeEServiceProfile', clientId, profile: parseProfile(profile) },
      context,
    );
  }
}
