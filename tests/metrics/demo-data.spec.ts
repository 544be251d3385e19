import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, ManualClock, ProjectionRunner } from '#libs/eventsourcing';
import { AdoptionQueries } from '#libs/metrics';
import { runDemoData } from '../../apps/cli/src/demo-data-command.js';
import request from 'supertest';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';

describe('the demo-data command', () => {
  let app: NestExpressApplication;
  const clock = new ManualClock();

  beforeAll(async () => {
    ({ app } = await startListeningTestPlatform(undefined, {}, { clock }));
  });
  afterAll(() => app.close());

  it('writes a dated history through the real commands that the dashboard then counts', async () => {
    const lines: string[] = [];
    const written = await runDemoData(
      app,
      clock,
      {
        citizens: 60,
        eservices: 10,
        departments: 3,
        days: 12,
        loginsPerDay: 8,
        corporations: 5,
        consentsPerDay: 6,
        concurrency: 4,
      },
      (line) => lines.push(line),
    );
    const store = app.get<EventStore>(EVENT_STORE);
    await app.get(ProjectionRunner).waitFor((await store.headPosition())!, 20_000, ['adoption-metrics']);
    const today = new Date().toISOString().slice(0, 10);
    const first = new Date(Date.now() - 11 * 86_400_000).toISOString().slice(0, 10);
    const summary = await app.get(AdoptionQueries).summary({ from: first, to: today });
    expect(summary.registeredCitizens.total).toBe(60);
    expect(summary.registrationsInRange).toBe(60);
    expect(summary.eservices.registered).toBe(10);
    expect(summary.corporate.corporations.registered).toBe(5);
    expect(summary.corporate.representatives.appointed).toBe(5);
    expect(summary.eservices.integrated).toBeLessThanOrEqual(8);
    const requested = summary.loginRequestsByOutcome['requested']!;
    expect(requested).toBeGreaterThan(50);
    expect(summary.logins + summary.loginFailures).toBe(requested);
    expect(summary.loginRequestsByOutcome['approved']).toBe(summary.logins);
    // Spread over the period by the clock, not all on the day the command ran.
    const days = await app
      .get(AdoptionQueries)
      .series('citizens-registered', { from: first, to: today }, 'day');
    expect(days.filter((d) => d.value > 0).length).toBeGreaterThan(5);
    expect(lines.at(-2)).toMatch(/^day 12\/12 .*60 citizens, 5 corporations/);

    // The consent funnel and the exchanges, as the admin API shows them, are what the command wrote.
    const consents = written.consents!;
    const shown = await request(app.getHttpServer())
      .get(`/admin/metrics/summary?from=${first}&to=${today}`)
      .set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
      .expect(200);
    const funnel = Object.fromEntries(
      (shown.body.consents.funnel as { status: string; count: number }[]).map((s) => [s.status, s.count]),
    );
    expect(funnel).toMatchObject({
      requested: consents.requested,
      approved: consents.approved,
      rejected: consents.rejected,
      revoked: consents.revoked,
      expired: consents.expired,
    });
    expect(shown.body.consents.exchanges).toBe(consents.exchanges);
    const refused = Object.values(shown.body.consents.refusedExchangesByReason as Record<string, number>);
    expect(refused.reduce((a, b) => a + b, 0)).toBe(consents.refusedExchanges);
    for (const figure of [
      'requested',
      'approved',
      'rejected',
      'expired',
      'exchanges',
      'refusedExchanges',
    ] as const)
      expect(consents[figure]).toBeGreaterThan(0);
    expect(Object.keys(shown.body.consents.exchangesByConsumer).length).toBeGreaterThan(1);
    expect(lines.at(-1)).toBe(
      `consents: ${consents.requested} requested, ${consents.approved} approved, ${consents.rejected} rejected, ` +
        `${consents.revoked} revoked, ${consents.expired} expired; ${consents.exchanges} exchanges, ` +
        `${consents.refusedExchanges} refused`,
    );
  });
});
