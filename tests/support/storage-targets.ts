import type { StorageConfig } from '#libs/eventsourcing';
import {
  createTestSchema,
  postgresTestUrl,
} from '../../libs/event-store/src/testing/postgres-test-database.js';

export interface StorageTarget {
  /** A fresh store for one suite, and how to drop it afterwards. */
  create(): Promise<{ config: StorageConfig; drop(): Promise<void> }>;
}

const postgresUrl = await postgresTestUrl();

/** The embedded store, and PostgreSQL in a fresh schema where it is reachable: `describe.each` over both. */
export function storageTargets(prefix: string): [string, StorageTarget][] {
  const targets: [string, StorageTarget][] = [
    [
      'sqlite',
      {
        create: async () => ({ config: { eventStore: 'sqlite', dataDir: undefined }, drop: async () => {} }),
      },
    ],
  ];
  if (postgresUrl) {
    const url = postgresUrl;
    targets.push([
      'postgres',
      {
        create: async () => {
          const { schema, drop } = await createTestSchema(url, prefix);
          return { config: { eventStore: 'postgres', databaseUrl: url, schema }, drop };
        },
      },
    ]);
  }
  return targets;
}
