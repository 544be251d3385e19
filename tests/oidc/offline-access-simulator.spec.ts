import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { startListeningTestPlatform } from '../support/test-platform.js';
import { RelyingParty } from './relying-party.js';

/** The citizen-app simulator page: what the citizen reads before approving a login that keeps access. */
describe('the citizen-app simulator page, offline access', () => {
  let app: NestExpressApplication;
  let baseUrl: string;

  beforeAll(async () => {
    ({ app, baseUrl } = await startListeningTestPlatform(undefined, { demo: { eServicePort: 0 } }));
  }, 60_000);
  afterAll(() => app?.close());

  it('says the e-service will keep access, and only when it will', async () => {
    const rp = await RelyingParty.register(baseUrl, 'simulator-offline', ['openid', 'offline_access']);
    const browser = request.agent(app.getHttpServer());
    await browser.post('/demo/app/register').expect(303);
    const screenFor = async (parameters: Record<string, string>) => {
      const login = await rp.startLogin(parameters);
      return (await browser.get(`/demo/app?code=${login.shortCode!}`).expect(200)).text;
    };

    const kept = await screenFor({ scope: 'openid offline_access', prompt: 'consent' });
    expect(kept).toContain('id="offline-access"');
    expect(kept).toContain('will keep access');
    expect(await screenFor({ scope: 'openid' })).not.toContain('id="offline-access"');
  });
});
