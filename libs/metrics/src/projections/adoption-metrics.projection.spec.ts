import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { RecordedEvent } from '#libs/event-store';
import type { ReadModelDatabase } from '#libs/eventsourcing';
import { postgresTestUrl } from '../../../event-store/src/testing/postgres-test-database.js';
import { readModelTargets } from '../../../eventsourcing/src/read-models/read-model-database.testing.js';
import { AdoptionQueries } from '../queries/adoption-queries.js';
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
      ]),
    ]);
    const queries = new AdoptionQueries(readModels);
    const summary = await queries.summary({ from: '2026-11-20', to: '2026-11-20' });
    expect(summary).toEqual({
      range: { from: '2026-11-20', to: '2026-11-20', department: null },
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

  it('reaches the same state incrementally, in any batch split, as in one rebuild from zero', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(adoptionEvent, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (events, cuts) => {
          const log = recorded(events);
          await project([log]);
          const rebuilt = await state();
          await project(splitAt(log, cuts));
          expect(await state()).toEqual(rebuilt);
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
);
