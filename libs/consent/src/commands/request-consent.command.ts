import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '#libs/eventsourcing';
import type { ConsentTerms } from '../domain/consent-terms.js';

/** The consumer's ask: every term but the ids the gateway fills in. */
export type ConsentAsk = Omit<ConsentTerms, 'consentId' | 'consumerId' | 'providerId' | 'validFrom'> & {
  validFrom?: string;
};

export class RequestConsentCommand extends Command<{ consentId: string }> {
  constructor(
    readonly consumerId: string,
    readonly ask: ConsentAsk,
    readonly context: CommandContext,
  ) {
    super();
  }
}
