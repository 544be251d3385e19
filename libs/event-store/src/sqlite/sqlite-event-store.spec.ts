import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreConformance } from '../testing/conformance.js';
import { SqliteEventStore } from './sqlite-event-store.js';

describeEventStoreConformance('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'event-store-'));
  return {
    open: () => Promise.resolve(new SqliteEventStore({ path: join(dir, 'events.db') })),
    dispose: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
});
