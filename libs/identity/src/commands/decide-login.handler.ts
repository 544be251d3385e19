import { Inject, Optional } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore, CLOCK, type Clock } from '#libs/eventsourcing';
import {
  decideLoginRequest,
  loginRequestExpired,
  loginRequestNotFound,
} from '../domain/login-request.decide.js';
import { loginRequestStream } from '../domain/login-request.events.js';
import { loginRequest } from '../domain/login-request.state.js';
import { DeviceSignedRequests } from '../device-signature/device-signed-requests.js';
import { loginDecisionPayload } from '../device-signature/signed-payloads.js';
import { CORPORATE_REPRESENTATION, type CorporateRepresentation } from '../login/login-gateway.js';
import { DecideLoginCommand, type LoginDecisionOutcome } from './decide-login.command.js';

/**
 * The device's signature is checked against the request's challenge before anything is decided: only the
 * holder of an enrolled key learns more than "not found" or "signature invalid" about a request.
 */
@CommandHandler(DecideLoginCommand)
export class DecideLoginHandler implements ICommandHandler<DecideLoginCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly signedRequests: DeviceSignedRequests,
    @Inject(CLOCK) private readonly clock: Clock,
    /** Absent when the platform runs without Digital Corporate Identity: no corporation can then be picked. */
    @Optional() @Inject(CORPORATE_REPRESENTATION) private readonly corporate?: CorporateRepresentation,
  ) {}

  async execute({ input, context }: DecideLoginCommand): Promise<LoginDecisionOutcome> {
    const now = this.clock.now();
    const { loginRequestId, decision, approvedClaims, deviceId, corporationId } = input;
    const stream = loginRequestStream(loginRequestId);
    const { state } = await this.aggregates.load(stream, loginRequest);
    if (state.status === 'none') throw loginRequestNotFound(loginRequestId);
    const citizen = await this.signedRequests.verify(
      input,
      loginDecisionPayload({
        loginRequestId,
        challenge: state.request.challenge,
        decision,
        approvedClaims,
        ...(corporationId !== undefined && { corporationId }),
      }),
      now,
    );
    const actingFor =
      corporationId === undefined || !state.request.corporate
        ? undefined
        : this.corporate?.actingFor(citizen.citizenId, state.request.clientId, corporationId, now);

    const result = await this.aggregates.handle(
      stream,
      loginRequest,
      (current) =>
        decideLoginRequest(
          {
            type: 'DecideLogin',
            loginRequestId,
            decision,
            approvedClaims,
            citizen,
            deviceId,
            ...(corporationId !== undefined && { corporationId }),
            ...(actingFor && { actingFor }),
          },
          current,
          now,
        ),
      context,
    );
    const [outcome] = result.events;
    switch (outcome?.type) {
      case 'LoginApproved':
        return { loginRequestId, outcome: 'approved', approvedClaims: outcome.data.approvedClaims };
      case 'LoginDenied':
        return { loginRequestId, outcome: 'denied', approvedClaims: [] };
      default:
        // The request expired unanswered: that is now written, and the citizen is told.
        throw loginRequestExpired(loginRequestId);
    }
  }
}
