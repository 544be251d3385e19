import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  openPostgresReadModels,
  openSqliteReadModels,
  type ReadModelDatabase,
} from './read-model-database.js';

export interface ReadModelTarget {
  readonly name: 'sqlite' | 'postgres';
  open(): Promise<ReadModelDatabase>;
  dispose(): Promise<void>;
}

/** A fresh SQLite file, and a fresh PostgreSQL schema when PostgreSQL is reachable: one test body for both. */
export function readModelTargets(postgresUrl: string | undefined): ReadModelTarget[] {
  const targets: ReadModelTarget[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'read-models-'));
  targets.push({
    name: 'sqlite',
    open: () => Promise.resolve(openSqliteReadModels(join(dir, 'read-models.db'))),
    dispose: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  });
  if (postgresUrl) {
    const schema = `rm_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    targets.push({
      name: 'postgres',
      open: () => openPostgresReadModels({ connectionString: postgresUrl, schema, poolSize: 4 }),
      dispose: async () => {
        const admin = await openPostgresReadModels({ connectionString: postgresUrl, poolSize: 1 });
        await admin.db.schema.dropSchema(schema).ifExists().cascade().execute();
        await admin.close();
      },
    });
  }
  return targets;
}
