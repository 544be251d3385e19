import type { KeyObject } from 'node:crypto';

export type CachedSubjectKey =
  { readonly state: 'active'; readonly key: KeyObject } | { readonly state: 'erased' };

interface Entry {
  readonly value: CachedSubjectKey;
  /** Epoch ms; erasures never expire, as a subject never comes back from one. */
  readonly expiresAt: number;
}

/**
 * Unwrapped data keys, least recently used evicted first. A key expires `ttlMs` after it was read from the
 * table whatever its use, which bounds how long another instance's erasure can go unnoticed here.
 */
export class SubjectKeyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
  ) {}

  get(subjectId: string, now: number): CachedSubjectKey | undefined {
    const entry = this.entries.get(subjectId);
    if (!entry) return undefined;
    this.entries.delete(subjectId);
    if (entry.expiresAt <= now) return undefined;
    // Re-inserting moves the entry to the end of the Map's insertion order, which is the LRU order.
    this.entries.set(subjectId, entry);
    return entry.value;
  }

  set(subjectId: string, value: CachedSubjectKey, now: number): void {
    this.entries.delete(subjectId);
    const expiresAt = value.state === 'erased' ? Infinity : now + this.ttlMs;
    this.entries.set(subjectId, { value, expiresAt });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
