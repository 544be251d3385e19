import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '#libs/errors';
import { AdminGuard, Context, type CommandContext } from '#libs/eventsourcing';
import { ChangeCorporationCommand } from '../commands/change-corporation.command.js';
import type { CorporationCommand } from '../domain/corporation.decide.js';
import { corporationIdOf } from '../domain/registration-numbers.js';
import { CorporateRegistry } from '../verification/corporate-registry.js';
import { CorporationIdPipe } from './corporation-id.pipe.js';
import { corporationView, type CorporationView } from './corporation-view.js';
import { RegisterCorporationDto, StatusChangeDto } from './corporate.dto.js';

/**
 * The register of corporations, kept by platform administrators. Every write answers once validation sees it
 * (see CorporateWrites).
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
  get(@Param('corporationId', CorporationIdPipe) corporationId: string): CorporationView {
    const corporation = this.registry.corporationOf(corporationId);
    if (!corporation) throw new DomainError('CORPORATION_NOT_FOUND', `no corporation ${corporationId}`, 404);
    return corporationView(corporation);
  }

  @Post(':corporationId/suspension')
  @HttpCode(200)
  suspend(
    @Param('corporationId', CorporationIdPipe) corporationId: string,
    @Body() body: StatusChangeDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    return this.change({ type: 'SuspendCorporation', corporationId, ...body }, context);
  }

  @Post(':corporationId/reinstatement')
  @HttpCode(200)
  reinstate(
    @Param('corporationId', CorporationIdPipe) corporationId: string,
    @Body() body: StatusChangeDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    return this.change({ type: 'ReinstateCorporation', corporationId, ...body }, context);
  }

  /** Final: signatures made from now on fail validation. */
  @Post(':corporationId/dissolution')
  @HttpCode(200)
  dissolve(
    @Param('corporationId', CorporationIdPipe) corporationId: string,
    @Body() body: StatusChangeDto,
    @Context() context: CommandContext,
  ): Promise<CorporationView> {
    return this.change({ type: 'DissolveCorporation', corporationId, ...body }, context);
  }

  private async change(change: CorporationCommand, context: CommandContext): Promise<CorporationView> {
    const corporation = await this.commands.execute(new ChangeCorporationCommand(change, context));
    return corporationView(corporation);
  }
}
