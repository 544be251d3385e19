import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { isUUID } from 'class-validator';
import { DomainError } from '#libs/errors';
import { AggregateStore, CLOCK, type Clock, type CommandContext } from '#libs/eventsourcing';
import type { AssuranceLevel } from '../domain/citizen.events.js';
import { loginRequestStream } from '../domain/login-request.events.js';
import { hasExpired, loginRequest, loginStatusOf } from '../domain/login-request.state.js';
import { parseShortCode, shortCodeHolder, shortCodeStream } from '../domain/short-code.js';
import { StartLoginCommand } from '../commands/start-login.command.js';
import type { ClaimName, LoginGateway, LoginStatus, StartedLogin, StartLogin } from './login-gateway.js';

/** What the app shows the citizen before they approve: who asks, for what, and what to sign. */
export interface PendingLoginRequest {
  readonly loginRequestId: string;
  /** The e-service's client id: the app offers only the corporations whose appointment covers it. */
  readonly eServiceId: string;
  readonly eServiceName: string;
  readonly claims: readonly ClaimName[];
  readonly minimumAcr: AssuranceLevel;
  /** Present when the e-service asks which corporation the citizen acts for: the approval must name one. */
  readonly corporate?: true;
  /** The e-service will keep access (a refresh token) after the citizen leaves it: the app says so. */
  readonly offlineAccess?: true;
  readonly challenge: string;
  readonly expiresAt: string;
}

/**
 * Login requests as the OpenID Provider (LoginGateway) and the app see them. Read from the log itself, not a
 * projection: the app fetches a request the instant its QR code is shown, and must find it.
 */
@Injectable()
export class LoginRequests implements LoginGateway {
  constructor(
    private readonly commands: CommandBus,
    private readonly aggregates: AggregateStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  start(input: StartLogin, context: CommandContext): Promise<StartedLogin> {
    return this.commands.execute(new StartLoginCommand(input, context));
  }

  async status(loginRequestId: string): Promise<LoginStatus> {
    if (!isUUID(loginRequestId)) return { state: 'unknown' };
    const { state } = await this.aggregates.load(loginRequestStream(loginRequestId), loginRequest);
    return loginStatusOf(state, this.clock.now());
  }

  async pendingByShortCode(input: string): Promise<PendingLoginRequest> {
    const notFound = () =>
      new DomainError('LOGIN_REQUEST_NOT_FOUND', 'no pending login request has this code', 404);
    const shortCode = parseShortCode(input);
    if (!shortCode) throw notFound();
    const { state: holder } = await this.aggregates.load(shortCodeStream(shortCode), shortCodeHolder);
    if (!holder) throw notFound();
    const { state } = await this.aggregates.load(loginRequestStream(holder.loginRequestId), loginRequest);
    if (state.status !== 'pending' || hasExpired(state.request, this.clock.now())) throw notFound();
    const { loginRequestId, clientId, eServiceName, claims, minimumAcr, challenge, expiresAt } =
      state.request;
    return {
      loginRequestId,
      eServiceId: clientId,
      eServiceName,
      claims,
      minimumAcr,
      ...(state.request.corporate && { corporate: true as const }),
      ...(state.request.offlineAccess && { offlineAccess: true as const }),
      challenge,
      expiresAt,
    };
  }
}
