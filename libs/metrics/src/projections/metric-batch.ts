import type { Kysely } from 'kysely';
import { periodOf } from '../queries/periods.js';
import { METRICS } from './metric-handlers.js';
import type { MetricTables } from './metric-tables.js';

export interface EServiceFacts {
  readonly clientId: string;
  readonly name?: string;
  readonly department?: string;
  readonly status?: string;
  readonly registeredDay?: string;
}

/** The dimension of a counter summed over every e-service, and over one department's. */
export const ALL_ESERVICES = '*';
export const departmentDimension = (department: string): string => `@${department}`;

/**
 * What one batch of events changes in the adoption read model, gathered in memory first: a thousand logins of
 * the same day and e-service become one upsert, not a thousand.
 */
export class MetricBatch {
  private readonly counts = new Map<string, number>();
  private readonly eservices = new Map<string, EServiceFacts>();
  private readonly active = new Set<string>();
  private readonly firstLogins = new Map<string, string>();
  /** Departments learnt from registrations earlier in this batch. */
  private readonly departments = new Map<string, string>();
  /** Per-e-service counts whose department is whatever the read model knew before this batch. */
  private readonly awaitingDepartment = new Map<string, number>();

  /** `at` is an ISO-8601 instant; counters are kept per UTC day. */
  count(metric: string, at: string, dimension = '', detail = '', by = 1): void {
    const key = `${metric}\u0000${dayOf(at)}\u0000${dimension}\u0000${detail}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  /**
   * Counts for the e-service, for its department (as registered when the event happened) and for all: the
   * dashboard's totals then read a row per day rather than one per e-service and day.
   */
  countForEService(metric: string, at: string, clientId: string, detail = ''): void {
    this.count(metric, at, clientId, detail);
    this.count(metric, at, ALL_ESERVICES, detail);
    const department = this.departments.get(clientId);
    if (department !== undefined) this.count(metric, at, departmentDimension(department), detail);
    else {
      const key = `${metric}\u0000${dayOf(at)}\u0000${clientId}\u0000${detail}`;
      this.awaitingDepartment.set(key, (this.awaitingDepartment.get(key) ?? 0) + 1);
    }
  }

  /** The e-service's first login: from then on it counts as integrated, not only registered. */
  firstLogin(clientId: string, at: string): void {
    const day = dayOf(at);
    const known = this.firstLogins.get(clientId);
    if (known === undefined || day < known) this.firstLogins.set(clientId, day);
  }

  /** The citizen used the platform at `at`: counted once for that day, that ISO week and that month. */
  citizenActive(citizenId: string, at: string): void {
    const day = dayOf(at);
    for (const period of activePeriods(day)) this.active.add(`${period}\u0000${citizenId}`);
  }

  /** Later facts about the same e-service within the batch override earlier ones, field by field. */
  eservice(facts: EServiceFacts): void {
    this.eservices.set(facts.clientId, { ...this.eservices.get(facts.clientId), ...facts });
    if (facts.department !== undefined) this.departments.set(facts.clientId, facts.department);
  }

  async write(db: Kysely<MetricTables>): Promise<void> {
    // Before this batch's registrations are written: the departments as they stood before the batch.
    await this.resolveDepartments(db);
    for (const facts of this.eservices.values()) await writeEService(db, facts);
    await this.writeActive(db);
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
    for (const [client_id, day] of this.firstLogins) {
      await db
        .insertInto('metric_eservice_first_logins')
        .values({ client_id, day })
        .onConflict((oc) =>
          oc.column('client_id').doUpdateSet({ day }).where('metric_eservice_first_logins.day', '>', day),
        )
        .execute();
    }
  }

  /**
   * Distinct active citizens are counted as they first appear in a period: the insert answers only the rows it
   * added, and those move the `active-citizens` counter, so no query ever counts distinct rows.
   */
  private async writeActive(db: Kysely<MetricTables>): Promise<void> {
    for (const rows of chunks([...this.active].map(splitPair), 1000)) {
      const added = await db
        .insertInto('metric_active_citizens')
        .values(rows.map(([period, citizen_id]) => ({ period, citizen_id })))
        .onConflict((oc) => oc.doNothing())
        .returning('period')
        .execute();
      for (const { period } of added) {
        const [granularity, day] = ACTIVE_PERIOD_OF[period[0]!]!(period);
        this.count(METRICS.activeCitizens, day, granularity);
      }
    }
  }

  private async resolveDepartments(db: Kysely<MetricTables>): Promise<void> {
    if (this.awaitingDepartment.size === 0) return;
    const pending = [...this.awaitingDepartment].map(([key, count]) => {
      const [metric, day, clientId, detail] = key.split('\u0000') as [string, string, string, string];
      return { metric, day, clientId, detail, count };
    });
    const clientIds = [...new Set(pending.map((p) => p.clientId))];
    const known = new Map<string, string>();
    for (const ids of chunks(clientIds, 500)) {
      const rows = await db
        .selectFrom('metric_eservices')
        .select(['client_id', 'department'])
        .where('client_id', 'in', ids)
        .execute();
      for (const row of rows) known.set(row.client_id, row.department);
    }
    for (const { metric, day, clientId, detail, count } of pending) {
      const department = known.get(clientId);
      if (department !== undefined) this.count(metric, day, departmentDimension(department), detail, count);
    }
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

/** Period keys of the active-citizen rows: `D2026-11-25`, `W2026-11-23` (the ISO week's Monday), `M2026-11-01`. */
function activePeriods(day: string): string[] {
  return [`D${day}`, `W${periodOf(day, 'week')}`, `M${day.slice(0, 7)}-01`];
}

const ACTIVE_PERIOD_OF: Record<string, (period: string) => [string, string]> = {
  D: (period) => ['day', period.slice(1)],
  W: (period) => ['week', period.slice(1)],
  M: (period) => ['month', period.slice(1)],
};

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
