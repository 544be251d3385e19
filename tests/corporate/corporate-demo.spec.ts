import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CorporateApp } from '#libs/corporate';
import { CitizenApp } from '#libs/identity';
import { playCorporateDemo } from '../../apps/demo-corporate/src/corporate-demo.js';
import { hkidFor, startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';

/** `npm run demo:corporate` as a newcomer runs it: every step answers what README says it does. */
describe('the corporate demo', () => {
  let app: NestExpressApplication;
  let baseUrl: string;

  beforeAll(async () => {
    ({ app, baseUrl } = await startListeningTestPlatform());
  }, 60_000);
  afterAll(() => app?.close());

  it('appoints the citizen of the browser simulator too, who can then sign for the company', async () => {
    const phone = await CitizenApp.install({ baseUrl });
    await phone.register({ nameEn: 'CHAN, Tai Man', hkid: hkidFor(810_001), dateOfBirth: '1990-02-14' });
    const { corporationId } = await playCorporateDemo({
      platformUrl: baseUrl,
      adminToken: TEST_ADMIN_TOKEN,
      say: () => undefined,
      browserCitizen: phone.citizenId,
    });
    const app = new CorporateApp(phone);
    expect((await app.representations()).map((r) => r.corporationId)).toEqual([corporationId]);
    expect((await app.sign(corporationId, 'Board minutes')).signatureId).toEqual(expect.any(String));
  });

  it('seals, timestamps, signs in the app, and shows tampering and a compromised key failing', async () => {
    const lines: string[] = [];
    const outcome = await playCorporateDemo({
      platformUrl: baseUrl,
      adminToken: TEST_ADMIN_TOKEN,
      say: (line) => lines.push(line),
    });
    expect(outcome).toEqual({
      corporationId: expect.stringMatching(/^\d{8}$/),
      sealed: 'TOTAL_PASSED',
      representative: 'TOTAL_PASSED',
      tampered: 'TOTAL_FAILED/HASH_FAILURE',
      afterCompromise: 'TOTAL_FAILED/REVOKED',
    });
    expect(lines.join('\n')).toContain('the app lists: Harbour Trading Limited (authorised-signatory)');
  });
});
