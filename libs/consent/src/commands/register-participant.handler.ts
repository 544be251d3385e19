import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '#libs/errors';
import { AggregateStore, CLOCK, type Clock } from '#libs/eventsourcing';
import { parseClientJwks } from '#libs/oidc';
import { decideParticipant, participant, participantStream } from '../domain/participant.js';
import { CatalogueWrites } from './catalogue-writes.js';
import { RegisterParticipantCommand } from './register-participant.command.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Where the gateway calls a participant: https, or plain http on this machine (demo and tests). */
function parseCallbackUrl(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DomainError('PARTICIPANT_URL_INVALID', `${field} is not a URL`, 400);
  }
  const allowed = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!allowed || url.username || url.password || url.hash) {
    throw new DomainError(
      'PARTICIPANT_URL_INVALID',
      `${field} must be an https URL without credentials or fragment (plain http only on localhost)`,
      400,
    );
  }
  return url.href;
}

@CommandHandler(RegisterParticipantCommand)
export class RegisterParticipantHandler implements ICommandHandler<RegisterParticipantCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly writes: CatalogueWrites,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input, context }: RegisterParticipantCommand): Promise<{ participantId: string }> {
    const endpoint = parseCallbackUrl('endpoint', input.endpoint);
    const webhookUrl = parseCallbackUrl('webhookUrl', input.webhookUrl);
    const registration = {
      participantId: input.participantId,
      name: input.name,
      department: input.department,
      roles: [...new Set(input.roles)],
      ...(endpoint !== undefined && { endpoint }),
      ...(webhookUrl !== undefined && { webhookUrl }),
      jwks: parseClientJwks(input.jwks),
    };
    const stream = participantStream(input.participantId);
    const now = this.clock.now();
    await this.aggregates.handle(
      stream,
      participant,
      (state) => decideParticipant(registration, state, now),
      context,
    );
    await this.writes.readable(stream);
    return { participantId: input.participantId };
  }
}
