import type { Kysely } from 'kysely';
import { countKey, departmentDimension } from './metric-keys.js';
import type { MetricTables } from './metric-tables.js';
import { addTo, chunks } from './metric-writes.js';

/** Whose department a count goes to: an e-service's, a consent's participants', or participants'. */
export type DepartmentOwner =
  { readonly eservice: string } | { readonly consent: string } | { readonly participants: readonly string[] };

/**
 * Department counts of a batch whose department the batch did not know when the event happened: they are
 * resolved at the write, from the read model as it stood before the batch (e-services, consents) or as this
 * batch leaves it (participants, who register before they take part). Any split of the log into batches then
 * gives the same rows.
 */
export class DepartmentLookups {
  /** `kind \0 owner \0 metric \0 day \0 detail` → count; participant owners are joined with spaces (slugs have none). */
  private readonly pending = new Map<string, number>();

  await(owner: DepartmentOwner, metric: string, day: string, detail: string): void {
    const [kind, id] =
      'eservice' in owner
        ? ['e', owner.eservice]
        : 'consent' in owner
          ? ['c', owner.consent]
          : ['p', owner.participants.join(' ')];
    addTo(this.pending, `${kind}\u0000${id}\u0000${metric}\u0000${day}\u0000${detail}`, 1);
  }

  /** The department counts, keyed as the batch's counts are. */
  async resolve(
    db: Kysely<MetricTables>,
    batchParticipants: ReadonlyMap<string, string>,
  ): Promise<Map<string, number>> {
    const resolved = new Map<string, number>();
    if (this.pending.size === 0) return resolved;
    const pending = [...this.pending].map(([key, count]) => {
      const [kind, id, metric, day, detail] = key.split('\u0000') as [string, string, string, string, string];
      return { kind, id, metric, day, detail, count };
    });
    const ids = (kind: string) => [...new Set(pending.filter((p) => p.kind === kind).map((p) => p.id))];
    const eservices = await lookUp(db, 'metric_eservices', 'client_id', ids('e'), (row) => row.department);
    const consents = await lookUp(db, 'metric_consents', 'consent_id', ids('c'), (row) => [
      row.consumer_id,
      row.provider_id,
    ]);
    const participantsOf = (p: (typeof pending)[number]): readonly string[] =>
      p.kind === 'p' ? p.id.split(' ') : p.kind === 'c' ? (consents.get(p.id) ?? []) : [];
    const unknown = [...new Set(pending.flatMap(participantsOf).filter((id) => !batchParticipants.has(id)))];
    const stored = await lookUp(
      db,
      'metric_participants',
      'participant_id',
      unknown,
      (row) => row.department,
    );
    for (const p of pending) {
      const departments =
        p.kind === 'e'
          ? [eservices.get(p.id)]
          : participantsOf(p).map((id) => batchParticipants.get(id) ?? stored.get(id));
      for (const department of new Set(departments)) {
        if (department !== undefined)
          addTo(resolved, countKey(p.metric, p.day, departmentDimension(department), p.detail), p.count);
      }
    }
    return resolved;
  }
}

async function lookUp<T extends 'metric_eservices' | 'metric_consents' | 'metric_participants', V>(
  db: Kysely<MetricTables>,
  table: T,
  key: keyof MetricTables[T] & string,
  ids: readonly string[],
  value: (row: MetricTables[T]) => V,
): Promise<Map<string, V>> {
  const found = new Map<string, V>();
  for (const chunk of chunks(ids, 500)) {
    const rows = (await db
      .selectFrom(table as 'metric_eservices')
      .selectAll()
      .where(key as 'client_id', 'in', chunk)
      .execute()) as unknown as MetricTables[T][];
    for (const row of rows) found.set(row[key] as string, value(row));
  }
  return found;
}
