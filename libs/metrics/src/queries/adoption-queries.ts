import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { READ_MODELS, type ReadModelDatabase } from '#libs/eventsourcing';
import { ALL_ESERVICES, departmentDimension } from '../projections/metric-keys.js';
import { BY_DEPARTMENT, METRICS, type MetricName } from '../projections/metric-handlers.js';
import type { MetricTables } from '../projections/metric-tables.js';
import {
  addDays,
  nextMonthStart,
  periodOf,
  periodsBetween,
  periodStart,
  wholeMonthsWithin,
  type Granularity,
} from './periods.js';

export interface DateRange {
  /** Inclusive UTC days, `YYYY-MM-DD`. */
  readonly from: string;
  readonly to: string;
  readonly department?: string | undefined;
}

export const SERIES = Object.values(METRICS);
export type SeriesName = MetricName;

export interface SeriesPoint {
  readonly period: string;
  readonly value: number;
}

/**
 * Whether a figure is a department's (the filter applied) or the whole platform's: with no filter, or because the
 * log does not say whose department it is (citizens, login request outcomes, active citizens, corporations).
 */
export type FigureScope = 'department' | 'platform-wide';

/** The summary's figures that are platform-wide whatever the department filter. */
export const PLATFORM_WIDE_FIGURES = [
  'registeredCitizens',
  'registrationsInRange',
  'loginRequestsByOutcome',
  'dailyActiveCitizens',
  'monthlyActiveCitizens',
  'corporate',
] as const satisfies readonly (keyof AdoptionSummary)[];

export interface AdoptionSummary {
  readonly range: { from: string; to: string; department: string | null };
  /**
   * The figures below that a department filter does not narrow: said outright, so that a department's page never
   * shows a platform total as if it were the department's.
   */
  readonly platformWide: readonly (typeof PLATFORM_WIDE_FIGURES)[number][];
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
  readonly corporate: CorporateFigures;
  readonly consents: ConsentFigures;
}

/** In the range; platform-wide: corporations, their representatives and their signatures have no department. */
export interface CorporateFigures {
  readonly corporations: { registered: number; suspended: number; dissolved: number };
  readonly representatives: { appointed: number; revoked: number };
  readonly signatures: number;
  /** Seal signatures the platform timestamped. */
  readonly sealsTimestamped: number;
  /** By `INDICATION` or `INDICATION/SUB_INDICATION`. */
  readonly verificationsByResult: Record<string, number>;
}

/** In the range; with a department filter, the consents and exchanges whose consumer or provider is the department's. */
export interface ConsentFigures {
  /** Every status transition in the range, in the order of a consent's life. */
  readonly funnel: { status: ConsentStep; count: number }[];
  readonly exchanges: number;
  readonly exchangesByProvider: Record<string, number>;
  readonly exchangesByConsumer: Record<string, number>;
  readonly refusedExchangesByReason: Record<string, number>;
  readonly failedExchanges: number;
}

export const CONSENT_STEPS = [
  'requested',
  'approved',
  'rejected',
  'paused',
  'resumed',
  'revoked',
  'expired',
] as const;
export type ConsentStep = (typeof CONSENT_STEPS)[number];

const CONSENT_STEP_METRICS: Record<ConsentStep, MetricName> = {
  requested: METRICS.consentsRequested,
  approved: METRICS.consentsApproved,
  rejected: METRICS.consentsRejected,
  paused: METRICS.consentsPaused,
  resumed: METRICS.consentsResumed,
  revoked: METRICS.consentsRevoked,
  expired: METRICS.consentsExpired,
};

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

type CountsQuery = SelectQueryBuilder<MetricTables, 'metric_daily_counts', object>;
type CountKey = 'dimension' | 'detail';

/**
 * Answers from the counters only: the size of the log never shows in a query's cost. Totals over a range read
 * the monthly roll-ups for its whole months and the daily counters for the days at either end.
 */
@Injectable()
export class AdoptionQueries {
  private readonly db: Kysely<MetricTables>;

  constructor(@Inject(READ_MODELS) readModels: ReadModelDatabase) {
    this.db = readModels.db as Kysely<MetricTables>;
  }

  async summary(range: DateRange): Promise<AdoptionSummary> {
    const everUpTo = { from: '0000-01-01', to: range.to };
    const [
      registered,
      verified,
      inRange,
      logins,
      failures,
      requests,
      claims,
      dau,
      mau,
      departments,
      corporate,
      consents,
    ] = await Promise.all([
      this.byDimension(METRICS.citizensRegistered, everUpTo),
      this.total(METRICS.identityVerified, everUpTo),
      this.total(METRICS.citizensRegistered, range),
      this.total(METRICS.logins, range),
      this.byDetail(METRICS.loginFailures, range),
      this.byDimension(METRICS.loginRequests, range),
      this.byDetail(METRICS.claimsReleased, range),
      this.activeOn('day', range.to),
      this.activeOn('month', `${range.to.slice(0, 7)}-01`),
      this.adoptionByDepartment(range),
      this.corporate(range),
      this.consents(range),
    ]);
    const basic = (registered['basic'] ?? 0) - verified;
    const plus = (registered['plus'] ?? 0) + verified;
    const eservicesRegistered = sum([...departments.values()].map((d) => d.registered));
    const eservicesIntegrated = sum([...departments.values()].map((d) => d.integrated));
    return {
      range: { from: range.from, to: range.to, department: range.department ?? null },
      platformWide: PLATFORM_WIDE_FIGURES,
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
      corporate,
      consents,
    };
  }

  private async corporate(range: DateRange): Promise<CorporateFigures> {
    const [
      registered,
      suspended,
      dissolved,
      appointed,
      revoked,
      signatures,
      sealsTimestamped,
      verifications,
    ] = await Promise.all([
      this.total(METRICS.corporationsRegistered, range),
      this.total(METRICS.corporationsSuspended, range),
      this.total(METRICS.corporationsDissolved, range),
      this.total(METRICS.representativesAppointed, range),
      this.total(METRICS.representativesRevoked, range),
      this.total(METRICS.signatures, range),
      this.total(METRICS.sealsTimestamped, range),
      this.sums(METRICS.signatureVerifications, range, ['dimension', 'detail']),
    ]);
    return {
      corporations: { registered, suspended, dissolved },
      representatives: { appointed, revoked },
      signatures,
      sealsTimestamped,
      verificationsByResult: Object.fromEntries(
        [...verifications].map(([key, value]) => {
          const [indication, subIndication] = key.split('\u0000') as [string, string];
          return [subIndication === '' ? indication : `${indication}/${subIndication}`, value];
        }),
      ),
    };
  }

  private async consents(range: DateRange): Promise<ConsentFigures> {
    const [steps, exchanges, refused, failed] = await Promise.all([
      Promise.all(CONSENT_STEPS.map((status) => this.total(CONSENT_STEP_METRICS[status], range))),
      this.byDetail(METRICS.exchanges, range),
      this.byDetail(METRICS.exchangesRefused, range),
      this.total(METRICS.exchangesFailed, range),
    ]);
    const byProvider: Record<string, number> = {};
    const byConsumer: Record<string, number> = {};
    for (const [pair, count] of Object.entries(exchanges)) {
      const [provider, consumer] = pair.split('/') as [string, string];
      byProvider[provider] = (byProvider[provider] ?? 0) + count;
      byConsumer[consumer] = (byConsumer[consumer] ?? 0) + count;
    }
    return {
      funnel: CONSENT_STEPS.map((status, i) => ({ status, count: steps[i]! })),
      exchanges: sum(Object.values(exchanges)),
      exchangesByProvider: byProvider,
      exchangesByConsumer: byConsumer,
      refusedExchangesByReason: refused,
      failedExchanges: failed,
    };
  }

  /** `department` for a counter a department filter narrows, when there is one; `platform-wide` otherwise. */
  scopeOf(name: SeriesName, range: DateRange): FigureScope {
    return range.department !== undefined && BY_DEPARTMENT.has(name) ? 'department' : 'platform-wide';
  }

  async series(name: SeriesName, range: DateRange, granularity: Granularity): Promise<SeriesPoint[]> {
    const values = new Map<string, number>(
      periodsBetween(range.from, range.to, granularity).map((p) => [p, 0]),
    );
    const rows =
      name === METRICS.activeCitizens
        ? await this.activeSeries(range, granularity)
        : await this.ofScope(this.dailyCounts(name, range), name, range)
            .select(['day', (eb) => eb.fn.sum<number | string>('count').as('value')])
            .groupBy('day')
            .execute();
    for (const row of rows) {
      const period = periodOf(row.day, granularity);
      values.set(period, (values.get(period) ?? 0) + Number(row.value));
    }
    return [...values].map(([period, value]) => ({ period, value }));
  }

  async departments(range: DateRange): Promise<DepartmentAdoption[]> {
    const [adoption, logins, failures] = await Promise.all([
      this.adoptionByDepartment(range),
      this.perDepartment(METRICS.logins, range),
      this.perDepartment(METRICS.loginFailures, range),
    ]);
    return [...adoption]
      .map(([department, { registered, integrated }]) => ({
        department,
        eservicesRegistered: registered,
        eservicesIntegrated: integrated,
        adoptionRate: ratio(integrated, registered),
        logins: logins.get(department) ?? 0,
        loginFailures: failures.get(department) ?? 0,
      }))
      .sort((a, b) => b.logins - a.logins || a.department.localeCompare(b.department));
  }

  /** E-services registered by `to`, busiest first. */
  async eservices(range: DateRange): Promise<EServiceUsage[]> {
    const rows = await this.registeredEServices(range)
      .select(['e.client_id', 'e.name', 'e.department', 'e.status'])
      .execute();
    const clientIds = rows.map((row) => row.client_id);
    const [logins, failures] = await Promise.all([
      this.perEService(METRICS.logins, range, clientIds),
      this.perEService(METRICS.loginFailures, range, clientIds),
    ]);
    return rows
      .map((row) => ({
        clientId: row.client_id,
        name: row.name,
        department: row.department,
        status: row.status,
        logins: logins.get(row.client_id) ?? 0,
        loginFailures: failures.get(row.client_id) ?? 0,
      }))
      .sort((a, b) => b.logins - a.logins || a.clientId.localeCompare(b.clientId));
  }

  private registeredEServices(range: DateRange) {
    let query = this.db.selectFrom('metric_eservices as e').where('e.registered_day', '<=', range.to);
    if (range.department !== undefined) query = query.where('e.department', '=', range.department);
    return query;
  }

  /** Per department: e-services registered by `to`, and those among them with a login by `to`. */
  private async adoptionByDepartment(
    range: DateRange,
  ): Promise<Map<string, { registered: number; integrated: number }>> {
    const rows = await this.registeredEServices(range)
      .leftJoin('metric_eservice_first_logins as f', (join) =>
        join.onRef('f.client_id', '=', 'e.client_id').on('f.day', '<=', range.to),
      )
      .select([
        'e.department',
        (eb) => eb.fn.countAll<number | string>().as('registered'),
        (eb) => eb.fn.count<number | string>('f.client_id').as('integrated'),
      ])
      .groupBy('e.department')
      .execute();
    return new Map(
      rows.map((r) => [r.department, { registered: Number(r.registered), integrated: Number(r.integrated) }]),
    );
  }

  private dailyCounts(metric: MetricName, range: DateRange): CountsQuery {
    return this.db
      .selectFrom('metric_daily_counts')
      .where('metric', '=', metric)
      .where('day', '>=', range.from)
      .where('day', '<=', range.to);
  }

  /**
   * The rows of a counter kept in all and per department: the one summed over all e-services or participants,
   * or over the department's, so a year costs a row per day (or month), not one per e-service and day.
   */
  private ofScope(query: CountsQuery, metric: MetricName, range: DateRange): CountsQuery {
    if (!BY_DEPARTMENT.has(metric)) return query;
    return query.where(
      'dimension',
      '=',
      range.department === undefined ? ALL_ESERVICES : departmentDimension(range.department),
    );
  }

  /**
   * A counter summed over the range, by the columns `by` (keys joined with NUL): the whole months from the
   * monthly roll-ups, the days before and after them from the daily counters.
   */
  private async sums(
    metric: MetricName,
    range: DateRange,
    by: readonly CountKey[],
    narrow: (query: CountsQuery) => CountsQuery = (query) => this.ofScope(query, metric, range),
  ): Promise<Map<string, number>> {
    const months = wholeMonthsWithin(range.from, range.to);
    const parts: { table: 'metric_daily_counts' | 'metric_monthly_counts'; from: string; to: string }[] =
      months
        ? [
            { table: 'metric_daily_counts', from: range.from, to: addDays(months.first, -1) },
            { table: 'metric_monthly_counts', from: months.first, to: months.last },
            { table: 'metric_daily_counts', from: nextMonthStart(months.last), to: range.to },
          ]
        : [{ table: 'metric_daily_counts', from: range.from, to: range.to }];
    const results = await Promise.all(
      parts
        .filter((part) => part.from <= part.to)
        .map((part) => {
          // Both tables have the same columns: the monthly one's `day` is the month's first.
          const query = narrow(
            this.db
              .selectFrom(part.table as 'metric_daily_counts')
              .where('metric', '=', metric)
              .where('day', '>=', part.from)
              .where('day', '<=', part.to),
          ).select([...by, (eb) => eb.fn.sum<number | string>('count').as('value')]);
          return (by.length > 0 ? query.groupBy([...by]) : query).execute();
        }),
    );
    const sums = new Map<string, number>();
    for (const row of results.flat()) {
      if (row.value === null) continue;
      const key = by.map((column) => (row as Record<CountKey, string>)[column]).join('\u0000');
      sums.set(key, (sums.get(key) ?? 0) + Number(row.value));
    }
    return sums;
  }

  private async total(metric: MetricName, range: DateRange): Promise<number> {
    return (await this.sums(metric, range, [])).get('') ?? 0;
  }

  private async byDimension(metric: MetricName, range: DateRange): Promise<Record<string, number>> {
    return Object.fromEntries(await this.sums(metric, range, ['dimension']));
  }

  private async byDetail(metric: MetricName, range: DateRange): Promise<Record<string, number>> {
    return Object.fromEntries(await this.sums(metric, range, ['detail']));
  }

  /** E-services named one by one, like departments: each a short range of the key, whatever the statistics. */
  private async perEService(
    metric: MetricName,
    range: DateRange,
    clientIds: readonly string[],
  ): Promise<Map<string, number>> {
    if (clientIds.length === 0) return new Map();
    return this.sums(metric, range, ['dimension'], (query) => query.where('dimension', 'in', clientIds));
  }

  /**
   * Department rows are named one by one (`@DAA`, `@DAB`...): each is a short range of the counters' key,
   * where a pattern match would read every e-service's rows.
   */
  private async perDepartment(metric: MetricName, range: DateRange): Promise<Map<string, number>> {
    const departments =
      range.department !== undefined
        ? [range.department]
        : (await this.db.selectFrom('metric_eservices').select('department').distinct().execute()).map(
            (r) => r.department,
          );
    if (departments.length === 0) return new Map();
    const sums = await this.sums(metric, range, ['dimension'], (query) =>
      query.where('dimension', 'in', departments.map(departmentDimension)),
    );
    return new Map([...sums].map(([dimension, value]) => [dimension.slice(1), value]));
  }

  /** Distinct citizens active in the period starting on `day` (a day, a Monday, a month's first day). */
  private async activeOn(granularity: 'day' | 'month', day: string): Promise<number> {
    const row = await this.db
      .selectFrom('metric_daily_counts')
      .select('count')
      .where('metric', '=', METRICS.activeCitizens)
      .where('dimension', '=', granularity)
      .where('day', '=', day)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  /** Each period's own distinct count, kept by the projection: a week is not the sum of its days. */
  private activeSeries(range: DateRange, granularity: Granularity) {
    return this.db
      .selectFrom('metric_daily_counts')
      .select(['day', 'count as value'])
      .where('metric', '=', METRICS.activeCitizens)
      .where('dimension', '=', granularity)
      .where('day', '>=', periodStart(range.from, granularity))
      .where('day', '<=', range.to)
      .execute();
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}
