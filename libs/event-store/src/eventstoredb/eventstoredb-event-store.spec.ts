import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreConformance } from '../testing/conformance.js';
import { EventStoreDbEventStore } from './eventstoredb-event-store.js';

interface Server {
  readonly url: string;
  readonly stop?: () => Promise<void>;
}

/** Only a hint: testcontainers decides, but without any of these it would look for an engine in vain. */
function dockerEngineMayRun(): boolean {
  const runtimeDir = process.env['XDG_RUNTIME_DIR'];
  return (
    Boolean(process.env['DOCKER_HOST']) ||
    [
      '/var/run/docker.sock',
      join(homedir(), '.docker', 'run', 'docker.sock'),
      join(homedir(), '.testcontainers.properties'),
      ...(runtimeDir ? [join(runtimeDir, 'docker.sock')] : []),
    ].some((path) => existsSync(path))
  );
}

async function answersWithin(probe: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([probe.then(() => true), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

async function resolveServer(): Promise<Server | undefined> {
  const url = process.env['EVENTSTORE_URL'];
  if (url) return { url };
  if (!dockerEngineMayRun()) return undefined;
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  if (!(await answersWithin(getContainerRuntimeClient(), 5000))) return undefined;
  const container = await new GenericContainer('eventstore/eventstore:latest')
    .withEnvironment({
      EVENTSTORE_INSECURE: 'true',
      EVENTSTORE_RUN_PROJECTIONS: 'None',
      EVENTSTORE_MEM_DB: 'true',
    })
    .withExposedPorts(2113)
    .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCodeMatching((status) => status < 300))
    .withStartupTimeout(120_000)
    .start();
  return {
    url: `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`,
    stop: async () => void (await container.stop()),
  };
}

const server = await resolveServer();
if (!server) process.stderr.write('skipping EventStoreDB tests: no EVENTSTORE_URL and no Docker engine\n');

describeEventStoreConformance('eventstoredb', () =>
  server
    ? {
        open: () => EventStoreDbEventStore.open({ connectionString: server.url }),
        // The server knows a re-append only by its first event id (see the adapter's class comment).
        detectsIdReuseAcrossStreams: false,
        ...(server.stop && { dispose: server.stop }),
      }
    : undefined,
);
