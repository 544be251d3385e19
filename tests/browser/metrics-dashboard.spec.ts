import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser, Page } from 'playwright-core';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, ProjectionRunner } from '#libs/eventsourcing';
import { adoptionEvents as e, appendHistory, type HistoryFacts } from '#libs/metrics';
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
    const now = new Date().toISOString();
    await store.append(
      'dashboard-test-corporate-and-consent',
      [
        e.corporationRegistered('k1', now),
        e.representativeAppointed('k1', 'a1', 'authorised-signatory', now),
        e.signedByRepresentative('k1', 'authorised-signatory', now),
        e.signatureValidationsTallied([{ indication: 'TOTAL_PASSED', subIndication: null, count: 4 }], now),
        e.consentRequested('n1', now),
        e.consentRequested('n2', now),
        e.consentRequested('n3', now),
        e.consentChanged('Approved', 'n1', now),
        e.consentChanged('Approved', 'n2', now),
        e.consentChanged('Rejected', 'n3', now),
        e.dataExchanged('housing', 'welfare', now),
      ].map((event) => ({ id: randomUUID(), ...event })),
    );
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
    expect(await page.locator('#consents').getAttribute('data-state')).toBe('filled');
    const funnel = page.locator('#consent-chart rect.bar');
    expect(
      await funnel.evaluateAll((rects) =>
        rects.map((r) => [r.getAttribute('data-label'), r.getAttribute('data-value')]),
      ),
    ).toEqual([
      ['requested', '3'],
      ['approved', '2'],
      ['rejected', '1'],
      ['paused', '0'],
      ['resumed', '0'],
      ['revoked', '0'],
      ['expired', '0'],
      ['data exchanged', '1'],
      ['exchanges refused', '0'],
      ['exchanges failed', '0'],
    ]);
    expect(await page.locator('#corporate').getAttribute('data-signatures')).toBe('1');
    expect(await page.locator('#corporate-chart rect.bar').count()).toBe(5);
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
    // Figures the log has no department for say they are the platform's, not the department's.
    const scopes = await page
      .locator('[data-scope]')
      .evaluateAll((nodes) =>
        nodes.map((n) => [
          n.getAttribute('data-figure') ?? n.getAttribute('data-series'),
          n.getAttribute('data-scope'),
        ]),
      );
    expect(Object.fromEntries(scopes)).toEqual({
      registeredCitizens: 'platform-wide',
      dailyActiveCitizens: 'platform-wide',
      monthlyActiveCitizens: 'platform-wide',
      corporate: 'platform-wide',
      logins: 'department',
      'active-citizens': 'platform-wide',
      'citizens-registered': 'platform-wide',
    });
    expect(await page.locator('[data-metric="daily-active"] .scope').textContent()).toBe('(platform-wide)');
  });
});
