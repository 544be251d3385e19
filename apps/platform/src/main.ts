import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { acquireInstanceLock, describeStorage, InstanceLockHeld } from '#libs/eventsourcing';
import { startDemoEService } from '../../demo-eservice/src/demo-eservice.js';
import { ConfigError, loadConfig } from './config.js';
import { createPlatformApp } from './platform-app.js';

async function main(): Promise<void> {
  const logger = new Logger('Platform');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    logger.error(`configuration: ${error.message}`);
    process.exitCode = 1;
    return;
  }
  let lock;
  try {
    lock = await acquireInstanceLock(config.storage, 'serve');
  } catch (error) {
    if (!(error instanceof InstanceLockHeld)) throw error;
    logger.error(error.message);
    process.exitCode = 1;
    return;
  }
  const app = await createPlatformApp(config);
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  logger.log(`listening on ${url} (event store: ${describeStorage(config.storage)})`);
  const demo = config.demo
    ? await startDemoEService({
        platformUrl: config.publicUrl,
        port: config.demo.eServicePort,
        host: config.host,
        adminToken: config.adminToken,
        ...(config.storage.eventStore === 'sqlite' &&
          config.storage.dataDir && { dataDir: config.storage.dataDir }),
      })
    : undefined;
  if (demo) {
    logger.log(
      `demo: open ${demo.url} and click "Login with iAM Smart"; approve in ${config.publicUrl}/demo/app`,
    );
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(
      signal,
      () =>
        void shutDown(
          { close: async () => (await demo?.close(), await app.close(), await lock.release()) },
          signal,
          logger,
        ),
    );
  }
  if (config.adminTokenFile) {
    logger.log(`administrator token (ADMIN_TOKEN not set): in ${config.adminTokenFile}`);
  }
  if (config.piiMasterKeyGenerated) {
    logger.warn(
      'PII_MASTER_KEY not set: using a key generated in DATA_DIR (fine for a demo, not for production)',
    );
  }
}

/**
 * Stops taking connections, lets in-flight requests finish, stops the projections, closes the stores, exits 0.
 * A shutdown that hangs past SHUTDOWN_TIMEOUT_MS (default 10 s) exits 1 rather than never.
 */
async function shutDown(app: { close(): Promise<void> }, signal: string, logger: Logger): Promise<void> {
  logger.log(`${signal} received: draining in-flight requests`);
  const timeoutMs = Number(process.env['SHUTDOWN_TIMEOUT_MS'] ?? 10_000);
  const timer = setTimeout(() => {
    logger.error(`shutdown took longer than ${timeoutMs} ms, exiting anyway`);
    process.exit(1);
  }, timeoutMs);
  timer.unref();
  await app.close();
  logger.log('stopped cleanly');
  process.exit(0);
}

await main();
