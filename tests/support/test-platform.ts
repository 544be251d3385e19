import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { StorageConfig } from '#libs/eventsourcing';
import { checkDigitOf, CitizenApp, type Person, type RegistrationInput } from '#libs/identity';
import type { PlatformConfig } from '../../apps/platform/src/config.js';
import { createPlatformApp } from '../../apps/platform/src/platform-app.js';
import type { PlatformOverrides } from '../../apps/platform/src/platform.module.js';

process.env['LOG_LEVEL'] ??= 'silent';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123456789';

export function testConfig(
  storage: StorageConfig = { eventStore: 'sqlite', dataDir: undefined },
): PlatformConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    publicUrl: 'http://127.0.0.1:0',
    storage,
    piiMasterKey: randomBytes(32),
    piiMasterKeyGenerated: false,
    adminToken: TEST_ADMIN_TOKEN,
    adminTokenFile: undefined,
    demo: undefined,
  };
}

/** The real platform, on an in-memory store unless told otherwise, initialised but not listening. */
export async function startTestPlatform(
  config: PlatformConfig = testConfig(),
): Promise<NestExpressApplication> {
  const app = await createPlatformApp(config);
  await app.init();
  return app;
}

/** The real platform listening on a free loopback port, its public URL (and so the OIDC issuer) matching it. */
export async function startListeningTestPlatform(
  storage?: StorageConfig,
  overrides: Partial<PlatformConfig> = {},
  platform: PlatformOverrides = {},
): Promise<{ app: NestExpressApplication; baseUrl: string }> {
  // A given port keeps the issuer of an earlier start: a restart on the same storage.
  const port = overrides.port || (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const app = await createPlatformApp(
    { ...testConfig(storage), port, publicUrl: baseUrl, ...overrides },
    platform,
  );
  await app.listen(port, '127.0.0.1');
  return { app, baseUrl };
}

/** A port nobody listens on now, for a server whose public URL must be known before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A registration for `person` as a freshly installed app sends it: a new device key, and its signature over the
 * body as proof that the app holds the key. Signing calls no platform, so the simulator needs none.
 */
export async function signedRegistration(person: Person): Promise<RegistrationInput> {
  return (await CitizenApp.install({ baseUrl: 'http://127.0.0.1' })).signRegistration(person);
}

/** A valid HKID number for `n`, different for every n below a million. */
export function hkidFor(n: number, letter = 'K'): string {
  const digits = String(n).padStart(6, '0');
  return `${letter}${digits}(${checkDigitOf(letter, digits)})`;
}
