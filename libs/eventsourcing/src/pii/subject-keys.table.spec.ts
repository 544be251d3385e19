import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresTestUrl } from '../../../event-store/src/testing/postgres-test-database.js';
import type { ReadModelDatabase } from '../read-models/read-model-database.js';
import { readModelTargets } from '../read-models/read-model-database.testing.js';
import {
  createSubjectKeyTable,
  eraseSubjectKey,
  insertSubjectKeyIfAbsent,
  readSubjectKey,
} from './subject-keys.table.js';

const postgresUrl = await postgresTestUrl();
const at = new Date('2026-01-01T00:00:00.000Z');

describe.each(readModelTargets(postgresUrl))('the subject key table on $name', (target) => {
  let readModels: ReadModelDatabase;

  beforeAll(async () => {
    readModels = await target.open();
    await createSubjectKeyTable(readModels.db);
    await createSubjectKeyTable(readModels.db);
  });

  afterAll(async () => {
    await readModels.close();
    await target.dispose();
  });

  it('keeps the first key inserted for a subject', async () => {
    await insertSubjectKeyIfAbsent(readModels.db, 'first-wins', 'key-1', at);
    await insertSubjectKeyIfAbsent(readModels.db, 'first-wins', 'key-2', at);
    expect(await readSubjectKey(readModels.db, 'first-wins')).toEqual({
      state: 'active',
      wrappedKey: 'key-1',
    });
  });

  it('erases a key once, and never gives an erased subject a key again', async () => {
    await insertSubjectKeyIfAbsent(readModels.db, 'erased', 'key-1', at);
    expect(await eraseSubjectKey(readModels.db, 'erased', at)).toBe(true);
    expect(await eraseSubjectKey(readModels.db, 'erased', at)).toBe(false);
    await insertSubjectKeyIfAbsent(readModels.db, 'erased', 'key-2', at);
    expect(await readSubjectKey(readModels.db, 'erased')).toEqual({ state: 'erased' });
  });

  it('has nothing to erase for an unknown subject', async () => {
    expect(await eraseSubjectKey(readModels.db, 'unknown', at)).toBe(false);
    expect(await readSubjectKey(readModels.db, 'unknown')).toEqual({ state: 'unknown' });
  });

  it.each([
    ['a key and a tombstone', 'key', at.toISOString()],
    ['neither a key nor a tombstone', null, null],
  ])('refuses a row with %s', async (_case, wrappedKey, erasedAt) => {
    const row = {
      subject_id: 'both',
      wrapped_key: wrappedKey,
      created_at: at.toISOString(),
      erased_at: erasedAt,
    };
    // better-sqlite3's errors come from another realm than Jest's, so they are matched by shape, not by class.
    await expect(readModels.db.insertInto('pii_subject_keys').values(row).execute()).rejects.toMatchObject({
      message: expect.stringMatching(/constraint/i),
    });
  });
});
