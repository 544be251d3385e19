/* eslint-disable no-console -- a command-line tool talks on stdout */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DomainError } from '#libs/errors';
import type { EventStore } from '#libs/event-store';
import {
  acquireInstanceLock,
  EVENT_STORE,
  InstanceLockHeld,
  ManualClock,
  ProjectionRunner,
  type RebuildProgress,
} from '#libs/eventsourcing';
import { SigningKeys } from '#libs/oidc';
import { ConfigError, loadConfig, type PlatformConfig } from '../../platform/src/config.js';
import { PlatformModule, type PlatformOverrides } from '../../platform/src/platform.module.js';
import {
  ESERVICES_USAGE,
  parseEServicesCommand,
  runEServicesCommand,
  UsageError,
} from './eservices-command.js';
import { DEMO_DATA_USAGE, parseDemoDataCommand, runDemoData } from './demo-data-command.js';
import {
  ADMINISTRATORS_USAGE,
  parseAdministratorsCommand,
  runAdministratorsCommand,
} from './administrators-command.js';

const USAGE = `usage: npm run cli -- <command>

commands:
  projections              list the projections with their state and position
  rebuild <name>|all       empty a read model and replay the whole log into it, with progress
  signing-keys rotate      add a new pair of OpenID Provider signing keys (ES256, RS256); the newest signs
                           after the next start, the older ones stay published so issued tokens still verify
${ESERVICES_USAGE}
${ADMINISTRATORS_USAGE}
${DEMO_DATA_USAGE}

Configuration is the platform's (EVENT_STORE, DATA_DIR, DATABASE_URL, ...). A rebuild needs the storage to
itself: it refuses to start while a platform uses it, and a platform refuses to start during a rebuild.`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, argument] = argv;
  const commands = ['projections', 'rebuild', 'eservices', 'administrators', 'signing-keys', 'demo-data'];
  if (!commands.includes(command ?? '')) {
    console.error(USAGE);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
  const eservices = command === 'eservices' ? await parseEServicesCommand(argv.slice(1)) : undefined;
  const demoData = command === 'demo-data' ? parseDemoDataCommand(argv.slice(1)) : undefined;
  const administrators = command === 'administrators' ? parseAdministratorsCommand(argv.slice(1)) : undefined;
  const config = loadConfig();
  // The demo history is dated by a clock the command walks through the year.
  const clock = new ManualClock();
  // A rebuild empties read models that a running platform would go on writing meanwhile.
  const lock = command === 'rebuild' ? await acquireInstanceLock(config.storage, 'exclusive') : undefined;
  const app = await openPlatform(config, demoData ? { clock } : {}).catch(async (error: unknown) => {
    await lock?.release();
    throw error;
  });
  try {
    if (eservices) {
      await runEServicesCommand(app, eservices, (line) => console.log(line));
      return 0;
    }
    if (administrators) {
      await runAdministratorsCommand(app, administrators, (line) => console.log(line));
      return 0;
    }
    if (demoData) {
      await runDemoData(app, clock, demoData, (line) => console.log(line));
      return 0;
    }
    if (command === 'signing-keys') {
      if (argument !== 'rotate') {
        console.error('signing-keys takes one sub-command: rotate');
        return 2;
      }
      const kids = await app.get(SigningKeys).rotate();
      console.log(`new signing keys: ${kids.join(', ')}; restart the platform to sign with them`);
      return 0;
    }
    const runner = app.get(ProjectionRunner);
    const store = app.get<EventStore>(EVENT_STORE);
    if (command === 'projections') {
      const head = await store.headPosition();
      for (const p of runner.status()) {
        console.log(
          `${p.name} v${p.version}: ${p.state}, at ${p.position ?? 'start'} of ${head ?? 'an empty log'}`,
        );
      }
      return 0;
    }
    const names = argument === 'all' ? runner.status().map((p) => p.name) : argument ? [argument] : [];
    if (names.length === 0) {
      console.error('rebuild needs a projection name or "all"');
      return 2;
    }
    for (const name of names) {
      if (!runner.status().some((p) => p.name === name)) {
        console.error(`no projection named ${name}; see \`npm run cli -- projections\``);
        return 2;
      }
      const target = await store.headPosition();
      const done = await runner.rebuild(name, target, (p) => console.log(progressLine(p)));
      console.log(`${progressLine(done)}: done`);
    }
    return 0;
  } finally {
    await app.close();
    await lock?.release();
  }
}

async function openPlatform(config: PlatformConfig, overrides: PlatformOverrides) {
  const app = await NestFactory.createApplicationContext(PlatformModule.forRoot(config, overrides), {
    logger: ['error'],
  });
  await app.init();
  return app;
}

function progressLine(p: RebuildProgress): string {
  const where = p.target === undefined ? '' : `, position ${p.position ?? 'start'} of ${p.target}`;
  return `${p.name}: ${p.eventsProcessed.toLocaleString('en-US')} events${where}, ${p.eventsPerSecond.toLocaleString('en-US')} events/s`;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(failureMessage(error));
  process.exitCode = error instanceof UsageError ? 2 : 1;
}

/** A mistake the operator can fix is told in a line; anything else in full. */
function failureMessage(error: unknown): unknown {
  if (error instanceof UsageError) return `${error.message}\n\n${USAGE}`;
  if (error instanceof ConfigError) return `configuration: ${error.message}`;
  if (error instanceof InstanceLockHeld) return error.message;
  if (error instanceof DomainError) return `${error.code}: ${error.message}`;
  return error;
}
