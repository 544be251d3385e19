import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { RecordedEvent } from '#libs/event-store';
import type { ReadModelDatabase } from '#libs/eventsourcing';
import { postgresTestUrl } from '../../../event-store/src/testing/postgres-test-database.js';
import { readModelTargets } from '../../../eventsourcing/src/read-models/read-model-database.testing.js';
import { DASHBOARD_CLIENT_ID } from '../dashboard/dashboard-client.js';
import { AdoptionQueries, CONSENT_STEPS, PLATFORM_WIDE_FIGURES } from '../queries/adoption-queries.js';
import { adoptionEvents as e, recorded, type AdoptionEvent } from '../demo/adoption-events.js';
import { adoptionMetricsProjection } from './adoption-metrics.projection.js';
import { METRIC_TABLES } from './metric-tables.js';

const postgresUrl = await postgresTestUrl();
const projection = adoptionMetricsProjection();

describe.each(readModelTargets(postgresUrl))('adoption metrics on $name', (target) => {
  let readModels: ReadModelDatabase;
  beforeAll(async () => {
    readModels = await target.open();
    await readModels.migrate((db) => projection.setup(db));
  });
  afterAll(async () => {
    await readModels.close();
    await target.dispose();
  });

  async function project(batches: readonly (readonly RecordedEvent[])[]): Promise<void> {
    await readModels.transaction((trx) => projection.reset(trx));
    for (const batch of batches) {
      const relevant = batch.filter((event) => projection.eventTypes.includes(event.type));
      if (relevant.length > 0) await readModels.transaction((trx) => projection.apply(trx, relevant));
    }
  }

  async function state(): Promise<Record<string, unknown[]>> {
    const tables: Record<string, unknown[]> = {};
    for (const table of METRIC_TABLES) {
      const rows = await readModels.db.selectFrom(table).selectAll().execute();
      tables[table] = rows
        .map((row) => JSON.stringify(Object.entries(row as object).map(([k, v]) => [k, String(v)])))
        .sort();
    }
    return tables;
  }

  /** Every counter but distinct active citizens, summed from the daily rows by month. */
  async function dailyCountsByMonth(): Promise<string[]> {
    const rows = await readModels.db.selectFrom('metric_daily_counts').selectAll().execute();
    const months = new Map<string, number>();
    for (const row of rows) {
      if (row.metric === 'active-citizens') continue;
      const key = [row.metric, row.dimension, `${String(row.day).slice(0, 7)}-01`, row.detail].join(' ');
      months.set(key, (months.get(key) ?? 0) + Number(row.count));
    }
    return [...months].map(([key, count]) => `${key} ${count}`).sort();
  }

  async function monthlyRollUps(): Promise<string[]> {
    const rows = await readModels.db.selectFrom('metric_monthly_counts').selectAll().execute();
    return rows.map((row) => `${row.metric} ${row.dimension} ${row.day} ${row.detail} ${row.count}`).sort();
  }

  it('holds exactly the numbers of a known day of logins', async () => {
    const day = '2026-11-20T09:00:00.000Z';
    await project([
      recorded([
        e.eserviceRegistered('tax', 'IRD', '2026-11-01T00:00:00Z'),
        e.eserviceRegistered('rates', 'IRD', '2026-11-01T00:00:00Z'),
        e.eserviceRegistered('housing', 'HD', '2026-11-02T00:00:00Z'),
        e.citizenRegistered('c1', 'basic', '2026-11-03T00:00:00Z'),
        e.citizenRegistered('c2', 'basic', '2026-11-19T00:00:00Z'),
        e.citizenRegistered('c3', 'plus', '2026-11-20T00:00:00Z'),
        e.identityVerified('c1', '2026-11-20T01:00:00Z'),
        e.loginRequested('l1', 'tax', day),
        e.loginApproved('l1', 'c1', ['birthdate', 'name'], day),
        e.tokenIssued('tax', 'c1', ['birthdate', 'name'], day),
        e.loginRequested('l2', 'tax', day),
        e.loginApproved('l2', 'c1', ['name'], day),
        e.tokenIssued('tax', 'c1', ['name'], day),
        e.loginRequested('l3', 'housing', day),
        e.loginApproved('l3', 'c2', [], day),
        e.tokenIssued('housing', 'c2', [], day),
        e.loginRequested('l4', 'housing', day),
        e.loginDenied('l4', 'c3', day),
        e.loginFailed('housing', 'access_denied', day),
        e.loginRequested('l5', 'tax', day),
        e.loginExpired('l5', day),
        e.loginFailed('tax', 'login_required', day),
        // An administrator opening the dashboard is not a citizen using an e-service.
        e.tokenIssued(DASHBOARD_CLIENT_ID, 'c3', [], day),
        e.loginFailed(DASHBOARD_CLIENT_ID, 'access_denied', day),
      ]),
    ]);
    const queries = new AdoptionQueries(readModels);
    const summary = await queries.summary({ from: '2026-11-20', to: '2026-11-20' });
    expect(summary).toEqual({
      range: { from: '2026-11-20', to: '2026-11-20', department: null },
      platformWide: PLATFORM_WIDE_FIGURES,
      registeredCitizens: { total: 3, basic: 1, plus: 2 },
      registrationsInRange: 1,
      logins: 3,
      loginFailures: 2,
      loginFailuresByReason: { access_denied: 1, login_required: 1 },
      loginRequestsByOutcome: { requested: 5, approved: 3, denied: 1, expired: 1 },
      claimsReleased: { birthdate: 1, name: 2 },
      dailyActiveCitizens: 2,
      monthlyActiveCitizens: 2,
      eservices: { registered: 3, integrated: 2, adoptionRate: 0.6667 },
      corporate: {
        corporations: { registered: 0, suspended: 0, dissolved: 0 },
        representatives: { appointed: 0, revoked: 0 },
        signatures: 0,
        sealsTimestamped: 0,
        verificationsByResult: {},
      },
      consents: {
        funnel: CONSENT_STEPS.map((status) => ({ status, count: 0 })),
        exchanges: 0,
        exchangesByProvider: {},
        exchangesByConsumer: {},
        refusedExchangesByReason: {},
        failedExchanges: 0,
      },
    });
    expect(await queries.departments({ from: '2026-11-20', to: '2026-11-20' })).toEqual([
      {
        department: 'IRD',
        eservicesRegistered: 2,
        eservicesIntegrated: 1,
        adoptionRate: 0.5,
        logins: 2,
        loginFailures: 1,
      },
      {
        department: 'HD',
        eservicesRegistered: 1,
        eservicesIntegrated: 1,
        adoptionRate: 1,
        logins: 1,
        loginFailures: 1,
      },
    ]);
    const ird = await queries.summary({ from: '2026-11-01', to: '2026-11-30', department: 'IRD' });
    expect(ird.logins).toBe(2);
    expect(ird.eservices).toEqual({ registered: 2, integrated: 1, adoptionRate: 0.5 });
    expect(await queries.series('logins', { from: '2026-11-19', to: '2026-11-21' }, 'day')).toEqual([
      { period: '2026-11-19', value: 0 },
      { period: '2026-11-20', value: 3 },
      { period: '2026-11-21', value: 0 },
    ]);
    expect(await queries.series('active-citizens', { from: '2026-11-01', to: '2026-11-30' }, 'week')).toEqual(
      [
        { period: '2026-10-26', value: 0 },
        { period: '2026-11-02', value: 0 },
        { period: '2026-11-09', value: 0 },
        { period: '2026-11-16', value: 2 },
        { period: '2026-11-23', value: 0 },
        { period: '2026-11-30', value: 0 },
      ],
    );
  });

  it('holds exactly the numbers of known corporate and consent events', async () => {
    const day = '2026-11-20T09:00:00.000Z';
    const before = '2026-11-19T23:59:59.999Z';
    await project([
      recorded([
        ...PARTICIPANTS,
        e.corporationRegistered('k1', before),
        e.corporationRegistered('k2', day),
        e.corporationRegistered('k3', day),
        e.corporationSuspended('k2', day),
        e.corporationDissolved('k3', day),
        e.representativeAppointed('k1', 'a1', 'administrator', before),
        e.representativeAppointed('k1', 'a2', 'authorised-signatory', day),
        e.representativeAppointed('k2', 'a3', 'user', day),
        e.appointmentRevoked('k2', 'a3', day),
        e.signedByRepresentative('k1', 'administrator', day),
        e.signedByRepresentative('k1', 'authorised-signatory', day),
        e.signedByRepresentative('k1', 'authorised-signatory', before),
        e.signatureValidationsTallied(
          [
            { indication: 'TOTAL_PASSED', subIndication: null, count: 5 },
            { indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE', count: 2 },
          ],
          day,
        ),
        e.signatureValidationsTallied(
          [
            { indication: 'TOTAL_PASSED', subIndication: null, count: 1 },
            { indication: 'INDETERMINATE', subIndication: 'NO_POE', count: 1 },
          ],
          day,
        ),
        e.signatureTimestamped('12345678', day),
        e.signatureTimestamped('12345678', day),
        e.signatureTimestamped('12345678', before),
        e.consentRequested('n1', before),
        e.consentRequested('n2', day),
        e.consentRequested('n3', day),
        e.consentRequested('n4', day),
        e.consentChanged('Approved', 'n1', day),
        e.consentChanged('Approved', 'n2', day),
        e.consentChanged('Rejected', 'n3', day),
        e.consentChanged('Paused', 'n1', day),
        e.consentChanged('Resumed', 'n1', day),
        e.consentChanged('Revoked', 'n2', day),
        e.consentChanged('Expired', 'n4', day),
        e.dataExchanged('hospital', 'housing', day),
        e.dataExchanged('hospital', 'housing', day),
        e.dataExchanged('hospital', 'social-welfare', day),
        e.dataExchanged('registry', 'housing', before),
        e.exchangeRefused('CONSENT_NOT_ACTIVE', day),
        e.exchangeRefused('CONSENT_NOT_ACTIVE', day),
        e.exchangeRefused('EXCHANGE_FREQUENCY_EXCEEDED', day),
        e.exchangeFailed('PROVIDER_UNREACHABLE', day),
      ]),
    ]);
    const queries = new AdoptionQueries(readModels);
    const summary = await queries.summary({ from: '2026-11-20', to: '2026-11-20' });
    expect(summary.corporate).toEqual({
      corporations: { registered: 2, suspended: 1, dissolved: 1 },
      representatives: { appointed: 2, revoked: 1 },
      signatures: 2,
      sealsTimestamped: 2,
      verificationsByResult: { TOTAL_PASSED: 6, 'TOTAL_FAILED/HASH_FAILURE': 2, 'INDETERMINATE/NO_POE': 1 },
    });
    expect(summary.consents).toEqual({
      funnel: [
        { status: 'requested', count: 3 },
        { status: 'approved', count: 2 },
        { status: 'rejected', count: 1 },
        { status: 'paused', count: 1 },
        { status: 'resumed', count: 1 },
        { status: 'revoked', count: 1 },
        { status: 'expired', count: 1 },
      ],
      exchanges: 3,
      exchangesByProvider: { hospital: 3 },
      exchangesByConsumer: { housing: 2, 'social-welfare': 1 },
      refusedExchangesByReason: { CONSENT_NOT_ACTIVE: 2, EXCHANGE_FREQUENCY_EXCEEDED: 1 },
      failedExchanges: 1,
    });
    const both = await queries.summary({ from: '2026-11-19', to: '2026-11-20' });
    expect(both.corporate.corporations.registered).toBe(3);
    expect(both.corporate.signatures).toBe(3);
    expect(both.consents.funnel[0]).toEqual({ status: 'requested', count: 4 });
    expect(both.consents.exchangesByProvider).toEqual({ hospital: 3, registry: 1 });
    expect(
      await queries.series('signature-verifications', { from: '2026-11-19', to: '2026-11-20' }, 'day'),
    ).toEqual([
      { period: '2026-11-19', value: 0 },
      { period: '2026-11-20', value: 9 },
    ]);
    expect(
      await queries.series('consents-requested', { from: '2026-11-01', to: '2026-11-30' }, 'month'),
    ).toEqual([{ period: '2026-11', value: 4 }]);
  });

  it("narrows consents and exchanges to a department's participants, and names the platform-wide figures", async () => {
    const day = '2026-11-20T09:00:00.000Z';
    const [first, second] = [
      [
        participantRegistered('housing', 'HD'),
        participantRegistered('hospital', 'HA'),
        participantRegistered('registry', 'LR'),
        participantRegistered('welfare', 'SWD'),
        e.eserviceRegistered('tax', 'IRD', '2026-11-01T00:00:00Z'),
        e.corporationRegistered('k1', day),
        e.citizenRegistered('c1', 'basic', day),
        between(e.consentRequested('n1', day), 'hospital', 'housing'),
        between(e.consentRequested('n2', day), 'registry', 'welfare'),
      ],
      // A later batch: the consents' parties and the participants' departments come from the read model.
      [
        e.consentChanged('Approved', 'n1', day),
        e.consentChanged('Rejected', 'n2', day),
        between(e.dataExchanged('hospital', 'housing', day), 'hospital', 'housing'),
        between(e.dataExchanged('hospital', 'housing', day), 'hospital', 'housing'),
        between(e.dataExchanged('registry', 'welfare', day), 'registry', 'welfare'),
        between(e.exchangeRefused('CONSENT_NOT_ACTIVE', day), 'hospital', 'housing'),
        between(e.exchangeFailed('PROVIDER_UNREACHABLE', day), 'registry', 'welfare'),
      ],
    ];
    await project([recorded(first), recorded(second, BigInt(first.length + 1))]);
    const queries = new AdoptionQueries(readModels);
    const range = { from: '2026-11-01', to: '2026-11-30' };
    const all = await queries.summary(range);
    const housing = await queries.summary({ ...range, department: 'HD' });
    const welfare = await queries.summary({ ...range, department: 'SWD' });
    const tax = await queries.summary({ ...range, department: 'IRD' });
    const funnel = (counts: Partial<Record<(typeof CONSENT_STEPS)[number], number>>) =>
      CONSENT_STEPS.map((status) => ({ status, count: counts[status] ?? 0 }));
    expect(all.consents).toEqual({
      funnel: funnel({ requested: 2, approved: 1, rejected: 1 }),
      exchanges: 3,
      exchangesByProvider: { hospital: 2, registry: 1 },
      exchangesByConsumer: { housing: 2, welfare: 1 },
      refusedExchangesByReason: { CONSENT_NOT_ACTIVE: 1 },
      failedExchanges: 1,
    });
    expect(housing.consents).toEqual({
      funnel: funnel({ requested: 1, approved: 1 }),
      exchanges: 2,
      exchangesByProvider: { hospital: 2 },
      exchangesByConsumer: { housing: 2 },
      refusedExchangesByReason: { CONSENT_NOT_ACTIVE: 1 },
      failedExchanges: 0,
    });
    expect(await queries.summary({ ...range, department: 'HA' })).toMatchObject({
      consents: housing.consents,
    });
    expect(welfare.consents).toEqual({
      funnel: funnel({ requested: 1, rejected: 1 }),
      exchanges: 1,
      exchangesByProvider: { registry: 1 },
      exchangesByConsumer: { welfare: 1 },
      refusedExchangesByReason: {},
      failedExchanges: 1,
    });
    expect(tax.consents).toEqual({
      funnel: funnel({}),
      exchanges: 0,
      exchangesByProvider: {},
      exchangesByConsumer: {},
      refusedExchangesByReason: {},
      failedExchanges: 0,
    });
    // Platform-wide figures are the same under any filter, and the answer says which they are.
    for (const summary of [housing, welfare, tax]) {
      expect(summary.platformWide).toEqual(PLATFORM_WIDE_FIGURES);
      for (const figure of PLATFORM_WIDE_FIGURES) expect(summary[figure]).toEqual(all[figure]);
    }
    expect(housing.corporate.corporations.registered).toBe(1);
    expect(await queries.series('consents-requested', { ...range, department: 'SWD' }, 'month')).toEqual([
      { period: '2026-11', value: 1 },
    ]);
    expect(queries.scopeOf('consents-requested', { ...range, department: 'SWD' })).toBe('department');
    expect(queries.scopeOf('logins', { ...range, department: 'SWD' })).toBe('department');
    expect(queries.scopeOf('citizens-registered', { ...range, department: 'SWD' })).toBe('platform-wide');
    expect(queries.scopeOf('signatures', { ...range, department: 'SWD' })).toBe('platform-wide');
    expect(queries.scopeOf('logins', range)).toBe('platform-wide');
  });

  it('sums a range from whole months and partial days alike', async () => {
    const at = (day: string) => `${day}T12:00:00.000Z`;
    const days = ['2026-09-30', '2026-10-01', '2026-10-15', '2026-10-31', '2026-11-01', '2026-11-20'];
    await project([
      recorded([
        e.eserviceRegistered('tax', 'IRD', '2026-09-01T00:00:00Z'),
        ...days.flatMap((day) => [e.tokenIssued('tax', 'c1', ['name'], at(day))]),
      ]),
    ]);
    const queries = new AdoptionQueries(readModels);
    const logins = async (from: string, to: string) => (await queries.summary({ from, to })).logins;
    const expected = (from: string, to: string) => days.filter((d) => d >= from && d <= to).length;
    for (const [from, to] of [
      ['2026-09-30', '2026-11-20'],
      ['2026-10-01', '2026-10-31'],
      ['2026-10-02', '2026-10-31'],
      ['2026-09-01', '2026-11-30'],
      ['2026-10-15', '2026-10-15'],
      ['2026-10-16', '2026-11-01'],
    ] as const) {
      expect(await logins(from, to)).toBe(expected(from, to));
    }
    expect((await queries.eservices({ from: '2026-09-30', to: '2026-11-20' }))[0]?.logins).toBe(6);
    expect((await queries.departments({ from: '2026-09-30', to: '2026-11-20' }))[0]?.logins).toBe(6);
  });

  it('reaches the same state incrementally, in any batch split, as in one rebuild from zero', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(adoptionEvent, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (events, cuts) => {
          const log = recorded([...PARTICIPANTS, ...events]);
          await project([log]);
          const rebuilt = await state();
          await project(splitAt(log, cuts));
          expect(await state()).toEqual(rebuilt);
          expect(await monthlyRollUps()).toEqual(await dailyCountsByMonth());
        },
      ),
      { numRuns: 40 },
    );
  });
});

function splitAt<T>(items: readonly T[], cuts: readonly number[]): T[][] {
  const points = [...new Set(cuts.map((c) => (items.length === 0 ? 0 : c % items.length)))].sort(
    (a, b) => a - b,
  );
  const batches: T[][] = [];
  let start = 0;
  for (const point of [...points, items.length]) {
    batches.push(items.slice(start, point));
    start = point;
  }
  return batches.filter((b) => b.length > 0);
}

const citizen = fc.constantFrom('c1', 'c2', 'c3', 'c4');
const client = fc.constantFrom('tax', 'rates', 'housing');
const at = fc
  .integer({ min: 0, max: 40 * 24 })
  .map((hours) => new Date(Date.UTC(2026, 9, 20) + hours * 3_600_000).toISOString());
const claims = fc.subarray(['name', 'birthdate', 'email']);
const corporation = fc.constantFrom('k1', 'k2');
const consent = fc.constantFrom('n1', 'n2', 'n3');
const participant = fc.constantFrom('hospital', 'housing', 'registry', 'welfare');
const adoptionEvent: fc.Arbitrary<AdoptionEvent> = fc.oneof(
  fc
    .tuple(citizen, fc.constantFrom('basic', 'plus' as const), at)
    .map(([c, l, t]) => e.citizenRegistered(c, l, t)),
  fc.tuple(citizen, at).map(([c, t]) => e.identityVerified(c, t)),
  fc.tuple(client, fc.constantFrom('IRD', 'HD'), at).map(([c, d, t]) => e.eserviceRegistered(c, d, t)),
  fc.tuple(client, at).map(([c, t]) => e.eserviceSuspended(c, t)),
  fc.tuple(client, at).map(([c, t]) => e.loginRequested('l', c, t)),
  fc.tuple(citizen, claims, at).map(([c, cl, t]) => e.loginApproved('l', c, cl, t)),
  fc.tuple(citizen, at).map(([c, t]) => e.loginDenied('l', c, t)),
  at.map((t) => e.loginExpired('l', t)),
  fc.tuple(client, citizen, claims, at).map(([cl, c, claimList, t]) => e.tokenIssued(cl, c, claimList, t)),
  fc
    .tuple(client, fc.constantFrom('access_denied', 'login_required'), at)
    .map(([c, r, t]) => e.loginFailed(c, r, t)),
  fc.tuple(corporation, at).map(([k, t]) => e.corporationRegistered(k, t)),
  fc.tuple(corporation, at).map(([k, t]) => e.corporationSuspended(k, t)),
  fc.tuple(corporation, at).map(([k, t]) => e.corporationDissolved(k, t)),
  fc
    .tuple(corporation, fc.constantFrom('administrator', 'authorised-signatory', 'user' as const), at)
    .map(([k, role, t]) => e.representativeAppointed(k, 'a', role, t)),
  fc.tuple(corporation, at).map(([k, t]) => e.appointmentRevoked(k, 'a', t)),
  fc
    .tuple(corporation, fc.constantFrom('administrator', 'authorised-signatory'), at)
    .map(([k, role, t]) => e.signedByRepresentative(k, role, t)),
  fc
    .tuple(
      fc.array(
        fc.record({
          indication: fc.constantFrom('TOTAL_PASSED', 'TOTAL_FAILED', 'INDETERMINATE'),
          subIndication: fc.constantFrom(null, 'HASH_FAILURE', 'NO_POE'),
          count: fc.integer({ min: 1, max: 50 }),
        }),
        { maxLength: 3 },
      ),
      at,
    )
    .map(([counts, t]) => e.signatureValidationsTallied(counts, t)),
  fc
    .tuple(consent, participant, participant, at)
    .map(([k, provider, consumer, t]) => between(e.consentRequested(k, t), provider, consumer)),
  fc
    .tuple(
      fc.constantFrom('Approved', 'Rejected', 'Paused', 'Resumed', 'Revoked', 'Expired' as const),
      consent,
      at,
    )
    .map(([status, k, t]) => e.consentChanged(status, k, t)),
  fc.tuple(participant, participant, at).map(([p, c, t]) => e.dataExchanged(p, c, t)),
  fc
    .tuple(fc.constantFrom('CONSENT_NOT_ACTIVE', 'EXCHANGE_FREQUENCY_EXCEEDED'), participant, participant, at)
    .map(([r, provider, consumer, t]) => between(e.exchangeRefused(r, t), provider, consumer)),
  fc
    .tuple(participant, participant, at)
    .map(([provider, consumer, t]) =>
      between(e.exchangeFailed('PROVIDER_UNREACHABLE', t), provider, consumer),
    ),
);

/** The gateway's participant registration, reduced to what metrics read. */
function participantRegistered(participantId: string, department: string): AdoptionEvent {
  return {
    type: 'ParticipantRegistered',
    data: {
      participantId,
      name: participantId,
      department,
      roles: ['provider', 'consumer'],
      jwks: { keys: [] },
    },
  };
}

/** Participants register before they take part, as the gateway's commands require. */
const PARTICIPANTS = [
  participantRegistered('hospital', 'HA'),
  participantRegistered('housing', 'HD'),
  participantRegistered('registry', 'HA'),
  participantRegistered('welfare', 'SWD'),
];

/** A consent request or an exchange event between these parties. */
function between(event: AdoptionEvent, providerId: string, consumerId: string): AdoptionEvent {
  const data = event.data as Record<string, unknown>;
  return 'terms' in data
    ? { ...event, data: { ...event.data, terms: { ...(data['terms'] as object), providerId, consumerId } } }
    : { ...event, data: { ...event.data, providerId, consumerId } };
}
