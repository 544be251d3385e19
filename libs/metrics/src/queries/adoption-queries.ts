import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { READ_MODELS, type ReadModelDatabase } from '#libs/eventsourcing';
import { ALL_ESERVICES, departmentDimension } from '../projections/metric-batch.js';
import { METRICS, type MetricName } from '../projections/metric-handlers.js';
import type { MetricTables } from '../projections/metric-tables.js';
import { periodOf, periodsBetween, periodStart, type Granularity } from './periods.js';

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
  readonly corporate: CorporateFigures;
  readonly consents: ConsentFigures;
}

/** In the range; a department filter does not apply (corporations and consents are not an e-service's). */
export interface CorporateFigures {
  readonly corporations: { registered: number; suspended: number; dissolved: number };
  readonly representatives: { appointed: number; revoked: number };
  readonly signatures: number;
  /** By `INDICATION` or `INDICATION/SUB_INDICATION`. */
  readonly verificationsByResult: Record<string, number>;
}

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
    const [registered, suspended, dissolved, appointed, revoked, signatures, verifications] =
      await Promise.all([
        this.total(METRICS.corporationsRegistered, range),
        this.total(METRICS.corporationsSuspended, range),
        this.total(METRICS.corporationsDissolved, range),
        this.total(METRICS.representativesAppointed, range),
        this.total(METRICS.representativesRevoked, range),
        this.total(METRICS.signatures, range),
        this.counts(METRICS.signatureVerifications, range)
          .select(['dimension', 'detail', (eb) => eb.fn.sum<number | string>('count').as('value')])
          .groupBy(['dimension', 'detail'])
          .execute(),
      ]);
    return {
      corporations: { registered, suspended, dissolved },
      representatives: { appointed, revoked },
      signatures,
      verificationsByResult: Object.fromEntries(
        verifications.map((r) => [
          r.detail === '' ? r.dimension : `${r.dimension}/${r.detail}`,
          Number(r.value),
        ]),
      ),
    };
  }

  private async consents(range: DateRange): Promise<ConsentFigures> {
    const [steps, byProvider, byConsumer, refused, failed] = await Promise.all([
      Promise.all(CONSENT_STEPS.map((status) => this.total(CONSENT_STEP_METRICS[status], range))),
      this.byDimension(METRICS.exchanges, range),
      this.byDetail(METRICS.exchanges, range),
      this.byDetail(METRICS.exchangesRefused, range),
      this.total(METRICS.exchangesFailed, range),
    ]);
    return {
      funnel: CONSENT_STEPS.map((status, i) => ({ status, count: steps[i]! })),
      exchanges: sum(Object.values(byProvider)),
      exchangesByProvider: byProvider,
      exchangesByConsumer: byConsumer,
      refusedExchangesByReason: refused,
      failedExchanges: failed,
    };
  }

  async series(name: SeriesName, range: DateRange, granularity: Granularity): Promise<SeriesPoint[]> {
    const values = new Map<string, number>(
      periodsBetween(range.from, range.to, granularity).map((p) => [p, 0]),
    );
    const rows =
      name === METRICS.activeCitizens
        ? await this.activeSeries(range, granularity)
        : await this.counts(name, range)
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
    const [rows, logins, failures] = await Promise.all([
      this.registeredEServices(range).select(['e.client_id', 'e.name', 'e.department', 'e.status']).execute(),
      this.perEService(METRICS.logins, range),
      this.perEService(METRICS.loginFailures, range),
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

  /**
   * The rows a total reads: for a per-e-service metric, the one summed over all e-services or over the
   * department's, so a year costs 365 rows, not 365 per e-service.
   */
  private counts(metric: MetricName, range: DateRange) {
    let query = this.db
      .selectFrom('metric_daily_counts')
      .where('metric', '=', metric)
      .where('day', '>=', range.from)
      .where('day', '<=', range.to);
    if (PER_ESERVICE.has(metric)) {
      query = query.where(
        'dimension',
        '=',
        range.department === undefined ? ALL_ESERVICES : departmentDimension(range.department),
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
    const rows = await this.db
      .selectFrom('metric_daily_counts')
      .where('metric', '=', metric)
      .where('day', '>=', range.from)
      .where('day', '<=', range.to)
      .where('dimension', 'in', () => this.registeredEServices(range).select('e.client_id'))
      .select(['dimension as key', (eb) => eb.fn.sum<number | string>('count').as('value')])
      .groupBy('dimension')
      .execute();
    return new Map(rows.map((r) => [r.key, Number(r.value)]));
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
    const rows = await this.db
      .selectFrom('metric_daily_counts')
      .where('metric', '=', metric)
      .where('dimension', 'in', departments.map(departmentDimension))
      .where('day', '>=', range.from)
      .where('day', '<=', range.to)
      .select(['dimension as key', (eb) => eb.fn.sum<number | string>('count').as('value')])
      .groupBy('dimension')
      .execute();
    return new Map(rows.map((r) => [r.key.slice(1), Number(r.value)]));
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
