import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser, Page } from 'playwright-core';
import type { CitizenApp } from '../../libs/identity/src/simulator/citizen-app.js';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, ProjectionRunner } from '#libs/eventsourcing';
import { registeredCitizen } from '../oidc/relying-party.js';
import { eventually } from '../support/eventually.js';
import { launchChromium } from '../support/chromium.js';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';

const browser: Browser | undefined = await launchChromium();

(browser ? describe : describe.skip)(
  'administrators signing in to the dashboard with iAM Smart, in Chromium',
  () => {
    let app: NestExpressApplication;
    let baseUrl: string;

    beforeAll(async () => {
      ({ app, baseUrl } = await startListeningTestPlatform());
    });
    afterAll(async () => {
      await browser?.close();
      await app?.close();
    });

    /** The dashboard's button, the login page, the citizen's approval in the app, and back to the dashboard. */
    const signIn = async (citizen: CitizenApp): Promise<Page> => {
      const page = await (await browser!.newContext()).newPage();
      await page.goto(`${baseUrl}/dashboard`);
      await page.click('#sign-in');
      await page.waitForURL(/\/interaction\//);
      const code = (await page.locator('[data-testid="short-code"]').textContent())!.trim();
      await citizen.approve(await citizen.fetchLoginRequest(code), []);
      await page.waitForURL(new RegExp(`^${baseUrl}/dashboard`), { timeout: 15_000 });
      return page;
    };

    it('signs an administrator in (code flow with PKCE) and draws the charts with their access token', async () => {
      const administrator = await registeredCitizen(baseUrl);
      const granted = await fetch(`${baseUrl}/admin/citizens/${administrator.citizenId}/administrator-role`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      expect(granted.status).toBe(200);
      const page = await signIn(administrator);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
      expect(page.url()).toBe(`${baseUrl}/dashboard`);
      const token = await page.evaluate<string | null>("sessionStorage.getItem('adminToken')");
      expect(token).toEqual(expect.any(String));
      expect(token).not.toBe(TEST_ADMIN_TOKEN);
      expect(await page.isVisible('#board')).toBe(true);

      // A login like any other, of a client that is not a registered e-service: counted, and no snag.
      const store = app.get<EventStore>(EVENT_STORE);
      await eventually(async () =>
        (await store.readStream('oidcActivity-platform-dashboard')).find((e) => e.type === 'TokenIssued'),
      );
      const runner = app.get(ProjectionRunner);
      await runner.waitFor((await store.headPosition())!);
      expect(runner.status().map((p) => p.state)).not.toContain('failing');
    });

    it('tells a citizen without the administrator role, and keeps the board closed', async () => {
      const page = await signIn(await registeredCitizen(baseUrl));
      await page.waitForSelector('#login-error:has-text("do not hold the administrator role")', {
        timeout: 15_000,
      });
      expect(await page.isVisible('#board')).toBe(false);
      expect(await page.evaluate<string | null>("sessionStorage.getItem('adminToken')")).toBeNull();
    });
  },
);
