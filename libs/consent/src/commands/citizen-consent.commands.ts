import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';
import type { DeviceSigner } from '#libs/identity';
import type { ConsentChange, ConsentDecision } from '../domain/app-payloads.js';
import type { ConsentStatus } from '../domain/consent.state.js';

export interface ConsentOutcome {
  readonly consentId: string;
  readonly status: ConsentStatus;
  /** Once approved: the signed artefact. */
  readonly artefact?: string;
}

/** The citizen approves or rejects a pending consent in the app. */
export class DecideConsentCommand extends Command<ConsentOutcome> {
  constructor(
    readonly consentId: string,
    readonly signer: DeviceSigner,
    readonly decision: ConsentDecision,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** The citizen pauses, resumes or revokes a consent in the app. */
export class ChangeConsentCommand extends Command<ConsentOutcome> {
  constructor(
    readonly consentId: string,
    readonly signer: DeviceSigner,
    readonly change: ConsentChange,
    readonly context: CommandContext,
  ) {
    super();
  }
}
