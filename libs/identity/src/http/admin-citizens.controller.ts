import { Body, Controller, Delete, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AdminGuard, CLOCK, Context, type Clock, type CommandContext } from '#libs/eventsourcing';
import { ChangeCitizenCommand } from '../commands/change-citizen.command.js';
import type { CitizenChange } from '../domain/citizen.decide.js';
import type { CitizenSummary } from '../domain/citizen.state.js';
import { provenDeviceKey } from '../device-signature/device-key-proof.js';
import { enrolDeviceAction } from '../device-signature/signed-payloads.js';
import { CitizenIdParam } from './citizen-id.param.js';
import { AdminEnrolDeviceDto, ReinstateCitizenDto, SuspendCitizenDto } from './admin-citizens.dto.js';

/** What an administrator does for a citizen, at a counter or on the hotline. */
@Controller('admin/citizens')
@UseGuards(AdminGuard)
export class AdminCitizensController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The citizen showed their HKID card in person: from now on they log in at the plus level. */
  @Post(':citizenId/identity-verification')
  @HttpCode(200)
  verifyIdentity(@CitizenIdParam() citizenId: string, @Context() context: CommandContext) {
    return this.change({ type: 'VerifyIdentity', citizenId }, context);
  }

  @Post(':citizenId/suspension')
  @HttpCode(200)
  suspend(
    @CitizenIdParam() citizenId: string,
    @Body() body: SuspendCitizenDto,
    @Context() context: CommandContext,
  ) {
    return this.change({ type: 'SuspendCitizen', citizenId, reason: body.reason }, context);
  }

  @Post(':citizenId/reinstatement')
  @HttpCode(200)
  reinstate(
    @CitizenIdParam() citizenId: string,
    @Body() body: ReinstateCitizenDto,
    @Context() context: CommandContext,
  ) {
    return this.change({ type: 'ReinstateCitizen', citizenId, reason: body.reason }, context);
  }

  /** The new phone, at the counter, signs the enrolment: it holds the key the administrator enrols. */
  @Post(':citizenId/devices')
  @HttpCode(201)
  async enrolDevice(
    @CitizenIdParam() citizenId: string,
    @Body() body: AdminEnrolDeviceDto,
    @Context() context: CommandContext,
  ) {
    const device = await provenDeviceKey(
      body.devicePublicKey,
      body.newDeviceSignature,
      enrolDeviceAction(citizenId, body.devicePublicKey),
      this.clock.now(),
    );
    return this.change({ type: 'EnrolDevice', citizenId, device }, context);
  }

  /** The citizen called the hotline: their phone is lost and cannot sign the report itself. */
  @Post(':citizenId/devices/:deviceId/lost')
  @HttpCode(200)
  reportDeviceLost(
    @CitizenIdParam() citizenId: string,
    @Param('deviceId') deviceId: string,
    @Context() context: CommandContext,
  ) {
    return this.change({ type: 'ReportDeviceLost', citizenId, deviceId }, context);
  }

  /** From now on the citizen's access tokens with the `admin` scope open the admin API and the dashboard. */
  @Post(':citizenId/administrator-role')
  @HttpCode(200)
  grantAdministratorRole(@CitizenIdParam() citizenId: string, @Context() context: CommandContext) {
    return this.change({ type: 'GrantAdministratorRole', citizenId }, context);
  }

  /** Effective at once: the citizen's tokens, even those already issued, no longer open the admin API. */
  @Delete(':citizenId/administrator-role')
  @HttpCode(200)
  revokeAdministratorRole(@CitizenIdParam() citizenId: string, @Context() context: CommandContext) {
    return this.change({ type: 'RevokeAdministratorRole', citizenId }, context);
  }

  private change(change: CitizenChange, context: CommandContext): Promise<CitizenSummary> {
    return this.commands.execute(new ChangeCitizenCommand(change, context));
  }
}
