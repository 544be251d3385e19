import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { EventStoreDbEventStore } from './eventstoredb-event-store.js';

async function failureOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error & { code?: string },
  );
}

describe('opening an EventStoreDB store without a usable server', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and never answers: a hung server, or a firewall that swallows packets.
    silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('fails at once with EVENT_STORE_UNAVAILABLE when nothing listens, never showing the credentials', async () => {
    const started = Date.now();
    const failure = await failureOf(
      EventStoreDbEventStore.open({ connectionString: 'esdb://admin:s3cr3t-pw@127.0.0.1:1?tls=false' }),
    );
    expect(failure).toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE', status: 503 });
    expect(failure.message).toBe('EventStoreDB at esdb://127.0.0.1:1 is unavailable (no connection)');
    expect(JSON.stringify(failure)).not.toContain('s3cr3t');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('gives up on a server that never answers after its readiness deadline', async () => {
    const { port } = silent.address() as AddressInfo;
    const started = Date.now();
    const failure = await failureOf(
      EventStoreDbEventStore.open({ connectionString: `esdb://admin:s3cr3t-pw@127.0.0.1:${port}?tls=false` }),
    );
    expect(failure).toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE', status: 503 });
    expect(failure.message).toBe(
      `EventStoreDB at esdb://127.0.0.1:${port} is unavailable (no answer within 5000 ms)`,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 15_000);

  it('refuses a malformed connection string without quoting it', async () => {
    const failure = await failureOf(
      EventStoreDbEventStore.open({ connectionString: 'esdb://admin:s3cr3t-pw@127.0.0.1:notaport' }),
    );
    expect(failure.message).toBe(
      'the EventStoreDB connection string for esdb://127.0.0.1:notaport is malformed or names missing certificate files',
    );
    expect(failure.cause).toBeUndefined();
  });
});
