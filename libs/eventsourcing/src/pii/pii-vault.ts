import type { JsonValue } from '#libs/event-store';
import { systemClock, type Clock } from '../clock/clock.js';
import type { ReadModelDatabase } from '../read-models/read-model-database.js';
import { ERASED } from './erased.js';
import { MasterKey } from './master-key.js';
import { PiiSubjectErased, PiiSubjectIdInvalid, PiiSubjectKeyMissing } from './pii-errors.js';
import { openField, sealField, type OpenedFields, type SealedFields } from './sealed-field.js';
import { SubjectKeyCache, type CachedSubjectKey } from './subject-key-cache.js';
import {
  createSubjectKeyTable,
  eraseSubjectKey,
  insertSubjectKeyIfAbsent,
  readSubjectKey,
} from './subject-keys.table.js';

export interface PiiVaultOptions {
  /**
   * How long an unwrapped key stays in memory after it was read from the table (default 60 000). An erasure
   * made through this vault takes effect here at once; one made through another instance is seen here at most
   * this long after it, as this instance may still hold the key in memory until then.
   */
  readonly cacheTtlMs?: number;
  /** Most unwrapped keys held at once (default 10 000), least recently used dropped first. */
  readonly cacheSize?: number;
  readonly clock?: Clock;
}

export type SubjectStatus = 'active' | 'erased' | 'unknown';

export type EraseResult = 'erased' | 'already-erased' | 'unknown';

/**
 * Encrypts the personal fields of event data with a data key per subject, kept outside the event log in the
 * read-model database and wrapped by a master key. Erasing the subject deletes the key: every copy of its fields,
 * in events, snapshots and backups of the log, becomes unreadable, and `open` answers `ERASED` for each.
 */
export class PiiVault {
  private readonly masterKey: MasterKey;
  private readonly cache: SubjectKeyCache;
  private readonly clock: Clock;
  /** Bumped by every erasure here, so a key read from the table just before one is not cached after it. */
  private erasures = 0;

  constructor(
    private readonly readModels: ReadModelDatabase,
    masterKey: Buffer,
    options: PiiVaultOptions = {},
  ) {
    this.masterKey = new MasterKey(masterKey);
    this.cache = new SubjectKeyCache(options.cacheSize ?? 10_000, options.cacheTtlMs ?? 60_000);
    this.clock = options.clock ?? systemClock;
  }

  /** The public fingerprint of the configured master key, for operators matching configuration to key rows. */
  get masterKeyId(): string {
    return this.masterKey.id;
  }

  setup(): Promise<void> {
    return this.readModels.migrate(createSubjectKeyTable);
  }

  /** Encrypts every value of `fields`, creating the subject's data key on first use. */
  async seal<T extends Record<string, JsonValue>>(subjectId: string, fields: T): Promise<SealedFields<T>> {
    const subject = await this.subjectKey(subjectId, 'create');
    if (subject.state !== 'active') throw new PiiSubjectErased();
    return mapFields(fields, (field, value) =>
      sealField(subject.key, subjectId, field, value),
    ) as SealedFields<T>;
  }

  /** Decrypts every field, or gives `ERASED` for each when the subject's key has been erased. */
  async open<T extends Record<string, JsonValue>>(
    subjectId: string,
    sealed: SealedFields<T>,
  ): Promise<OpenedFields<T>> {
    const subject = await this.subjectKey(subjectId, 'read');
    if (subject.state === 'unknown') throw new PiiSubjectKeyMissing();
    const key = subject.state === 'active' ? subject.key : undefined;
    return mapFields(sealed as Record<string, unknown>, (field, value) =>
      key ? openField(key, subjectId, field, value) : ERASED,
    ) as OpenedFields<T>;
  }

  /** Deletes the subject's data key and leaves a tombstone, so the subject can never be given a new one. */
  async erase(subjectId: string): Promise<EraseResult> {
    assertSubjectId(subjectId);
    if (await eraseSubjectKey(this.readModels.db, subjectId, this.clock.now())) {
      this.forgetKey(subjectId);
      return 'erased';
    }
    const row = await readSubjectKey(this.readModels.db, subjectId);
    if (row.state === 'erased') {
      this.forgetKey(subjectId);
      return 'already-erased';
    }
    // A concurrent first `seal` created the key between the update and the read: erase that key.
    return row.state === 'active' ? this.erase(subjectId) : 'unknown';
  }

  /** Read from the table, not the cache, so it is current across instances. */
  async status(subjectId: string): Promise<SubjectStatus> {
    assertSubjectId(subjectId);
    return (await readSubjectKey(this.readModels.db, subjectId)).state;
  }

  private forgetKey(subjectId: string): void {
    this.erasures += 1;
    this.cache.set(subjectId, { state: 'erased' }, this.clock.now().getTime());
  }

  private async subjectKey(
    subjectId: string,
    mode: 'create' | 'read',
  ): Promise<CachedSubjectKey | { state: 'unknown' }> {
    assertSubjectId(subjectId);
    const cached = this.cache.get(subjectId, this.clock.now().getTime());
    if (cached) return cached;
    const erasuresBefore = this.erasures;
    const loaded = await this.loadKey(subjectId, mode);
    if (loaded.state !== 'unknown' && this.erasures === erasuresBefore) {
      this.cache.set(subjectId, loaded, this.clock.now().getTime());
    }
    return loaded;
  }

  private async loadKey(
    subjectId: string,
    mode: 'create' | 'read',
  ): Promise<CachedSubjectKey | { state: 'unknown' }> {
    const db = this.readModels.db;
    let row = await readSubjectKey(db, subjectId);
    if (row.state === 'unknown' && mode === 'create') {
      // Insert-if-absent, then read back: when two first uses race, both end up with the one key that won.
      await insertSubjectKeyIfAbsent(
        db,
        subjectId,
        this.masterKey.wrapNewDataKey(subjectId),
        this.clock.now(),
      );
      row = await readSubjectKey(db, subjectId);
    }
    return row.state === 'active'
      ? { state: 'active', key: this.masterKey.unwrap(subjectId, row.wrappedKey) }
      : row;
  }
}

function assertSubjectId(subjectId: string): void {
  if (typeof subjectId !== 'string' || subjectId.length === 0 || subjectId.length > 200) {
    throw new PiiSubjectIdInvalid();
  }
}

// fromEntries defines own properties, so even a field named `__proto__` stays a field.
function mapFields<V, R>(fields: Record<string, V>, map: (field: string, value: V) => R): Record<string, R> {
  return Object.fromEntries(Object.entries(fields).map(([field, value]) => [field, map(field, value)]));
}
