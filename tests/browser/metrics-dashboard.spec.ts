import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser, Page } from 'playwright-core';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, ProjectionRunner } from '#libs/eventsourcing';
import { appendHistory, type HistoryFacts } from '#libs/metrics';
import { launchChromium } from '../support/chromium.js';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';

const browser: Browser | undefined = await launchChromium();
const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
const format = (n: number) => new Intl.NumberFormat('en-GB').format(n);

(browser ? describe : describe.skip)('the adoption dashboard, in Chromium, on generated data', () => {
  let app: NestExpressApplication;
  let baseUrl: string;
  let facts: HistoryFacts;
  let page: Page;

  beforeAll(async () => {
    ({ app, baseUrl } = await startListeningTestPlatform());
    const store = app.get<EventStore>(EVENT_STORE);
    facts = await appendHistory(store, {
      citizens: 2_000,
      eservices: 40,
      departments: 8,
      days: 90,
      loginsPerDay: 60,
      endDay: new Date().toISOString().slice(0, 10),
    });
    await app.get(ProjectionRunner).waitFor((await store.headPosition())!, 30_000, ['adoption-metrics']);
    page = await (await browser!.newContext()).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const tile = (name: string) => page.locator(`[data-metric="${name}"] .figure`).textContent();

  it('asks for the admin token, then draws every chart with the generated totals', async () => {
    const offsite: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(baseUrl)) offsite.push(request.url());
    });
    await page.goto(`${baseUrl}/dashboard`);
    await page.fill('#token', TEST_ADMIN_TOKEN);
    await page.click('#login-form button');
    await page.waitForSelector('body[data-ready="true"]');

    const logins = sum(facts.loginsByDay.values());
    expect(await tile('logins')).toBe(format(logins));
    expect(await tile('registered-citizens')).toBe(format(2_000));
    expect(await tile('adoption-rate')).toBe('80.0 %');
    expect(await page.locator('#series').getAttribute('data-total-logins')).toBe(String(logins));
    expect(await page.locator('#series').getAttribute('data-total-registrations')).toBe('2000');
    expect(await page.locator('#series-chart path.line').count()).toBe(3);

    const top = [...facts.loginsByEService.values()].sort((a, b) => b - a).slice(0, 10);
    const bars = page.locator('#top-services-chart rect.bar');
    expect(await bars.count()).toBe(10);
    expect(await bars.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('data-value'))))).toEqual(
      top,
    );
    expect(await page.locator('#departments-chart rect.bar').count()).toBe(8);
    expect(await page.locator('#departments').getAttribute('data-registered')).toBe('40');
    expect(await page.locator('#consents').getAttribute('data-state')).toBe('empty');
    expect(offsite).toEqual([]);

    mkdirSync('test-output', { recursive: true });
    await page.setViewportSize({ width: 1400, height: 1100 });
    await page.screenshot({ path: 'test-output/metrics-dashboard.png', fullPage: true });
  });

  it('narrows every figure to the department chosen in the filter', async () => {
    const department = facts.departmentOf.get('eservice-1')!;
    const expected = sum(
      [...facts.loginsByEService]
        .filter(([id]) => facts.departmentOf.get(id) === department)
        .map(([, n]) => n),
    );
    await page.selectOption('#department', department);
    await page.click('#filters button');
    await page.waitForSelector('body[data-ready="true"]');
    expect(await tile('logins')).toBe(format(expected));
    expect(await page.locator('#departments-chart rect.bar').count()).toBe(1);
  });
});
