import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteReadModels, PiiVault } from '#libs/eventsourcing';

const SUBJECTS = 100;
const OPERATIONS = 20_000;

const citizen = {
  nameZh: '陳大文',
  nameEn: 'CHAN, Tai Man',
  dateOfBirth: '1988-02-29',
  address: { flat: '12樓A室', building: '沙田第一城', district: '沙田' },
};

/** Seals and opens per second of a four-field record, with every subject's key already in the cache. */
export async function run(): Promise<Record<string, number>> {
  // Keys stay in the cache for the whole run: this measures the AES-GCM path, not key storage.
  const dir = mkdtempSync(join(tmpdir(), 'pii-vault-bench-'));
  const readModels = openSqliteReadModels(join(dir, 'read-models.db'));
  try {
    const vault = new PiiVault(readModels, randomBytes(32));
    await vault.setup();
    const subjects = Array.from({ length: SUBJECTS }, (_, i) => `citizen-${i}`);
    const sealed = await Promise.all(subjects.map((subject) => vault.seal(subject, citizen)));

    const seals = await perSecond(async (i) => {
      await vault.seal(subjects[i % SUBJECTS]!, citizen);
    });
    const opens = await perSecond(async (i) => {
      await vault.open(subjects[i % SUBJECTS]!, sealed[i % SUBJECTS]!);
    });
    return { 'pii seals/s (4 fields, warm cache)': seals, 'pii opens/s (4 fields, warm cache)': opens };
  } finally {
    await readModels.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function perSecond(operation: (i: number) => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < OPERATIONS; i++) await operation(i);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return Math.round(OPERATIONS / seconds);
}
