import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { CLOCK, READ_MODELS, type Clock, type ReadModelDatabase } from '#libs/eventsourcing';
import type { ConsentTerms, DataRange } from '../domain/consent-terms.js';
import { consentReceipt } from '../domain/consent-receipt.js';
import type { ConsentStatus } from '../domain/consent.state.js';
import type { ConsentAccessLogTables, ExchangeOutcome } from './consent-access-log.projection.js';
import { ConsentCatalogue } from './consent-catalogue.js';
import type { CitizenConsentsTables } from './citizen-consents.projection.js';

export interface ConsentView {
  readonly consentId: string;
  /** As of now: an ACTIVE or PAUSED consent past its expiry reads EXPIRED before the log records it. */
  readonly status: ConsentStatus;
  readonly terms: ConsentTerms;
  readonly consumerName: string;
  readonly providerName: string;
  readonly datasetTitle: string;
  readonly receipt: string;
  readonly artefact?: string;
  readonly requestedAt: string;
  readonly updatedAt: string;
}

export interface AccessLogEntry {
  readonly exchangeId: string;
  readonly consentId: string;
  readonly consumerId: string;
  readonly providerId: string;
  readonly datasetId: string;
  readonly items: readonly string[];
  readonly dataRange: DataRange;
  readonly outcome: ExchangeOutcome;
  readonly reason?: string;
  readonly payloadHash?: string;
  readonly payloadSize?: number;
  readonly at: string;
}

const PAGE = 500;

/** What the citizen sees of their consents and of every exchange under them, newest first. */
@Injectable()
export class CitizenConsentViews {
  private readonly db: Kysely<CitizenConsentsTables & ConsentAccessLogTables>;

  constructor(
    @Inject(READ_MODELS) readModels: ReadModelDatabase,
    private readonly catalogue: ConsentCatalogue,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.db = readModels.db as Kysely<CitizenConsentsTables & ConsentAccessLogTables>;
  }

  async consents(citizenId: string): Promise<ConsentView[]> {
    const rows = await this.db
      .selectFrom('consents')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .orderBy('requested_at', 'desc')
      .limit(PAGE)
      .execute();
    return Promise.all(rows.map((row) => this.view(row)));
  }

  async accessLog(citizenId: string): Promise<AccessLogEntry[]> {
    const rows = await this.db
      .selectFrom('consent_access_log')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .orderBy('at', 'desc')
      .limit(PAGE)
      .execute();
    return rows.map((row) => ({
      exchangeId: row.exchange_id,
      consentId: row.consent_id,
      consumerId: row.consumer_id,
      providerId: row.provider_id,
      datasetId: row.dataset_id,
      items: JSON.parse(row.items) as string[],
      dataRange: JSON.parse(row.data_range) as DataRange,
      outcome: row.outcome,
      ...(row.reason !== null && { reason: row.reason }),
      ...(row.payload_hash !== null && { payloadHash: row.payload_hash }),
      ...(row.payload_size !== null && { payloadSize: Number(row.payload_size) }),
      at: row.at,
    }));
  }

  private async view(row: CitizenConsentsTables['consents']): Promise<ConsentView> {
    const terms = JSON.parse(row.terms) as ConsentTerms;
    const lapsed =
      (row.status === 'ACTIVE' || row.status === 'PAUSED') &&
      this.clock.now().getTime() >= Date.parse(terms.expiresAt);
    const status = lapsed ? 'EXPIRED' : row.status;
    const parties = await this.parties(terms);
    return {
      consentId: row.consent_id,
      status,
      terms,
      ...parties,
      receipt: consentReceipt(terms, parties, status),
      ...(row.artefact !== null && { artefact: row.artefact }),
      requestedAt: row.requested_at,
      updatedAt: row.updated_at,
    };
  }

  async parties(
    terms: ConsentTerms,
  ): Promise<{ consumerName: string; providerName: string; datasetTitle: string }> {
    const [consumer, provider, dataset] = await Promise.all([
      this.catalogue.participant(terms.consumerId),
      this.catalogue.participant(terms.providerId),
      this.catalogue.dataset(terms.datasetId),
    ]);
    return {
      consumerName: consumer?.name ?? terms.consumerId,
      providerName: provider?.name ?? terms.providerId,
      datasetTitle: dataset?.title ?? terms.datasetId,
    };
  }
}
