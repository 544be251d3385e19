import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '#libs/errors';
import { AdminGuard, Context, type CommandContext } from '#libs/eventsourcing';
import { ChangeEServiceGrantTypesCommand } from '../commands/change-eservice-grant-types.command.js';
import { ChangeEServiceTokenSigningCommand } from '../commands/change-eservice-token-signing.command.js';
import { ChangeEServiceProfileCommand } from '../commands/change-eservice-profile.command.js';
import { ChangeEServiceStatusCommand } from '../commands/change-eservice-status.command.js';
import { RegisterEServiceCommand } from '../commands/register-eservice.command.js';
import {
  RotateClientSecretCommand,
  type RotatedClientSecret,
} from '../commands/rotate-client-secret.command.js';
import { UpdateEServiceCommand } from '../commands/update-eservice.command.js';
import {
  ProjectedEServiceDirectory,
  type EServiceView,
} from '../projections/projected-eservice-directory.js';
import { ClientIdPipe } from './client-id.pipe.js';
import {
  ChangeGrantTypesDto,
  ChangeProfileDto,
  ChangeTokenSigningDto,
  ListEServicesQuery,
  RegisterEServiceDto,
  UpdateEServiceDto,
} from './eservice.dto.js';

/**
 * The administrators' registry of e-services. Every write answers once the directory shows it (see
 * EServiceWrites), so the views returned here are read back from it.
 */
@Controller('admin/eservices')
@UseGuards(AdminGuard)
export class EServicesAdminController {
  constructor(
    private readonly commands: CommandBus,
    private readonly directory: ProjectedEServiceDirectory,
  ) {}

  /** With client_secret_basic the answer carries `clientSecret`: shown this once, never again. */
  @Post()
  @HttpCode(201)
  async register(
    @Body() body: RegisterEServiceDto,
    @Context() context: CommandContext,
  ): Promise<EServiceView & { clientSecret?: string }> {
    const { clientId, clientSecret } = await this.commands.execute(
      new RegisterEServiceCommand(body, context),
    );
    return { ...(await this.view(clientId)), ...(clientSecret !== undefined && { clientSecret }) };
  }

  @Get()
  async list(@Query() query: ListEServicesQuery): Promise<{ eservices: EServiceView[] }> {
    return { eservices: await this.directory.list(query) };
  }

  @Get(':clientId')
  get(@Param('clientId', ClientIdPipe) clientId: string): Promise<EServiceView> {
    return this.view(clientId);
  }

  @Patch(':clientId')
  async update(
    @Param('clientId', ClientIdPipe) clientId: string,
    @Body() body: UpdateEServiceDto,
    @Context() context: CommandContext,
  ): Promise<EServiceView> {
    await this.commands.execute(new UpdateEServiceCommand(clientId, body, context));
    return this.view(clientId);
  }

  /** The provider applies the new profile from the next request on; each change is an event. */
  @Put(':clientId/profile')
  async changeProfile(
    @Param('clientId', ClientIdPipe) clientId: string,
    @Body() body: ChangeProfileDto,
    @Context() context: CommandContext,
  ): Promise<EServiceView> {
    await this.commands.execute(new ChangeEServiceProfileCommand(clientId, body.profile, context));
    return this.view(clientId);
  }

  /** `client_credentials` lets the e-service's back office get tokens of its own, with no citizen. */
  @Put(':clientId/grant-types')
  async changeGrantTypes(
    @Param('clientId', ClientIdPipe) clientId: string,
    @Body() body: ChangeGrantTypesDto,
    @Context() context: CommandContext,
  ): Promise<EServiceView> {
    await this.commands.execute(new ChangeEServiceGrantTypesCommand(clientId, body.grantTypes, context));
    return this.view(clientId);
  }

  /** What the e-service's ID tokens, and userinfo if it wants a JWT, are signed with; from the next token on. */
  @Put(':clientId/token-signing')
  async changeTokenSigning(
    @Param('clientId', ClientIdPipe) clientId: string,
    @Body() body: ChangeTokenSigningDto,
    @Context() context: CommandContext,
  ): Promise<EServiceView> {
    await this.commands.execute(
      new ChangeEServiceTokenSigningCommand(
        clientId,
        body.idTokenSigningAlg,
        body.userinfoSigningAlg,
        context,
      ),
    );
    return this.view(clientId);
  }

  /** The previous secret stops working at once; the new one is shown this once. */
  @Post(':clientId/secret')
  @HttpCode(200)
  rotateSecret(
    @Param('clientId', ClientIdPipe) clientId: string,
    @Context() context: CommandContext,
  ): Promise<RotatedClientSecret> {
    return this.commands.execute(new RotateClientSecretCommand(clientId, context));
  }

  @Post(':clientId/suspend')
  @HttpCode(200)
  async suspend(
    @Param('clientId', ClientIdPipe) clientId: string,
    @Context() context: CommandContext,
  ): Promise<EServiceView> {
    await this.commands.execute(new ChangeEServiceStatusCommand(clientId, 'suspend', context));
    return this.view(clientId);
  }

  @Post(':clientId/reinstate')
  @HttpCode(200)
  async reinstate(
    @Param('clientId', ClientIdPipe) clientId: string,
    @Context() context: CommandContext,
  ): Promise<EServiceView> {
    await this.commands.execute(new ChangeEServiceStatusCommand(clientId, 'reinstate', context));
    return this.view(clientId);
  }

  private async view(clientId: string): Promise<EServiceView> {
    const view = await this.directory.view(clientId);
    if (!view) throw new DomainError('ESERVICE_NOT_FOUND', `no e-service ${clientId}`, 404);
    return view;
  }
}
