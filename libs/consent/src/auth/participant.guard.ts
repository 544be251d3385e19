import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '#libs/eventsourcing';
import type { ParticipantView } from '../projections/consent-catalogue.js';
import { ParticipantTokens } from './participant-tokens.js';

interface ParticipantRequest extends AuthenticatedRequest {
  participant?: ParticipantView;
}

/** Gateway endpoints take a participant's signed JWT; the events they write name `participant:<id>`. */
@Injectable()
export class ParticipantGuard implements CanActivate {
  constructor(private readonly tokens: ParticipantTokens) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ParticipantRequest>();
    const participant = await this.tokens.authenticate(request.header('authorization'));
    request.participant = participant;
    request.actor = `participant:${participant.participantId}`;
    return true;
  }
}

/** The participant the guard authenticated. */
export const CurrentParticipant = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<ParticipantRequest>().participant!,
);
