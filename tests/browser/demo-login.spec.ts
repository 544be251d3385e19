import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser } from 'playwright-core';
import { startDemoEService, type DemoEService } from '../../apps/demo-eservice/src/demo-eservice.js';
import { launchChromium } from '../support/chromium.js';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';

const browser: Browser | undefined = await launchChromium();

(browser ? describe : describe.skip)('the demo, clicked through in Chromium', () => {
  let app: NestExpressApplication;
  let baseUrl: string;
  let demo: DemoEService;

  beforeAll(async () => {
    ({ app, baseUrl } = await startListeningTestPlatform(undefined, { demo: { eServicePort: 0 } }));
    demo = await startDemoEService({
      platformUrl: baseUrl,
      port: 0,
      host: '127.0.0.1',
      adminToken: TEST_ADMIN_TOKEN,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await app?.close();
  });

  it('demo e-service → QR page → the app simulator approves → the shared claims are shown', async () => {
    const context = await browser!.newContext();
    const site = await context.newPage();
    await site.goto(demo.url);
    await site.click('#login');
    await site.waitForURL(/\/interaction\//);
    await expect(site.locator('.qr svg path').count()).resolves.toBeGreaterThan(0);
    const code = (await site.locator('[data-testid="short-code"]').textContent())!.trim();
    expect(code).toMatch(/^[A-Z0-9]{8}$/);

    const phone = await context.newPage();
    await phone.goto(`${baseUrl}/demo/app`);
    await phone.click('#register');
    await phone.fill('#code', code);
    await phone.click('#lookup');
    await expect(phone.locator('h2').textContent()).resolves.toContain('Housing applications');
    await phone.uncheck('input[value="birthdate"]');
    await phone.click('#approve');
    await expect(phone.locator('.message').textContent()).resolves.toContain('Approved');

    await site.waitForURL(demo.url + '/', { timeout: 15_000 });
    await expect(site.locator('#userinfo [data-claim="name"]').textContent()).resolves.toBe('CHAN, Tai Man');
    await expect(site.locator('#userinfo [data-claim="name_zh"]').textContent()).resolves.toBe('陳大文');
    expect(await site.locator('#userinfo [data-claim="birthdate"]').count()).toBe(0);
    mkdirSync('test-output', { recursive: true });
    await site.screenshot({ path: 'test-output/demo-login.png', fullPage: true });
    await context.close();
  });
});
