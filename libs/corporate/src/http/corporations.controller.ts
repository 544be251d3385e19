import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '#libs/errors';
import { AdminGuard, Context, type CommandContext } from '#libs/eventsourcing';
import { ChangeCorporationCommand } from '../commands/change-corporation.command.js';
import type { CorporationCommand } from '../domain/corporation.decide.js';
import { corporationIdOf } from '../domain/registration-numbers.js';
import { parseSigningKey } from '../domain/signing-key.js';
import { CorporateRegistry } from '../verification/corporate-registry.js';
import { corporationView, type CorporationView } from './corporation-view.js';
import {
  AppointRepresentativeDto,
  ChangeAppointmentDto,
  RegisterCorporationDto,
  RevocationDto,
  RevokeSigningKeyDto,
  RotateSigningKeyDto,
  SigningKeyDto,
  StatusChangeDto,
} from './corporate.dto.js';

const iso = (time: string | undefined) => (time === undefined ? undefined : new Date(time).toISOString());

/**
 * The register of corporations, their representatives and their signing keys, kept by platform administrators.
 * Every write answers once validation sees it (see ChangeCorporationHandler).
 */
@Controller('admin/corporations')
@UseGuards(AdminGuard)
export class CorporationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly registry: CorporateRegistry,
  ) {}

  @Post()
  @HttpCode(201)
  register(
    @Body() body: RegisterCorporationDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    const corporationId = corporationIdOf(body.brNumber);
    return this.change({ type: 'RegisterCorporation', corporationId, ...body }, context);
  }

  @Get(':corporationId')
  get(@Param('corporationId') corporationId: string): CorporationView {
    const corporation = this.registry.corporationOf(corporationId);
    if (!corporation) throw new DomainError('CORPORATION_NOT_FOUND', `no corporation ${corporationId}`, 404);
    return corporationView(corporation);
  }

  @Post(':corporationId/suspension')
  @HttpCode(200)
  suspend(
    @Param('corporationId') corporationId: string,
    @Body() body: StatusChangeDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    return this.change({ type: 'SuspendCorporation', corporationId, ...body }, context);
  }

  @Post(':corporationId/reinstatement')
  @HttpCode(200)
  reinstate(
    @Param('corporationId') corporationId: string,
    @Body() body: StatusChangeDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    return this.change({ type: 'ReinstateCorporation', corporationId, ...body }, context);
  }

  /** Final: signatures made from now on fail validation. */
  @Post(':corporationId/dissolution')
  @HttpCode(200)
  dissolve(
    @Param('corporationId') corporationId: string,
    @Body() body: StatusChangeDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    return this.change({ type: 'DissolveCorporation', corporationId, ...body }, context);
  }

  @Post(':corporationId/appointments')
  @HttpCode(201)
  appoint(
    @Param('corporationId') corporationId: string,
    @Body() body: AppointRepresentativeDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    const { validFrom, validUntil, ...appointment } = body;
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

  @Patch(':corporationId/appointments/:appointmentId')
  changeAppointment(
    @Param('corporationId') corporationId: string,
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

  @Post(':corporationId/appointments/:appointmentId/revocation')
  @HttpCode(200)
  revokeAppointment(
    @Param('corporationId') corporationId: string,
    @Param('appointmentId') appointmentId: string,
    @Body() body: RevocationDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    return this.change(
      { type: 'RevokeAppointment', corporationId, appointmentId, reason: body.reason },
      context,
    );
  }

  @Post(':corporationId/keys')
  @HttpCode(201)
  async registerKey(
    @Param('corporationId') corporationId: string,
    @Body() body: SigningKeyDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    return this.change({ type: 'RegisterSigningKey', corporationId, key: await newKey(body) }, context);
  }

  /** Registers the successor; the old key signs nothing valid from now on. */
  @Post(':corporationId/keys/:kid/rotation')
  @HttpCode(200)
  async rotateKey(
    @Param('corporationId') corporationId: string,
    @Param('kid') kid: string,
    @Body() body: RotateSigningKeyDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    const successor = await newKey(body.successor);
    return this.change({ type: 'RotateSigningKey', corporationId, kid, successor }, context);
  }

  @Post(':corporationId/keys/:kid/revocation')
  @HttpCode(200)
  revokeKey(
    @Param('corporationId') corporationId: string,
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
