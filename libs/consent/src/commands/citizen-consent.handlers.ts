import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore, CLOCK, PlatformSigner, type Clock } from '#libs/eventsourcing';
import { DeviceSignedRequests } from '#libs/identity';
import { CONSENT_OPTIONS, type ConsentOptions } from '../consent.options.js';
import { consentChangePayload, consentDecisionPayload } from '../domain/app-payloads.js';
import { ARTEFACT_PURPOSE, ARTEFACT_TYP, artefactOf, asJson } from '../domain/consent-artefact.js';
import { termsHash } from '../domain/consent-terms.js';
import { consentNotFound, decideConsent, type ConsentCommand } from '../domain/consent.decide.js';
import { consentStream } from '../domain/consent.events.js';
import { consent, type RequestedConsent } from '../domain/consent.state.js';
import {
  ChangeConsentCommand,
  DecideConsentCommand,
  type ConsentOutcome,
} from './citizen-consent.commands.js';

const CHANGE_COMMANDS = { pause: 'PauseConsent', resume: 'ResumeConsent', revoke: 'RevokeConsent' } as const;

const outcomeOf = (state: RequestedConsent): ConsentOutcome => ({
  consentId: state.terms.consentId,
  status: state.status,
  ...(state.artefact !== undefined && { artefact: state.artefact }),
});

/**
 * The device signature is checked before anything is decided, over the terms as the log holds them: only the
 * citizen holding an enrolled key learns more than "not found" about a consent. An approval is turned into the
 * signed artefact here, the only place with keys; the decision stays pure.
 */
@CommandHandler(DecideConsentCommand)
export class DecideConsentHandler implements ICommandHandler<DecideConsentCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly devices: DeviceSignedRequests,
    private readonly signer: PlatformSigner,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ consentId, signer, decision, context }: DecideConsentCommand): Promise<ConsentOutcome> {
    const now = this.clock.now();
    const stream = consentStream(consentId);
    const { state } = await this.aggregates.load(stream, consent);
    if (state.status === 'NONE') throw consentNotFound(consentId);
    const hash = termsHash(state.terms);
    await this.devices.verifyActing(signer, consentDecisionPayload(consentId, hash, decision), now);
    const { citizenId, deviceId } = signer;
    let command: ConsentCommand;
    if (decision === 'approve') {
      const approval = { deviceId, signature: signer.signature, approvedAt: now.toISOString() };
      const artefact = await this.signer.sign(
        ARTEFACT_PURPOSE,
        ARTEFACT_TYP,
        asJson(artefactOf(this.options.gatewayUrl, state.terms, hash, approval)),
      );
      command = { type: 'ApproveConsent', citizenId, deviceId, termsHash: hash, artefact };
    } else {
      command = { type: 'RejectConsent', citizenId, deviceId };
    }
    const result = await this.aggregates.handle(
      stream,
      consent,
      (current) => decideConsent(command, current, now),
      context,
    );
    return outcomeOf(result.state as RequestedConsent);
  }
}

@CommandHandler(ChangeConsentCommand)
export class ChangeConsentHandler implements ICommandHandler<ChangeConsentCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly devices: DeviceSignedRequests,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ consentId, signer, change, context }: ChangeConsentCommand): Promise<ConsentOutcome> {
    const now = this.clock.now();
    await this.devices.citizenActing(
      signer,
      consentChangePayload(consentId, change),
      now,
      context.idempotency?.key,
    );
    const command: ConsentCommand = {
      type: CHANGE_COMMANDS[change],
      citizenId: signer.citizenId,
      deviceId: signer.deviceId,
    };
    const result = await this.aggregates.handle(
      consentStream(consentId),
      consent,
      (state) => decideConsent(command, state, now),
      context,
    );
    if (result.state.status === 'NONE') throw consentNotFound(consentId);
    return outcomeOf(result.state);
  }
}
