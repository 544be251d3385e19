import type { Kysely } from 'kysely';
import type { MetricTables } from './metric-tables.js';

export interface EServiceFacts {
  readonly clientId: string;
  readonly name?: string;
  readonly department?: string;
  readonly status?: string;
  readonly registeredDay?: string;
}

/**
 * What one batch of events changes in the adoption read model, gathered in memory first: a thousand logins of
 * the same day and e-service become one upsert, not a thousand.
 */
export class MetricBatch {
  private readonly counts = new Map<string, number>();
  private readonly eservices = new Map<string, EServiceFacts>();
  private readonly dailyActive = new Set<string>();
  private readonly monthlyActive = new Set<string>();

  /** `at` is an ISO-8601 instant; counters are kept per UTC day. */
  count(metric: string, at: string, dimension = '', detail = '', by = 1): void {
    const key = `${metric}\u0000${dayOf(at)}\u0000${dimension}\u0000${detail}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  active(citizenId: string, at: string): void {
    this.dailyActive.add(`${dayOf(at)}\u0000${citizenId}`);
    this.monthlyActive.add(`${at.slice(0, 7)}\u0000${citizenId}`);
  }

  /** Later facts about the same e-service within the batch override earlier ones, field by field. */
  eservice(facts: EServiceFacts): void {
    this.eservices.set(facts.clientId, { ...this.eservices.get(facts.clientId), ...facts });
  }

  async write(db: Kysely<MetricTables>): Promise<void> {
    for (const rows of chunks(this.countRows(), 400)) {
      await db
        .insertInto('metric_daily_counts')
        .values(rows)
        .onConflict((oc) =>
          oc
            .columns(['metric', 'day', 'dimension', 'detail'])
            .doUpdateSet((eb) => ({ count: eb('metric_daily_counts.count', '+', eb.ref('excluded.count')) })),
        )
        .execute();
    }
    for (const rows of chunks([...this.dailyActive].map(splitPair), 1000)) {
      await db
        .insertInto('metric_daily_active')
        .values(rows.map(([day, citizen_id]) => ({ day, citizen_id })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    for (const rows of chunks([...this.monthlyActive].map(splitPair), 1000)) {
      await db
        .insertInto('metric_monthly_active')
        .values(rows.map(([month, citizen_id]) => ({ month, citizen_id })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    for (const facts of this.eservices.values()) await writeEService(db, facts);
  }

  private countRows(): MetricTables['metric_daily_counts'][] {
    return [...this.counts].map(([key, count]) => {
      const [metric, day, dimension, detail] = key.split('\u0000') as [string, string, string, string];
      return { metric, day, dimension, detail, count };
    });
  }
}

/** A registration inserts; a later change updates only what it carries, so an update never invents a row. */
async function writeEService(db: Kysely<MetricTables>, facts: EServiceFacts): Promise<void> {
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

export function dayOf(at: string): string {
  return at.slice(0, 10);
}

function splitPair(key: string): [string, string] {
  const separator = key.indexOf('\u0000');
  return [key.slice(0, separator), key.slice(separator + 1)];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
