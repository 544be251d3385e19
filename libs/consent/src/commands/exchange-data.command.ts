import { Command } from '@nestjs/cqrs';
import type { JsonObject } from '#libs/event-store';
import type { CommandContext } from '#libs/eventsourcing';
import type { DataRange } from '../domain/consent-terms.js';

export interface ExchangeAsk {
  readonly consentId: string;
  /** Checked against the consent's; the consent's when left out. */
  readonly datasetId?: string;
  readonly items?: readonly string[];
  readonly dataRange?: DataRange;
}

export interface DeliveredExchange {
  readonly exchangeId: string;
  readonly consentId: string;
  readonly datasetId: string;
  readonly items: readonly string[];
  readonly payloadHash: string;
  readonly payloadSize: number;
  readonly payload: JsonObject;
}

export class ExchangeDataCommand extends Command<DeliveredExchange> {
  constructor(
    readonly consumerId: string,
    readonly ask: ExchangeAsk,
    readonly context: CommandContext,
  ) {
    super();
  }
}
