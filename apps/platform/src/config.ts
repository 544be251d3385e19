import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StorageConfig } from '#libs/eventsourcing';

export interface PlatformConfig {
  readonly port: number;
  readonly host: string;
  /** Where browsers and e-services reach the platform; the OpenID Provider's issuer is this + `/oidc`. */
  readonly publicUrl: string;
  readonly storage: StorageConfig;
  /** Wraps every per-subject data key of the PII vault. */
  readonly piiMasterKey: Buffer;
  /** Set when the master key was generated into DATA_DIR rather than configured: fine for a demo, not for production. */
  readonly piiMasterKeyGenerated: boolean;
  /** Demo mode: the citizen-app simulator page and the demo e-service run beside the platform. */
  readonly demo: { readonly eServicePort: number } | undefined;
  /** Bearer token of the administrator endpoints. */
  readonly adminToken: string;
  /** Set when the admin token was generated into DATA_DIR: the platform prints where to find it. */
  readonly adminTokenFile: string | undefined;
}

export class ConfigError extends Error {}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the platform's configuration from the environment; every mistake is reported by variable name. */
export function loadConfig(env: Env = process.env): PlatformConfig {
  const port = parsePort(env['PORT'] ?? '3000');
  const host = env['HOST'] ?? '0.0.0.0';
  const publicUrl = publicUrlFrom(env['PUBLIC_URL'] ?? `http://localhost:${port}`);
  const storage = storageFrom(env);
  const dataDir = storage.eventStore === 'sqlite' ? storage.dataDir : undefined;
  const { key, generated } = piiMasterKeyFrom(env, dataDir);
  const admin = adminTokenFrom(env, dataDir);
  const demo = demoFrom(env, storage, port);
  return {
    port,
    host,
    publicUrl,
    storage,
    piiMasterKey: key,
    piiMasterKeyGenerated: generated,
    demo,
    adminToken: admin.token,
    adminTokenFile: admin.file,
  };
}

function parsePort(value: string, name = 'PORT'): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`${name} must be a TCP port number`);
  return port;
}

function storageFrom(env: Env): StorageConfig {
  const kind = env['EVENT_STORE'] ?? 'sqlite';
  switch (kind) {
    case 'sqlite': {
      const dataDir = resolve(env['DATA_DIR'] ?? './data');
      mkdirSync(dataDir, { recursive: true });
      return { eventStore: 'sqlite', dataDir };
    }
    case 'postgres':
      return { eventStore: 'postgres', databaseUrl: required(env, 'DATABASE_URL', kind), ...schemaFrom(env) };
    case 'eventstoredb':
      return {
        eventStore: 'eventstoredb',
        eventStoreUrl: required(env, 'EVENTSTORE_URL', kind),
        databaseUrl: required(env, 'DATABASE_URL', kind),
        ...schemaFrom(env),
      };
    default:
      throw new ConfigError('EVENT_STORE must be sqlite, postgres or eventstoredb');
  }
}

function publicUrlFrom(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('PUBLIC_URL must be an absolute http(s) URL');
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash) {
    throw new ConfigError('PUBLIC_URL must be an http(s) URL without query or fragment');
  }
  return url.toString().replace(/\/$/, '');
}

/** On by default with the embedded store (what `npm start` runs), off with a server database. */
function demoFrom(env: Env, storage: StorageConfig, port: number): PlatformConfig['demo'] {
  const flag = env['DEMO'] ?? (storage.eventStore === 'sqlite' ? '1' : '0');
  if (flag !== '1' && flag !== '0') throw new ConfigError('DEMO must be 1 or 0');
  if (flag === '0') return undefined;
  const eServicePort = parsePort(
    env['DEMO_ESERVICE_PORT'] ?? String(port === 0 ? 0 : port + 1),
    'DEMO_ESERVICE_PORT',
  );
  return { eServicePort };
}

function schemaFrom(env: Env): { schema?: string } {
  const schema = env['DATABASE_SCHEMA'];
  return schema ? { schema } : {};
}

function required(env: Env, name: string, kind: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is required when EVENT_STORE=${kind}`);
  return value;
}

/**
 * PII_MASTER_KEY (32 bytes, base64) in production. The embedded setup may generate one into DATA_DIR so that
 * `npm start` works on a fresh machine; a server database never does, since the key must not sit beside it.
 */
function piiMasterKeyFrom(env: Env, dataDir: string | undefined): { key: Buffer; generated: boolean } {
  const configured = env['PII_MASTER_KEY'];
  if (configured) {
    const key = Buffer.from(configured, 'base64');
    if (key.length !== 32) throw new ConfigError('PII_MASTER_KEY must be 32 bytes, base64-encoded');
    return { key, generated: false };
  }
  if (!dataDir) throw new ConfigError('PII_MASTER_KEY is required unless EVENT_STORE=sqlite');
  const file = resolve(dataDir, 'pii-master.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new ConfigError(`${file} does not hold a 32-byte base64 key`);
  return { key, generated: true };
}

/** ADMIN_TOKEN (at least 32 characters) in production; the embedded demo generates one into DATA_DIR. */
function adminTokenFrom(env: Env, dataDir: string | undefined): { token: string; file: string | undefined } {
  const configured = env['ADMIN_TOKEN'];
  if (configured) {
    if (configured.length < 32 || /\s/.test(configured)) {
      throw new ConfigError('ADMIN_TOKEN must be at least 32 characters without spaces');
    }
    return { token: configured, file: undefined };
  }
  if (!dataDir) throw new ConfigError('ADMIN_TOKEN is required unless EVENT_STORE=sqlite');
  const file = resolve(dataDir, 'admin-token');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return { token: readFileSync(file, 'utf8').trim(), file };
}
