import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestSchema,
  postgresTestUrl,
} from '../../../event-store/src/testing/postgres-test-database.js';
import { acquireInstanceLock, InstanceLockHeld } from './instance-lock.js';

const postgresUrl = await postgresTestUrl();

describe('the instance lock on the embedded store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'instance-lock-'));
  const storage = { eventStore: 'sqlite', dataDir } as const;
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lets one process use a data directory at a time, whatever it does', async () => {
    const platform = await acquireInstanceLock(storage, 'serve');
    await expect(acquireInstanceLock(storage, 'serve')).rejects.toThrow(InstanceLockHeld);
    await expect(acquireInstanceLock(storage, 'exclusive')).rejects.toThrow(
      /a platform \(pid \d+\) is using/,
    );
    await platform.release();

    const rebuild = await acquireInstanceLock(storage, 'exclusive');
    await expect(acquireInstanceLock(storage, 'serve')).rejects.toThrow(/a rebuild \(pid \d+\) is using/);
    await rebuild.release();
  });

  it('takes over a lock left by a process that was killed', async () => {
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(exited.stdout.toString());
    writeFileSync(join(dataDir, 'platform.lock'), JSON.stringify({ pid: deadPid, mode: 'serve' }));
    const lock = await acquireInstanceLock(storage, 'serve');
    await lock.release();
  });

  it('has nothing to lock for an in-memory store', async () => {
    const storage = { eventStore: 'sqlite', dataDir: undefined } as const;
    const [one, two] = await Promise.all([
      acquireInstanceLock(storage, 'exclusive'),
      acquireInstanceLock(storage, 'exclusive'),
    ]);
    await one.release();
    await two.release();
  });
});

describe.each(postgresUrl ? [postgresUrl] : [])('the instance lock on PostgreSQL', (url) => {
  it('lets many platforms share a schema, and a rebuild have it alone', async () => {
    const { schema, drop } = await createTestSchema(url, 'instance_lock');
    const storage = { eventStore: 'postgres', databaseUrl: url, schema } as const;
    const elsewhere = { ...storage, schema: `${schema}_other` };
    try {
      const first = await acquireInstanceLock(storage, 'serve');
      const second = await acquireInstanceLock(storage, 'serve');
      await expect(acquireInstanceLock(storage, 'exclusive')).rejects.toThrow(
        /platform instances are using the schema/,
      );
      const otherSchema = await acquireInstanceLock(elsewhere, 'exclusive');
      await first.release();
      await second.release();

      const rebuild = await acquireInstanceLock(storage, 'exclusive');
      await expect(acquireInstanceLock(storage, 'serve')).rejects.toThrow(/a rebuild is using the schema/);
      await rebuild.release();
      await (await acquireInstanceLock(storage, 'serve')).release();
      await otherSchema.release();
    } finally {
      await drop();
    }
  });
});
