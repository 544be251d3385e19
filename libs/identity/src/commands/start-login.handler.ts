import { randomBytes, randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '#libs/errors';
import {
  AggregateStore,
  CLOCK,
  deterministicUuid,
  type Clock,
  type CommandContext,
} from '#libs/eventsourcing';
import { assertValidLoginRequest, decideLoginRequest } from '../domain/login-request.decide.js';
import { loginRequestStream, type LoginRequested } from '../domain/login-request.events.js';
import { loginRequest } from '../domain/login-request.state.js';
import {
  decideShortCode,
  qrPayloadOf,
  randomShortCode,
  shortCodeHolder,
  shortCodeStream,
} from '../domain/short-code.js';
import {
  DEFAULT_LOGIN_REQUEST_LIFETIME_MS,
  IDENTITY_OPTIONS,
  type IdentityOptions,
} from '../identity.options.js';
import type { StartedLogin } from '../login/login-gateway.js';
import { StartLoginCommand } from './start-login.command.js';

/** Drawing a code a live request holds is rare (40 bits against a few hundred live codes); thrice, never. */
const SHORT_CODE_DRAWS = 3;

/**
 * Reserves a short code for the new request, then writes the request. A crash between the two leaves a code
 * that points to no request until it expires: the app is told "not found", nothing else is affected.
 */
@CommandHandler(StartLoginCommand)
export class StartLoginHandler implements ICommandHandler<StartLoginCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDENTITY_OPTIONS) private readonly options: IdentityOptions,
  ) {}

  async execute({ input, context }: StartLoginCommand): Promise<StartedLogin> {
    const now = this.clock.now();
    const loginRequestId = context.idempotency
      ? deterministicUuid('loginRequest', context.actor, context.idempotency.key)
      : randomUUID();
    const stream = loginRequestStream(loginRequestId);
    await this.aggregates.assertSameRequest(stream, context);
    const existing = await this.aggregates.load(stream, loginRequest);
    // A retry under the same Idempotency-Key answers with the request its first run wrote.
    if (existing.state.status !== 'none') return startedLogin(existing.state.request);

    const request = {
      loginRequestId,
      clientId: input.clientId,
      eServiceName: input.eServiceName,
      minimumAcr: input.minimumAcr,
      claims: input.claims,
      ...(input.corporate && { corporate: true }),
      ...(input.offlineAccess && { offlineAccess: true }),
      challenge: randomBytes(32).toString('base64url'),
      expiresAt: new Date(
        now.getTime() + (this.options.loginRequestLifetimeMs ?? DEFAULT_LOGIN_REQUEST_LIFETIME_MS),
      ),
    };
    // Checked before the short code is reserved, so that a bad request writes nothing at all.
    assertValidLoginRequest(request, now);
    const shortCode = await this.reserveShortCode(loginRequestId, request.expiresAt, now, context);
    const result = await this.aggregates.handle(
      stream,
      loginRequest,
      (state) => decideLoginRequest({ type: 'RequestLogin', ...request, shortCode }, state, now),
      context,
    );
    // RequestLogin decides exactly one LoginRequested.
    return startedLogin((result.events[0] as LoginRequested).data);
  }

  private async reserveShortCode(
    loginRequestId: string,
    expiresAt: Date,
    now: Date,
    context: CommandContext,
  ): Promise<string> {
    for (let draw = 1; ; draw++) {
      const shortCode = randomShortCode();
      try {
        await this.aggregates.handle(
          shortCodeStream(shortCode),
          shortCodeHolder,
          (holder) => decideShortCode(holder, loginRequestId, expiresAt, now),
          context,
        );
        return shortCode;
      } catch (error) {
        if (
          !(error instanceof DomainError && error.code === 'SHORT_CODE_IN_USE') ||
          draw >= SHORT_CODE_DRAWS
        ) {
          throw error;
        }
      }
    }
  }
}

function startedLogin(request: LoginRequested['data']): StartedLogin {
  return {
    loginRequestId: request.loginRequestId,
    shortCode: request.shortCode,
    qrPayload: qrPayloadOf(request.shortCode),
    expiresAt: request.expiresAt,
  };
}
