import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '#libs/errors';
import { AdminGuard, Context, type CommandContext } from '#libs/eventsourcing';
import { RegisterParticipantCommand } from '../commands/register-participant.command.js';
import { ConsentCatalogue, type ParticipantView } from '../projections/consent-catalogue.js';
import { RegisterParticipantDto } from './consent.dto.js';

/** Administrators register the gateway's participants and their keys. */
@Controller('admin/participants')
@UseGuards(AdminGuard)
export class ConsentAdminController {
  constructor(
    private readonly commands: CommandBus,
    private readonly catalogue: ConsentCatalogue,
  ) {}

  @Post()
  @HttpCode(201)
  async register(
    @Body() body: RegisterParticipantDto,
    @Context() context: CommandContext,
  ): Promise<ParticipantView> {
    const { participantId } = await this.commands.execute(new RegisterParticipantCommand(body, context));
    return this.get(participantId);
  }

  @Get(':participantId')
  async get(@Param('participantId') participantId: string): Promise<ParticipantView> {
    const participant = await this.catalogue.participant(participantId);
    if (!participant) throw new DomainError('PARTICIPANT_NOT_FOUND', `no participant ${participantId}`, 404);
    return participant;
  }
}
