import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Kysely } from 'kysely';
import { DomainError } from '#libs/errors';
import { Context, READ_MODELS, type CommandContext, type ReadModelDatabase } from '#libs/eventsourcing';
import { RegisterCitizenCommand, type Registration } from '../commands/register-citizen.command.js';
import type { CitizenDirectoryTables } from '../projections/citizen-directory.projection.js';
import { RegisterCitizenDto } from './register-citizen.dto.js';

export interface CitizenView {
  readonly citizenId: string;
  readonly assuranceLevel: string;
  readonly status: string;
  readonly registeredAt: string;
  readonly activeDevices: number;
}

@Controller('citizens')
export class CitizensController {
  private readonly directory: Kysely<CitizenDirectoryTables>;

  constructor(
    private readonly commands: CommandBus,
    @Inject(READ_MODELS) readModels: ReadModelDatabase,
  ) {
    this.directory = readModels.db as Kysely<CitizenDirectoryTables>;
  }

  /** Registration from the mobile app: personal data and the device's public key. */
  @Post()
  @HttpCode(201)
  register(@Body() body: RegisterCitizenDto, @Context() context: CommandContext): Promise<Registration> {
    return this.commands.execute(new RegisterCitizenCommand(body, context));
  }

  @Get(':citizenId')
  async get(@Param('citizenId', new ParseUUIDPipe()) citizenId: string): Promise<CitizenView> {
    const row = await this.directory
      .selectFrom('citizen_directory')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
    if (!row) throw new DomainError('CITIZEN_NOT_FOUND', `no citizen ${citizenId}`, 404);
    return {
      citizenId: row.citizen_id,
      assuranceLevel: row.assurance_level,
      status: row.status,
      registeredAt: row.registered_at,
      activeDevices: Number(row.active_devices),
    };
  }
}
