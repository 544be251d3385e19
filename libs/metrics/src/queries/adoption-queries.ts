import { Inject, Injectable } from '@nestjs/common';
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
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

/** The counters the summary sums over its range: all of them in one query per part of the range. */
const SUMMARY_COUNTERS: readonly MetricName[] = [
  METRICS.citizensRegistered,
  METRICS.logins,
  METRICS.loginFailures,
  METRICS.loginRequests,
  METRICS.claimsReleased,
  METRICS.corporationsRegistered,
  METRICS.corporationsSuspended,
  METRICS.corporationsDissolved,
  METRICS.representativesAppointed,
  METRICS.representativesRevoked,
  METRICS.signatures,
  METRICS.sealsTimestamped,
  METRICS.signatureVerifications,
  ...CONSENT_STEPS.map((status) => CONSENT_STEP_METRICS[status]),
  METRICS.exchanges,
  METRICS.exchangesRefused,
  METRICS.exchangesFailed,
];

/** The counters of the departments' and the e-services' tables. */
const LOGIN_COUNTERS: readonly MetricName[] = [METRICS.logins, METRICS.loginFailures];

type CountsWhere = ExpressionBuilder<MetricTables, 'metric_daily_counts'>;
/** Which rows of the counters a query reads, by metric and dimension. */
type CountRows = (eb: CountsWhere) => Expression<SqlBool>;

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
    const [ever, counters, dau, mau, departments] = await Promise.all([
      this.counters({ from: '0000-01-01', to: range.to }, [
        METRICS.citizensRegistered,
        METRICS.identityVerified,
      ]),
      this.counters(range, SUMMARY_COUNTERS),
      this.activeOn('day', range.to),
      this.activeOn('month', `${range.to.slice(0, 7)}-01`),
      this.adoptionByDepartment(range),
    ]);
    const registered = ever.byDimension(METRICS.citizensRegistered);
    const verified = ever.total(METRICS.identityVerified);
    const basic = (registered['basic'] ?? 0) - verified;
    const plus = (registered['plus'] ?? 0) + verified;
    const failures = counters.byDetail(METRICS.loginFailures);
    const eservicesRegistered = sum([...departments.values()].map((d) => d.registered));
    const eservicesIntegrated = sum([...departments.values()].map((d) => d.integrated));
    return {
      range: { from: range.from, to: range.to, department: range.department ?? null },
      platformWide: PLATFORM_WIDE_FIGURES,
      registeredCitizens: { total: basic + plus, basic, plus },
      registrationsInRange: counters.total(METRICS.citizensRegistered),
      logins: counters.total(METRICS.logins),
      loginFailures: sum(Object.values(failures)),
      loginFailuresByReason: failures,
      loginRequestsByOutcome: counters.byDimension(METRICS.loginRequests),
      claimsReleased: counters.byDetail(METRICS.claimsReleased),
      dailyActiveCitizens: dau,
      monthlyActiveCitizens: mau,
      eservices: {
        registered: eservicesRegistered,
        integrated: eservicesIntegrated,
        adoptionRate: ratio(eservicesIntegrated, eservicesRegistered),
      },
      corporate: corporateFigures(counters),
      consents: consentFigures(counters),
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
        : await this.db
            .selectFrom('metric_daily_counts')
            .select(['day', (eb) => eb.fn.sum<number | string>('count').as('value')])
            .where((eb) => inScope(eb, [name], range))
            .where('day', '>=', range.from)
            .where('day', '<=', range.to)
            .groupBy('day')
            .execute();
    for (const row of rows) {
      const period = periodOf(row.day, granularity);
      values.set(period, (values.get(period) ?? 0) + Number(row.value));
    }
    return [...values].map(([period, value]) => ({ period, value }));
  }

  async departments(range: DateRange): Promise<DepartmentAdoption[]> {
    const adoption = await this.adoptionByDepartment(range);
    if (adoption.size === 0) return [];
    const { logins, failures } = await this.loginsOf(range, [...adoption.keys()].map(departmentDimension));
    return [...adoption]
      .map(([department, { registered, integrated }]) => ({
        department,
        eservicesRegistered: registered,
        eservicesIntegrated: integrated,
        adoptionRate: ratio(integrated, registered),
        logins: logins[departmentDimension(department)] ?? 0,
        loginFailures: failures[departmentDimension(department)] ?? 0,
      }))
      .sort((a, b) => b.logins - a.logins || a.department.localeCompare(b.department));
  }

  /** E-services registered by `to`, busiest first. */
  async eservices(range: DateRange): Promise<EServiceUsage[]> {
    const rows = await this.registeredEServices(range)
      .select(['e.client_id', 'e.name', 'e.department', 'e.status'])
      .execute();
    if (rows.length === 0) return [];
    const { logins, failures } = await this.loginsOf(
      range,
      rows.map((row) => row.client_id),
    );
    return rows
      .map((row) => ({
        clientId: row.client_id,
        name: row.name,
        department: row.department,
        status: row.status,
        logins: logins[row.client_id] ?? 0,
        loginFailures: failures[row.client_id] ?? 0,
      }))
      .sort((a, b) => b.logins - a.logins || a.clientId.localeCompare(b.clientId));
  }

  /**
   * Logins and failed logins in the range per dimension, for `dimensions` (departments as `@DAA`, or e-services)
   * named one by one: each is a short range of the counters' key, where a pattern match would read every
   * e-service's rows, whatever the statistics.
   */
  private async loginsOf(range: DateRange, dimensions: readonly string[]) {
    const counters = await this.counters(range, LOGIN_COUNTERS, (eb) =>
      named(eb, LOGIN_COUNTERS, dimensions),
    );
    return {
      logins: counters.byDimension(METRICS.logins),
      failures: counters.byDimension(METRICS.loginFailures),
    };
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

  /**
   * Counters summed over the range, for many metrics at once: one query per part of the range (the whole months
   * from the monthly roll-ups, the days before and after them from the daily counters), summed here. The rows
   * read are the metrics' in the range's scope, or those `rows` names.
   */
  private async counters(
    range: DateRange,
    metrics: readonly MetricName[],
    rows: CountRows = (eb) => inScope(eb, metrics, range),
  ): Promise<CounterSums> {
    const results = await Promise.all(
      rangeParts(range).map((part) =>
        // Both tables have the same columns: the monthly one's `day` is the month's first.
        this.db
          .selectFrom(part.table as 'metric_daily_counts')
          .select(['metric', 'dimension', 'detail', (eb) => eb.fn.sum<number | string>('count').as('value')])
          .where(rows)
          .where('day', '>=', part.from)
          .where('day', '<=', part.to)
          .groupBy(['metric', 'dimension', 'detail'])
          .execute(),
      ),
    );
    return new CounterSums(results.flat());
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

/** A range as the counters hold it: whole months in the monthly roll-ups, the days at either end in the daily. */
function rangeParts(
  range: DateRange,
): { table: 'metric_daily_counts' | 'metric_monthly_counts'; from: string; to: string }[] {
  const months = wholeMonthsWithin(range.from, range.to);
  if (!months) return [{ table: 'metric_daily_counts', from: range.from, to: range.to }];
  return [
    { table: 'metric_daily_counts' as const, from: range.from, to: addDays(months.first, -1) },
    { table: 'metric_monthly_counts' as const, from: months.first, to: months.last },
    { table: 'metric_daily_counts' as const, from: nextMonthStart(months.last), to: range.to },
  ].filter((part) => part.from <= part.to);
}

/**
 * The metrics' rows in the range's scope: of a counter kept in all and per department, the row summed over all
 * e-services or participants, or over the department's, so a year costs a row per day (or month), not one per
 * e-service and day; of any other counter, all its rows.
 */
function inScope(eb: CountsWhere, metrics: readonly MetricName[], range: DateRange): Expression<SqlBool> {
  const scoped = metrics.filter((metric) => BY_DEPARTMENT.has(metric));
  const whole = metrics.filter((metric) => !BY_DEPARTMENT.has(metric));
  const dimension = range.department === undefined ? ALL_ESERVICES : departmentDimension(range.department);
  return eb.or([
    ...(whole.length > 0 ? [eb('metric', 'in', whole)] : []),
    ...(scoped.length > 0 ? [eb.and([eb('metric', 'in', scoped), eb('dimension', '=', dimension)])] : []),
  ]);
}

/** The metrics' rows of the dimensions named, one short range of the key each. */
function named(
  eb: CountsWhere,
  metrics: readonly MetricName[],
  dimensions: readonly string[],
): Expression<SqlBool> {
  return eb.and([eb('metric', 'in', metrics), eb('dimension', 'in', dimensions)]);
}

interface CountSum {
  readonly metric: string;
  readonly dimension: string;
  readonly detail: string;
  /** A SQL sum: a string from PostgreSQL's bigint. */
  readonly value: number | string;
}

/** Counters summed over the parts of a range, read by metric. */
class CounterSums {
  private readonly rows = new Map<string, CountSum[]>();

  constructor(rows: readonly CountSum[]) {
    for (const row of rows) {
      const ofMetric = this.rows.get(row.metric);
      if (ofMetric) ofMetric.push(row);
      else this.rows.set(row.metric, [row]);
    }
  }

  total(metric: MetricName): number {
    return sum((this.rows.get(metric) ?? []).map((row) => Number(row.value)));
  }

  /** The counter by a key of its rows: the parts of the range and the rows sharing a key add up. */
  by(metric: MetricName, key: (row: CountSum) => string): Record<string, number> {
    // A Map, not an object: a key is data from the log (a claim, a reason) and could be `__proto__`.
    const sums = new Map<string, number>();
    for (const row of this.rows.get(metric) ?? []) {
      const k = key(row);
      sums.set(k, (sums.get(k) ?? 0) + Number(row.value));
    }
    return Object.fromEntries(sums);
  }

  byDimension(metric: MetricName): Record<string, number> {
    return this.by(metric, (row) => row.dimension);
  }

  byDetail(metric: MetricName): Record<string, number> {
    return this.by(metric, (row) => row.detail);
  }
}

function corporateFigures(counters: CounterSums): CorporateFigures {
  return {
    corporations: {
      registered: counters.total(METRICS.corporationsRegistered),
      suspended: counters.total(METRICS.corporationsSuspended),
      dissolved: counters.total(METRICS.corporationsDissolved),
    },
    representatives: {
      appointed: counters.total(METRICS.representativesAppointed),
      revoked: counters.total(METRICS.representativesRevoked),
    },
    signatures: counters.total(METRICS.signatures),
    sealsTimestamped: counters.total(METRICS.sealsTimestamped),
    verificationsByResult: counters.by(METRICS.signatureVerifications, ({ dimension, detail }) =>
      detail === '' ? dimension : `${dimension}/${detail}`,
    ),
  };
}

function consentFigures(counters: CounterSums): ConsentFigures {
  const exchanges = counters.byDetail(METRICS.exchanges);
  const byProvider: Record<string, number> = {};
  const byConsumer: Record<string, number> = {};
  for (const [pair, count] of Object.entries(exchanges)) {
    const [provider, consumer] = pair.split('/') as [string, string];
    byProvider[provider] = (byProvider[provider] ?? 0) + count;
    byConsumer[consumer] = (byConsumer[consumer] ?? 0) + count;
  }
  return {
    funnel: CONSENT_STEPS.map((status) => ({ status, count: counters.total(CONSENT_STEP_METRICS[status]) })),
    exchanges: sum(Object.values(exchanges)),
    exchangesByProvider: byProvider,
    exchangesByConsumer: byConsumer,
    refusedExchangesByReason: counters.byDetail(METRICS.exchangesRefused),
    failedExchanges: counters.total(METRICS.exchangesFailed),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}
