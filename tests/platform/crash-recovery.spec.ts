import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../support/eventually.js';
import { hkidFor, signedRegistration } from '../support/test-platform.js';
import { startPlatformProcess, type PlatformProcess } from '../support/platform-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'platform-crash-'));
const env = { DATA_DIR: dataDir, EVENT_STORE: 'sqlite' };

async function register(url: string, n: number): Promise<string | undefined> {
  try {
    const response = await fetch(`${url}/citizens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        await signedRegistration({
          nameEn: `CITIZEN ${n}`,
          hkid: hkidFor(n, 'R'),
          dateOfBirth: '1985-06-30',
        }),
      ),
    });
    if (response.status !== 201) return undefined;
    return ((await response.json()) as { citizenId: string }).citizenId;
  } catch {
    return undefined; // the connection died with the process: not acknowledged
  }
}

describe('kill -9 during a stream of writes', () => {
  let platform: PlatformProcess | undefined;
  afterAll(async () => {
    await platform?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no acknowledged event, and the projections catch up after the restart', async () => {
    platform = await startPlatformProcess(env);
    const acknowledged: string[] = [];
    let next = 0;
    let writing = true;
    const writers = Array.from({ length: 8 }, async () => {
      while (writing) {
        const citizenId = await register(platform!.url, next++);
        if (citizenId) acknowledged.push(citizenId);
      }
    });
    await eventually(async () => (acknowledged.length >= 150 ? true : undefined));
    const killed = platform.stop('SIGKILL');
    await killed;
    writing = false;
    await Promise.all(writers);
    const sent = next;

    platform = await startPlatformProcess(env);
    const restarted = platform;
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    expect(sent).toBeGreaterThan(acknowledged.length - 1);
    for (const citizenId of acknowledged) {
      const shown = await eventually(async () => {
        const response = await fetch(`${restarted.url}/citizens/${citizenId}`);
        return response.status === 200 ? ((await response.json()) as { activeDevices: number }) : undefined;
      });
      expect(shown.activeDevices).toBe(1);
    }
    const health = (await (await fetch(`${restarted.url}/health`)).json()) as { status: string };
    expect(health.status).toBe('ok');
  });

  it('drains and exits cleanly on SIGTERM, and the data is still there after', async () => {
    await platform!.stop('SIGKILL');
    platform = await startPlatformProcess(env);
    const citizenId = await register(platform.url, 900_001);
    expect(citizenId).toBeDefined();
    const code = await platform.stop('SIGTERM');
    expect(code).toBe(0);
    expect(platform.output()).toContain('stopped cleanly');
    platform = await startPlatformProcess(env);
    const restarted = platform;
    await eventually(async () =>
      (await fetch(`${restarted.url}/citizens/${citizenId}`)).status === 200 ? true : undefined,
    );
  });
});
