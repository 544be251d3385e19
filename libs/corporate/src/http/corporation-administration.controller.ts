import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '#libs/errors';
import { Context, type CommandContext } from '#libs/eventsourcing';
import { CITIZEN_CLAIMS, type CitizenClaims } from '#libs/identity';
import { ChangeCorporationCommand } from '../commands/change-corporation.command.js';
import type { CorporationCommand } from '../domain/corporation.decide.js';
import { parseSigningKey } from '../domain/signing-key.js';
import { CorporateAdministratorGuard } from './corporate-administrator.guard.js';
import { corporationView, type CorporationView } from './corporation-view.js';
import {
  AppointRepresentativeDto,
  ChangeAppointmentDto,
  RevocationDto,
  RevokeSigningKeyDto,
  RotateSigningKeyDto,
  SigningKeyDto,
} from './corporate.dto.js';
import { CorporationIdPipe } from './corporation-id.pipe.js';

const iso = (time: string | undefined) => (time === undefined ? undefined : new Date(time).toISOString());

/**
 * A corporation's representatives and seal keys, managed by a platform administrator or by the corporation's own
 * administrators from their app (see CorporateAdministratorGuard). Every write answers once validation sees it.
 */
@Controller('corporate/corporations/:corporationId')
@UseGuards(CorporateAdministratorGuard)
export class CorporationAdministrationController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CITIZEN_CLAIMS) private readonly citizens: CitizenClaims,
  ) {}

  @Post('appointments')
  @HttpCode(201)
  async appoint(
    @Param('corporationId', CorporationIdPipe) corporationId: string,
    @Body() body: AppointRepresentativeDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    const { validFrom, validUntil, ...appointment } = body;
    if (!(await this.citizens.account(body.citizenId))) {
      throw new DomainError('CITIZEN_NOT_FOUND', `no citizen ${body.citizenId} to appoint`, 422);
    }
    return this.change(
      {
        type: 'AppointRepresentative',
        corporationId,
        // Retried under the same Idempotency-Key, the first run's events answer, whatever id this one drew.
        appointmentId: randomUUID(),
        ...appointment,
        ...(validFrom !== undefined && { validFrom: iso(validFrom) }),
        ...(validUntil !== undefined && { validUntil: iso(validUntil) }),
      },
      context,
    );
  }

  @Patch('appointments/:appointmentId')
  changeAppointment(
    @Param('corporationId', CorporationIdPipe) corporationId: string,
    @Param('appointmentId') appointmentId: string,
    @Body() body: ChangeAppointmentDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    const { validUntil, ...changes } = body;
    return this.change(
      {
        type: 'ChangeAppointment',
        corporationId,
        appointmentId,
        ...changes,
        ...(validUntil !== undefined && { validUntil: iso(validUntil) }),
      },
      context,
    );
  }

  @Post('appointments/:appointmentId/revocation')
  @HttpCode(200)
  revokeAppointment(
    @Param('corporationId', CorporationIdPipe) corporationId: string,
    @Param('appointmentId') appointmentId: string,
    @Body() body: RevocationDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    return this.change(
      { type: 'RevokeAppointment', corporationId, appointmentId, reason: body.reason },
      context,
    );
  }

  @Post('keys')
  @HttpCode(201)
  async registerKey(
    @Param('corporationId', CorporationIdPipe) corporationId: string,
    @Body() body: SigningKeyDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    return this.change({ type: 'RegisterSigningKey', corporationId, key: await newKey(body) }, context);
  }

  /** Registers the successor; the old key signs nothing valid from now on. */
  @Post('keys/:kid/rotation')
  @HttpCode(200)
  async rotateKey(
    @Param('corporationId', CorporationIdPipe) corporationId: string,
    @Param('kid') kid: string,
    @Body() body: RotateSigningKeyDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    const successor = await newKey(body.successor);
    return this.change({ type: 'RotateSigningKey', corporationId, kid, successor }, context);
  }

  @Post('keys/:kid/revocation')
  @HttpCode(200)
  revokeKey(
    @Param('corporationId', CorporationIdPipe) corporationId: string,
    @Param('kid') kid: string,
    @Body() body: RevokeSigningKeyDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    const compromisedSince = iso(body.compromisedSince);
    return this.change(
      {
        type: 'RevokeSigningKey',
        corporationId,
        kid,
        reason: body.reason,
        ...(compromisedSince !== undefined && { compromisedSince }),
      },
      context,
    );
  }

  private async change(change: CorporationCommand, context: CommandContext): Promise<CorporationView> {
    const corporation = await this.commands.execute(new ChangeCorporationCommand(change, context));
    return corporationView(corporation);
  }
}

async function newKey(body: SigningKeyDto) {
  const key = await parseSigningKey(body.publicJwk, body.algorithms);
  const validFrom = iso(body.validFrom);
  const validUntil = iso(body.validUntil);
  return {
    ...key,
    usage: 'seal' as const,
    ...(validFrom !== undefined && { validFrom }),
    ...(validUntil !== undefined && { validUntil }),
  };
}
