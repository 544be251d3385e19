import { DomainError } from '#libs/errors';
import type { DomainEvent, Evolver } from '#libs/eventsourcing';
import type { JsonObject } from '#libs/event-store';

export type DatasetItem = { name: string; description: string };

/** What a provider publishes: the items a consent can name, and the JSON schema every payload must match. */
export type DatasetPublication = {
  datasetId: string;
  providerId: string;
  title: string;
  description: string;
  items: DatasetItem[];
  schema: JsonObject;
  /** The consumers that may ask for it; absent: every consumer. */
  allowedConsumers?: string[];
};

export type DatasetPublished = DomainEvent<'DatasetPublished', DatasetPublication & { publishedAt: string }>;
export type DatasetEvent = DatasetPublished;
export const DATASET_EVENT_TYPES = ['DatasetPublished'] as const;

export const datasetStream = (datasetId: string): string => `dataset-${datasetId}`;

export type Dataset =
  { readonly status: 'unpublished' } | ({ readonly status: 'published' } & DatasetPublication);

export const dataset: Evolver<Dataset, DatasetEvent> = {
  eventTypes: DATASET_EVENT_TYPES,
  initialState: () => ({ status: 'unpublished' }),
  evolve: (_state, event) => {
    const { publishedAt: _at, ...publication } = event.data;
    return { status: 'published', ...publication };
  },
};

export function decideDataset(publication: DatasetPublication, state: Dataset, now: Date): DatasetEvent[] {
  if (state.status !== 'unpublished') {
    throw new DomainError(
      'DATASET_ALREADY_PUBLISHED',
      `dataset ${publication.datasetId} is already published`,
      409,
    );
  }
  const names = publication.items.map((item) => item.name);
  if (names.length === 0 || new Set(names).size !== names.length) {
    throw new DomainError('DATASET_ITEMS_INVALID', 'a dataset needs at least one item, each named once', 400);
  }
  return [{ type: 'DatasetPublished', data: { ...publication, publishedAt: now.toISOString() } }];
}
