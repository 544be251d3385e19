import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateStore, CLOCK, deterministicUuid, type Clock } from '#libs/eventsourcing';
import type { ConsentTerms } from '../domain/consent-terms.js';
import { decideConsent } from '../domain/consent.decide.js';
import { consentStream } from '../domain/consent.events.js';
import { consent } from '../domain/consent.state.js';
import { ConsentCatalogue } from '../projections/consent-catalogue.js';
import { RequestConsentCommand } from './request-consent.command.js';

@CommandHandler(RequestConsentCommand)
export class RequestConsentHandler implements ICommandHandler<RequestConsentCommand> {
  constructor(
    private readonly aggregates: AggregateStore,
    private readonly catalogue: ConsentCatalogue,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ consumerId, ask, context }: RequestConsentCommand): Promise<{ consentId: string }> {
    const now = this.clock.now();
    const dataset = await this.catalogue.dataset(ask.datasetId);
    // A retry under the same Idempotency-Key names the same consent, so that it finds what its first run wrote.
    const consentId = context.idempotency
      ? deterministicUuid('consent', context.actor, context.idempotency.key)
      : randomUUID();
    const terms: ConsentTerms = {
      consentId,
      citizenId: ask.citizenId,
      consumerId,
      providerId: dataset?.providerId ?? '',
      datasetId: ask.datasetId,
      items: ask.items,
      purpose: ask.purpose,
      frequency: ask.frequency,
      dataRange: ask.dataRange,
      retentionDays: ask.retentionDays,
      validFrom: (ask.validFrom === undefined ? now : new Date(ask.validFrom)).toISOString(),
      expiresAt: new Date(ask.expiresAt).toISOString(),
    };
    await this.aggregates.handle(
      consentStream(consentId),
      consent,
      (state) => decideConsent({ type: 'RequestConsent', terms, dataset }, state, now),
      context,
    );
    return { consentId };
  }
}
