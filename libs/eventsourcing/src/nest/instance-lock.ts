import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { StorageConfig } from './storage-config.js';

/**
 * `serve`: a platform instance. On the embedded store one at a time (its group commit and live subscriptions are
 * one process's), on PostgreSQL as many as wanted. `exclusive`: a tool that rewrites read models (a rebuild),
 * which must have the storage to itself.
 */
export type InstanceLockMode = 'serve' | 'exclusive';

export interface InstanceLock {
  release(): Promise<void>;
}

export class InstanceLockHeld extends Error {}

/** A lock file in the data directory; PostgreSQL advisory locks per schema. Held until `release`. */
export async function acquireInstanceLock(
  storage: StorageConfig,
  mode: InstanceLockMode,
): Promise<InstanceLock> {
  switch (storage.eventStore) {
    case 'sqlite':
      return storage.dataDir === undefined ? { release: async () => {} } : lockDataDir(storage.dataDir, mode);
    case 'postgres':
    case 'eventstoredb':
      return lockSchema(storage.databaseUrl, storage.schema ?? 'public', mode);
  }
}

const LOCK_FILE = 'platform.lock';

interface LockFileContent {
  readonly pid: number;
  readonly mode: InstanceLockMode;
}

function lockDataDir(dataDir: string, mode: InstanceLockMode): InstanceLock {
  const path = join(dataDir, LOCK_FILE);
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, mode } satisfies LockFileContent));
      closeSync(fd);
      return { release: async () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = holderOf(path);
    if (holder && isAlive(holder.pid)) {
      throw new InstanceLockHeld(
        holder.mode === 'serve'
          ? `a platform (pid ${holder.pid}) is using ${dataDir}; stop it first`
          : `a rebuild (pid ${holder.pid}) is using ${dataDir}; wait for it to finish`,
      );
    }
    // Left by a process that was killed: nobody holds it.
    rmSync(path, { force: true });
  }
}

function holderOf(path: string): LockFileContent | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockFileContent;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The first key of the two-key advisory locks; the second is the schema's hash. */
const INSTANCE_LOCK_CLASS = 73_463;

async function lockSchema(
  databaseUrl: string,
  schema: string,
  mode: InstanceLockMode,
): Promise<InstanceLock> {
  // A session-level advisory lock lives as long as its connection: one kept for the purpose.
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      mode === 'serve'
        ? 'SELECT pg_try_advisory_lock_shared($1, hashtext($2)) AS locked'
        : 'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
      [INSTANCE_LOCK_CLASS, schema],
    );
    if (!rows[0]?.locked) {
      throw new InstanceLockHeld(
        mode === 'serve'
          ? `a rebuild is using the schema ${schema}; wait for it to finish`
          : `platform instances are using the schema ${schema}; stop them first`,
      );
    }
  } catch (error) {
    await client.end();
    throw error;
  }
  // A dropped connection takes the lock with it; it must not also take down the process it guards.
  client.on('error', () => undefined);
  return { release: () => client.end() };
}
