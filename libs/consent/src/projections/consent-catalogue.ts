import { Inject, Injectable } from '@nestjs/common';
import type { ValidateFunction } from 'ajv';
import type { Kysely } from 'kysely';
import type { JsonObject } from '#libs/event-store';
import { READ_MODELS, type ReadModelDatabase } from '#libs/eventsourcing';
import type { ClientJwks } from '#libs/oidc';
import type { DatasetEntry } from '../domain/consent.decide.js';
import type { DatasetItem } from '../domain/dataset.js';
import type { ParticipantRole } from '../domain/participant.js';
import { compilePayloadSchema } from '../exchange/payload-schema.js';
import type { ConsentCatalogueTables } from './consent-catalogue.projection.js';

export interface ParticipantView {
  readonly participantId: string;
  readonly name: string;
  readonly department: string;
  readonly roles: readonly ParticipantRole[];
  readonly endpoint?: string;
  readonly webhookUrl?: string;
  readonly jwks: ClientJwks;
  readonly registeredAt: string;
}

export interface DatasetView extends DatasetEntry {
  readonly title: string;
  readonly description: string;
  readonly itemDescriptions: readonly DatasetItem[];
  readonly schema: JsonObject;
  readonly publishedAt: string;
}

/** A dataset with its compiled payload schema. */
export interface CataloguedDataset extends DatasetView {
  readonly validatePayload: ValidateFunction;
}

/**
 * The catalogue read from its projection. Participants and datasets are never changed once published, so what
 * was found is kept in memory (an exchange reads both); what was not found is asked again next time.
 */
@Injectable()
export class ConsentCatalogue {
  private readonly db: Kysely<ConsentCatalogueTables>;
  private readonly participants = new Map<string, ParticipantView>();
  private readonly datasets = new Map<string, CataloguedDataset>();

  constructor(@Inject(READ_MODELS) readModels: ReadModelDatabase) {
    this.db = readModels.db as Kysely<ConsentCatalogueTables>;
  }

  async participant(participantId: string): Promise<ParticipantView | undefined> {
    const cached = this.participants.get(participantId);
    if (cached) return cached;
    const row = await this.db
      .selectFrom('consent_participants')
      .selectAll()
      .where('participant_id', '=', participantId)
      .executeTakeFirst();
    if (!row) return undefined;
    const view: ParticipantView = {
      participantId: row.participant_id,
      name: row.name,
      department: row.department,
      roles: row.roles.split(' ') as ParticipantRole[],
      ...(row.endpoint !== null && { endpoint: row.endpoint }),
      ...(row.webhook_url !== null && { webhookUrl: row.webhook_url }),
      jwks: JSON.parse(row.jwks) as ClientJwks,
      registeredAt: row.registered_at,
    };
    this.participants.set(participantId, view);
    return view;
  }

  async dataset(datasetId: string): Promise<CataloguedDataset | undefined> {
    const cached = this.datasets.get(datasetId);
    if (cached) return cached;
    const row = await this.db
      .selectFrom('consent_datasets')
      .selectAll()
      .where('dataset_id', '=', datasetId)
      .executeTakeFirst();
    if (!row) return undefined;
    const view = toView(row);
    const entry = { ...view, validatePayload: compilePayloadSchema(view.schema) };
    this.datasets.set(datasetId, entry);
    return entry;
  }

  /** The datasets a consumer may ask for. */
  async datasetsFor(consumerId: string): Promise<DatasetView[]> {
    const rows = await this.db.selectFrom('consent_datasets').selectAll().orderBy('dataset_id').execute();
    return rows.map(toView).filter((d) => !d.allowedConsumers || d.allowedConsumers.includes(consumerId));
  }
}

function toView(row: ConsentCatalogueTables['consent_datasets']): DatasetView {
  const items = JSON.parse(row.items) as DatasetItem[];
  return {
    datasetId: row.dataset_id,
    providerId: row.provider_id,
    title: row.title,
    description: row.description,
    items: items.map((i) => i.name),
    itemDescriptions: items,
    schema: JSON.parse(row.schema) as JsonObject,
    ...(row.allowed_consumers !== null && {
      allowedConsumers: JSON.parse(row.allowed_consumers) as string[],
    }),
    publishedAt: row.published_at,
  };
}
