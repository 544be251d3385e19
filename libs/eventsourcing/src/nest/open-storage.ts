import { join } from 'node:path';
import { PostgresEventStore, SqliteEventStore, type EventStore } from '#libs/event-store';
import {
  openPostgresReadModels,
  openSqliteReadModels,
  type ReadModelDatabase,
} from '../read-models/read-model-database.js';
import type { StorageConfig } from './storage-config.js';

export async function openEventStore(config: StorageConfig): Promise<EventStore> {
  switch (config.eventStore) {
    case 'sqlite':
      return new SqliteEventStore({
        path: config.dataDir === undefined ? ':memory:' : join(config.dataDir, 'events.db'),
      });
    case 'postgres':
      return PostgresEventStore.open({
        connectionString: config.databaseUrl,
        ...(config.schema && { schema: config.schema }),
      });
    case 'eventstoredb': {
      const { EventStoreDbEventStore } = await import('#libs/event-store/eventstoredb');
      return EventStoreDbEventStore.open({ connectionString: config.eventStoreUrl });
    }
  }
}

export async function openReadModels(config: StorageConfig): Promise<ReadModelDatabase> {
  switch (config.eventStore) {
    case 'sqlite':
      return openSqliteReadModels(
        config.dataDir === undefined ? ':memory:' : join(config.dataDir, 'read-models.db'),
      );
    case 'postgres':
    case 'eventstoredb':
      return openPostgresReadModels({
        connectionString: config.databaseUrl,
        ...(config.schema && { schema: config.schema }),
      });
  }
}
