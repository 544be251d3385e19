import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startPlatformProcess, type PlatformProcess } from '../support/platform-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'platform-lock-'));
const env = { DATA_DIR: dataDir, EVENT_STORE: 'sqlite' };

function cli(...args: string[]): Promise<{ status: number | null; output: string }> {
  const child = spawn(process.execPath, [resolve('dist/apps/cli/src/main.js'), ...args], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((done) => child.once('close', (status) => done({ status, output })));
}

describe('one platform per data directory, and rebuilds alone', () => {
  let platform: PlatformProcess | undefined;
  afterAll(async () => {
    await platform?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a second platform and a rebuild while one runs; rebuilds once it has stopped', async () => {
    platform = await startPlatformProcess(env);
    const pid = platform.child.pid!;

    await expect(startPlatformProcess(env)).rejects.toThrow(
      new RegExp(`exited with 1 before listening:[^]*a platform \\(pid ${pid}\\) is using`),
    );
    const refused = await cli('rebuild', 'all');
    expect(refused.status).toBe(1);
    expect(refused.output).toContain(`a platform (pid ${pid}) is using ${dataDir}; stop it first`);

    expect(await platform.stop()).toBe(0);
    expect(existsSync(join(dataDir, 'platform.lock'))).toBe(false);
    const rebuilt = await cli('rebuild', 'all');
    expect(rebuilt.output).toMatch(/citizen-directory: .*: done/);
    expect(rebuilt.status).toBe(0);
    expect(existsSync(join(dataDir, 'platform.lock'))).toBe(false);
  }, 60_000);
});
