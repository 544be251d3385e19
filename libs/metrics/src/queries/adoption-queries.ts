import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import { READ_MODELS, type ReadModelDatabase } from '#libs/eventsourcing';
import { METRICS, type MetricName } from '../projections/metric-handlers.js';
import type { MetricTables } from '../projections/metric-tables.js';
import { addDays, periodOf, periodsBetween, type Granularity } from './periods.js';

export interface DateRange {
  /** Inclusive UTC days, `YYYY-MM-DD`. */
  readonly from: string;
  readonly to: string;
  readonly department?: string | undefined;
}

/** The counters plus distinct active citizens, which are not a sum of days. */
export const SERIES = [...Object.values(METRICS), 'active-citizens'] as const;
export type SeriesName = (typeof SERIES)[number];

export interface SeriesPoint {
  readonly period: string;
  readonly value: number;
}

export interface AdoptionSummary {
  readonly range: { from: string; to: string; department: string | null };
  /** All registrations up to `to`, by the level citizens have now (verifications move basic to plus). */
  readonly registeredCitizens: { total: number; basic: number; plus: number };
  readonly registrationsInRange: number;
  readonly logins: number;
  readonly loginFailures: number;
  readonly loginFailuresByReason: Record<string, number>;
  readonly loginRequestsByOutcome: Record<string, number>;
  readonly claimsReleased: Record<string, number>;
  /** Distinct citizens active on `to`, and in `to`'s month. */
  readonly dailyActiveCitizens: number;
  readonly monthlyActiveCitizens: number;
  readonly eservices: { registered: number; integrated: number; adoptionRate: number };
}

export interface DepartmentAdoption {
  readonly department: string;
  readonly eservicesRegistered: number;
  /** E-services with at least one login up to `to`: integrated with the platform, not only registered. */
  readonly eservicesIntegrated: number;
  readonly adoptionRate: number;
  readonly logins: number;
  readonly loginFailures: number;
}

export interface EServiceUsage {
  readonly clientId: string;
  readonly name: string;
  readonly department: string;
  readonly status: string;
  readonly logins: number;
  readonly loginFailures: number;
}

/** The metrics whose dimension is an e-service: those a department filter applies to. */
const PER_ESERVICE: ReadonlySet<string> = new Set([
  METRICS.logins,
  METRICS.loginFailures,
  METRICS.claimsReleased,
  METRICS.eservicesRegistered,
]);

/** Answers from the daily counters only: the size of the log never shows in a query's cost. */
@Injectable()
export class AdoptionQueries {
  private readonly db: Kysely<MetricTables>;

  constructor(@Inject(READ_MODELS) readModels: ReadModelDatabase) {
    this.db = readModels.db as Kysely<MetricTables>;
  }

  async summary(range: DateRange): Promise<AdoptionSummary> {
    const everUpTo = { from: '0000-01-01', to: range.to };
    const [registered, verified, inRange, logins, failures, requests, claims, dau, mau, departments] =
      await Promise.all([
        this.byDimension(METRICS.citizensRegistered, everUpTo),
        this.total(METRICS.identityVerified, everUpTo),
        this.total(METRICS.citizensRegistered, range),
        this.total(METRICS.logins, range),
        this.byDetail(METRICS.loginFailures, range),
        this.byDimension(METRICS.loginRequests, range),
        this.byDetail(METRICS.claimsReleased, range),
        this.distinctActive('metric_daily_active', 'day', range.to),
        this.distinctActive('metric_monthly_active', 'month', range.to.slice(0, 7)),
        this.departments(range),
      ]);
    const basic = (registered['basic'] ?? 0) - verified;
    const plus = (registered['plus'] ?? 0) + verified;
    const eservicesRegistered = sum(departments.map((d) => d.eservicesRegistered));
    const eservicesIntegrated = sum(departments.map((d) => d.eservicesIntegrated));
    return {
      range: { from: range.from, to: range.to, department: range.department ?? null },
      registeredCitizens: { total: basic + plus, basic, plus },
      registrationsInRange: inRange,
      logins,
      loginFailures: sum(Object.values(failures)),
      loginFailuresByReason: failures,
      loginRequestsByOutcome: requests,
      claimsReleased: claims,
      dailyActiveCitizens: dau,
      monthlyActiveCitizens: mau,
      eservices: {
        registered: eservicesRegistered,
        integrated: eservicesIntegrated,
        adoptionRate: ratio(eservicesIntegrated, eservicesRegistered),
      },
    };
  }

  async series(name: SeriesName, range: DateRange, granularity: Granularity): Promise<SeriesPoint[]> {
    const values = new Map<string, number>(
      periodsBetween(range.from, range.to, granularity).map((p) => [p, 0]),
    );
    if (name === 'active-citizens') {
      for (const [period, value] of await this.activeSeries(range, granularity)) values.set(period, value);
    } else {
      const rows = await this.counts(name, range)
        .select(['day', (eb) => eb.fn.sum<number | string>('count').as('value')])
        .groupBy('day')
        .execute();
      for (const row of rows) {
        const period = periodOf(row.day, granularity);
        values.set(period, (values.get(period) ?? 0) + Number(row.value));
      }
    }
    return [...values].map(([period, value]) => ({ period, value }));
  }

  async departments(range: DateRange): Promise<DepartmentAdoption[]> {
    const services = await this.eservices(range);
    const byDepartment = new Map<string, DepartmentAdoption>();
    for (const service of services) {
      const current = byDepartment.get(service.department) ?? {
        department: service.department,
        eservicesRegistered: 0,
        eservicesIntegrated: 0,
        adoptionRate: 0,
        logins: 0,
        loginFailures: 0,
      };
      const registered = current.eservicesRegistered + 1;
      const integrated = current.eservicesIntegrated + (service.integrated ? 1 : 0);
      byDepartment.set(service.department, {
        ...current,
        eservicesRegistered: registered,
        eservicesIntegrated: integrated,
        adoptionRate: ratio(integrated, registered),
        logins: current.logins + service.logins,
        loginFailures: current.loginFailures + service.loginFailures,
      });
    }
    return [...byDepartment.values()].sort(
      (a, b) => b.logins - a.logins || a.department.localeCompare(b.department),
    );
  }

  /** E-services registered by `to`, busiest first. */
  async eservices(range: DateRange): Promise<(EServiceUsage & { integrated: boolean })[]> {
    let services = this.db
      .selectFrom('metric_eservices')
      .select(['client_id', 'name', 'department', 'status'])
      .where('registered_day', '<=', range.to);
    if (range.department !== undefined) services = services.where('department', '=', range.department);
    const [rows, logins, failures, everUsed] = await Promise.all([
      services.execute(),
      this.perEService(METRICS.logins, range),
      this.perEService(METRICS.loginFailures, range),
      this.perEService(METRICS.logins, { ...range, from: '0000-01-01' }),
    ]);
    return rows
      .map((row) => ({
        clientId: row.client_id,
        name: row.name,
        department: row.department,
        status: row.status,
        logins: logins.get(row.client_id) ?? 0,
        loginFailures: failures.get(row.client_id) ?? 0,
        integrated: (everUsed.get(row.client_id) ?? 0) > 0,
      }))
      .sort((a, b) => b.logins - a.logins || a.clientId.localeCompare(b.clientId));
  }

  private counts(metric: MetricName, range: DateRange) {
    let query = this.db
      .selectFrom('metric_daily_counts')
      .where('metric', '=', metric)
      .where('day', '>=', range.from)
      .where('day', '<=', range.to);
    if (range.department !== undefined && PER_ESERVICE.has(metric)) {
      const department = range.department;
      query = query.where('dimension', 'in', (eb) =>
        eb.selectFrom('metric_eservices').select('client_id').where('department', '=', department),
      );
    }
    return query;
  }

  private async total(metric: MetricName, range: DateRange): Promise<number> {
    const row = await this.counts(metric, range)
      .select((eb) => eb.fn.sum<number | string | null>('count').as('value'))
      .executeTakeFirst();
    return Number(row?.value ?? 0);
  }

  private async byDimension(metric: MetricName, range: DateRange): Promise<Record<string, number>> {
    const rows = await this.counts(metric, range)
      .select(['dimension as key', (eb) => eb.fn.sum<number | string>('count').as('value')])
      .groupBy('dimension')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.key, Number(r.value)]));
  }

  private async byDetail(metric: MetricName, range: DateRange): Promise<Record<string, number>> {
    const rows = await this.counts(metric, range)
      .select(['detail as key', (eb) => eb.fn.sum<number | string>('count').as('value')])
      .groupBy('detail')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.key, Number(r.value)]));
  }

  private async perEService(metric: MetricName, range: DateRange): Promise<Map<string, number>> {
    const rows = await this.counts(metric, range)
      .select(['dimension as key', (eb) => eb.fn.sum<number | string>('count').as('value')])
      .groupBy('dimension')
      .execute();
    return new Map(rows.map((r) => [r.key, Number(r.value)]));
  }

  private async distinctActive(
    table: 'metric_daily_active' | 'metric_monthly_active',
    column: 'day' | 'month',
    value: string,
  ): Promise<number> {
    const row = await this.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('value'))
      .where(column, '=', value)
      .executeTakeFirst();
    return Number(row?.value ?? 0);
  }

  /**
   * Distinct citizens per period: per day and per month from their own tables; a week is counted over its
   * days' rows (at most seven days per period).
   */
  private async activeSeries(range: DateRange, granularity: Granularity): Promise<[string, number][]> {
    if (granularity === 'month') {
      const rows = await this.db
        .selectFrom('metric_monthly_active')
        .select(['month as period', (eb) => eb.fn.countAll<number | string>().as('value')])
        .where('month', '>=', range.from.slice(0, 7))
        .where('month', '<=', range.to.slice(0, 7))
        .groupBy('month')
        .execute();
      return rows.map((r) => [r.period, Number(r.value)]);
    }
    if (granularity === 'day') {
      const rows = await this.db
        .selectFrom('metric_daily_active')
        .select(['day as period', (eb) => eb.fn.countAll<number | string>().as('value')])
        .where('day', '>=', range.from)
        .where('day', '<=', range.to)
        .groupBy('day')
        .execute();
      return rows.map((r) => [r.period, Number(r.value)]);
    }
    const weeks = periodsBetween(range.from, range.to, 'week');
    return Promise.all(
      weeks.map(async (monday, i): Promise<[string, number]> => {
        const first = i === 0 ? range.from : monday;
        const last = i === weeks.length - 1 ? range.to : addDays(weeks[i + 1]!, -1);
        const row = await this.db
          .selectFrom('metric_daily_active')
          .select(sql<number | string>`count(distinct citizen_id)`.as('value'))
          .where('day', '>=', first)
          .where('day', '<=', last)
          .executeTakeFirst();
        return [monday, Number(row?.value ?? 0)];
      }),
    );
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}
