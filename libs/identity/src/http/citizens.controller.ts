import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Kysely } from 'kysely';
import { DomainError } from '#libs/errors';
import { Context, READ_MODELS, type CommandContext, type ReadModelDatabase } from '#libs/eventsourcing';
import { ChangeCitizenFromAppCommand } from '../commands/change-citizen-from-app.command.js';
import { RegisterCitizenCommand, type Registration } from '../commands/register-citizen.command.js';
import type { CitizenSummary } from '../domain/citizen.state.js';
import { enrolDeviceAction } from '../device-signature/signed-payloads.js';
import type { CitizenDirectoryTables } from '../projections/citizen-directory.projection.js';
import { EnrolDeviceDto, UpdateProfileDto } from './citizen-app.dto.js';
import { CitizenIdParam } from './citizen-id.param.js';
import { DeviceSignatureDto } from './device-signed.dto.js';
import { RegisterCitizenDto } from './register-citizen.dto.js';

export interface CitizenView {
  readonly citizenId: string;
  readonly assuranceLevel: string;
  readonly status: string;
  readonly registeredAt: string;
  readonly activeDevices: number;
}

/** The mobile app's calls about the citizen's own account; after registration, each is signed by a device. */
@Controller('citizens')
export class CitizensController {
  private readonly directory: Kysely<CitizenDirectoryTables>;

  constructor(
    private readonly commands: CommandBus,
    @Inject(READ_MODELS) readModels: ReadModelDatabase,
  ) {
    this.directory = readModels.db as Kysely<CitizenDirectoryTables>;
  }

  /** Registration from the mobile app: personal data, the device's public key and its proof of holding it. */
  @Post()
  @HttpCode(201)
  register(@Body() body: RegisterCitizenDto, @Context() context: CommandContext): Promise<Registration> {
    return this.commands.execute(new RegisterCitizenCommand(body, context));
  }

  /**
   * Moves the account to a new phone, on the word of the current one, which is revoked as `replaced`; the new
   * phone signs the same request.
   */
  @Post(':citizenId/devices')
  @HttpCode(201)
  enrolDevice(
    @CitizenIdParam() citizenId: string,
    @Body() body: EnrolDeviceDto,
    @Context() context: CommandContext,
  ): Promise<CitizenSummary> {
    const action = enrolDeviceAction(citizenId, body.devicePublicKey);
    return this.commands.execute(
      new ChangeCitizenFromAppCommand(action, signerOf(body), context, body.newDeviceSignature),
    );
  }

  /** Signed by the device being reported: the "this phone is compromised" switch in the app. */
  @Post(':citizenId/devices/:deviceId/lost')
  @HttpCode(200)
  reportDeviceLost(
    @CitizenIdParam() citizenId: string,
    @Param('deviceId') deviceId: string,
    @Body() body: DeviceSignatureDto,
    @Context() context: CommandContext,
  ): Promise<CitizenSummary> {
    const action = { action: 'report-device-lost', citizenId, deviceId } as const;
    return this.commands.execute(
      new ChangeCitizenFromAppCommand(action, { deviceId, signature: body.signature }, context),
    );
  }

  @Patch(':citizenId/profile')
  updateProfile(
    @CitizenIdParam() citizenId: string,
    @Body() body: UpdateProfileDto,
    @Context() context: CommandContext,
  ): Promise<CitizenSummary> {
    const action = { action: 'update-profile', citizenId, profile: { ...body.profile } } as const;
    return this.commands.execute(new ChangeCitizenFromAppCommand(action, signerOf(body), context));
  }

  @Get(':citizenId')
  async get(@CitizenIdParam() citizenId: string): Promise<CitizenView> {
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

const signerOf = ({ deviceId, signature }: { deviceId: string; signature: string }) => ({
  deviceId,
  signature,
});
