import type { Kysely } from 'kysely';
import type { MetricTables } from './metric-tables.js';

export interface EServiceFacts {
  readonly clientId: string;
  readonly name?: string;
  readonly department?: string;
  readonly status?: string;
  readonly registeredDay?: string;
}

/** Adds counts keyed `metric \0 day \0 dimension \0 detail` to a counter table, in multi-row upserts. */
export async function upsertCounts(
  db: Kysely<MetricTables>,
  table: 'metric_daily_counts' | 'metric_monthly_counts',
  counts: ReadonlyMap<string, number>,
): Promise<void> {
  const rows = [...counts].map(([key, count]) => {
    const [metric, day, dimension, detail] = key.split('\u0000') as [string, string, string, string];
    return { metric, day, dimension, detail, count };
  });
  for (const chunk of chunks(rows, 1000)) {
    await db
      .insertInto(table as 'metric_daily_counts')
      .values(chunk)
      .onConflict((oc) =>
        oc
          .columns(['metric', 'dimension', 'day', 'detail'])
          .doUpdateSet((eb) => ({
            count: eb(eb.ref(`${table}.count` as 'metric_daily_counts.count'), '+', eb.ref('excluded.count')),
          })),
      )
      .execute();
  }
}

/** A registration inserts; a later change updates only what it carries, so an update never invents a row. */
export async function writeEService(db: Kysely<MetricTables>, facts: EServiceFacts): Promise<void> {
  const changes = {
    ...(facts.name !== undefined && { name: facts.name }),
    ...(facts.department !== undefined && { department: facts.department }),
    ...(facts.status !== undefined && { status: facts.status }),
    ...(facts.registeredDay !== undefined && { registered_day: facts.registeredDay }),
  };
  if (facts.registeredDay !== undefined && facts.department !== undefined && facts.name !== undefined) {
    await db
      .insertInto('metric_eservices')
      .values({
        client_id: facts.clientId,
        name: facts.name,
        department: facts.department,
        status: facts.status ?? 'active',
        registered_day: facts.registeredDay,
      })
      .onConflict((oc) => oc.column('client_id').doUpdateSet(changes))
      .execute();
  } else if (Object.keys(changes).length > 0) {
    await db.updateTable('metric_eservices').set(changes).where('client_id', '=', facts.clientId).execute();
  }
}

export function addTo(counts: Map<string, number>, key: string, by: number): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
