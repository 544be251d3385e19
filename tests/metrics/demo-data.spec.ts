import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, ManualClock, ProjectionRunner } from '#libs/eventsourcing';
import { AdoptionQueries } from '#libs/metrics';
import { runDemoData } from '../../apps/cli/src/demo-data-command.js';
import { startListeningTestPlatform } from '../support/test-platform.js';

describe('the demo-data command', () => {
  let app: NestExpressApplication;
  const clock = new ManualClock();

  beforeAll(async () => {
    ({ app } = await startListeningTestPlatform(undefined, {}, { clock }));
  });
  afterAll(() => app.close());

  it('writes a dated history through the real commands that the dashboard then counts', async () => {
    const lines: string[] = [];
    await runDemoData(
      app,
      clock,
      {
        citizens: 60,
        eservices: 10,
        departments: 3,
        days: 12,
        loginsPerDay: 8,
        corporations: 5,
        concurrency: 4,
      },
      (line) => lines.push(line),
    );
    const store = app.get<EventStore>(EVENT_STORE);
    await app.get(ProjectionRunner).waitFor((await store.headPosition())!, 10_000, ['adoption-metrics']);
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
    expect(lines.at(-1)).toMatch(/^day 12\/12 .*60 citizens, 5 corporations/);
  });
});
