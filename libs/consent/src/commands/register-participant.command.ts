import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';
import type { ParticipantRegistration } from '../domain/participant.js';

export type ParticipantInput = Omit<ParticipantRegistration, 'jwks'> & { jwks: unknown };

export class RegisterParticipantCommand extends Command<{ participantId: string }> {
  constructor(
    readonly input: ParticipantInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}
