import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';
import type { ClaimName } from '../login/login-gateway.js';

export interface LoginDecisionInput {
  readonly loginRequestId: string;
  readonly citizenId: string;
  readonly deviceId: string;
  readonly decision: 'approve' | 'deny';
  readonly approvedClaims: readonly ClaimName[];
  /** The device's compact JWS over the decision (see signed-payloads.ts). */
  readonly signature: string;
  /** With the `corporate` scope: the corporation the citizen acts for. */
  readonly corporationId?: string;
}

export interface LoginDecisionOutcome {
  readonly loginRequestId: string;
  readonly outcome: 'approved' | 'denied';
  readonly approvedClaims: readonly ClaimName[];
}

/** The citizen's answer to a login request, from the app. */
export class DecideLoginCommand extends Command<LoginDecisionOutcome> {
  constructor(
    readonly input: LoginDecisionInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}
