import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'config-'));

describe('loadConfig', () => {
  it('defaults to the embedded store on port 3000, generating a demo PII key once and reusing it', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    expect(first).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      storage: { eventStore: 'sqlite', dataDir: dir },
    });
    expect(first.piiMasterKeyGenerated).toBe(true);
    expect(first.piiMasterKey).toHaveLength(32);
    expect(statSync(join(dir, 'pii-master.key')).mode & 0o777).toBe(0o600);
    expect(loadConfig({ DATA_DIR: dir }).piiMasterKey.equals(first.piiMasterKey)).toBe(true);
    expect(first.adminToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.adminTokenFile).toBe(join(dir, 'admin-token'));
    expect(loadConfig({ DATA_DIR: dir }).adminToken).toBe(first.adminToken);
  });

  it('takes a configured PII key and storage settings', () => {
    const key = randomBytes(32);
    const config = loadConfig({
      PORT: '8080',
      EVENT_STORE: 'postgres',
      DATABASE_URL: 'postgres://app:secret@db:5432/city',
      DATABASE_SCHEMA: 'identity',
      PII_MASTER_KEY: key.toString('base64'),
      ADMIN_TOKEN: 'a'.repeat(40),
    });
    expect(config).toMatchObject({
      port: 8080,
      storage: {
        eventStore: 'postgres',
        databaseUrl: 'postgres://app:secret@db:5432/city',
        schema: 'identity',
      },
      piiMasterKeyGenerated: false,
    });
    expect(config.piiMasterKey.equals(key)).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a TCP port number'],
    [{ PORT: '70000' }, 'PORT must be a TCP port number'],
    [{ EVENT_STORE: 'mongodb' }, 'EVENT_STORE must be sqlite, postgres or eventstoredb'],
    [{ EVENT_STORE: 'postgres' }, 'DATABASE_URL is required when EVENT_STORE=postgres'],
    [{ EVENT_STORE: 'eventstoredb', DATABASE_URL: 'postgres://x' }, 'EVENTSTORE_URL is required'],
    [
      { EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://x' },
      'PII_MASTER_KEY is required unless EVENT_STORE=sqlite',
    ],
    [{ PII_MASTER_KEY: Buffer.alloc(16).toString('base64') }, 'PII_MASTER_KEY must be 32 bytes'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN must be at least 32 characters'],
    [{ PUBLIC_URL: 'localhost:3000' }, 'PUBLIC_URL must be'],
    [{ PUBLIC_URL: 'https://id.example?x=1' }, 'PUBLIC_URL must be an http(s) URL without query or fragment'],
    [{ DEMO: 'yes' }, 'DEMO must be 1 or 0'],
    [{ DEMO_ESERVICE_PORT: '-1' }, 'DEMO_ESERVICE_PORT must be a TCP port number'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), ...env })).toThrow(message);
  });

  it('runs the demo beside the embedded store only, on the next port, and serves the issuer at PUBLIC_URL', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), PORT: '4000' })).toMatchObject({
      demo: { eServicePort: 4001 },
      publicUrl: 'http://localhost:4000',
    });
    expect(loadConfig({ DATA_DIR: dataDir(), DEMO: '0' }).demo).toBeUndefined();
    expect(loadConfig({ DATA_DIR: dataDir(), PUBLIC_URL: 'https://id.city.example/' }).publicUrl).toBe(
      'https://id.city.example',
    );
    const server = loadConfig({
      EVENT_STORE: 'postgres',
      DATABASE_URL: 'postgres://x',
      PII_MASTER_KEY: randomBytes(32).toString('base64'),
      ADMIN_TOKEN: 'a'.repeat(40),
    });
    expect(server.demo).toBeUndefined();
  });

  it('never generates a key for a server database', () => {
    const dir = dataDir();
    expect(() =>
      loadConfig({ DATA_DIR: dir, EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://x' }),
    ).toThrow();
    expect(() => readFileSync(join(dir, 'pii-master.key'))).toThrow();
  });
});
