import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Context, type CommandContext } from '#libs/eventsourcing';
import { DecideLoginCommand, type LoginDecisionOutcome } from '../commands/decide-login.command.js';
import { LoginRequests, type PendingLoginRequest } from '../login/login-requests.js';
import { LoginDecisionDto } from './login-decision.dto.js';

/** The app's side of "Login with iAM Smart": find the request the citizen scanned, then answer it. */
@Controller('app/login-requests')
export class AppLoginRequestsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly loginRequests: LoginRequests,
  ) {}

  /** By the short code typed in or read from the QR code; 404 once it is no longer pending. */
  @Get(':shortCode')
  pending(@Param('shortCode') shortCode: string): Promise<PendingLoginRequest> {
    return this.loginRequests.pendingByShortCode(shortCode);
  }

  @Post(':loginRequestId/decision')
  @HttpCode(200)
  decide(
    @Param('loginRequestId', new ParseUUIDPipe()) loginRequestId: string,
    @Body() body: LoginDecisionDto,
    @Context() context: CommandContext,
  ): Promise<LoginDecisionOutcome> {
    const { citizenId, deviceId, decision, approvedClaims, signature, corporationId } = body;
    return this.commands.execute(
      new DecideLoginCommand(
        {
          loginRequestId,
          citizenId,
          deviceId,
          decision,
          approvedClaims,
          signature,
          ...(corporationId !== undefined && { corporationId }),
        },
        context,
      ),
    );
  }
}
