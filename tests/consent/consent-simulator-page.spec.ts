import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { GatewayParticipant } from '#libs/consent';
import { startHousingProvider, type HousingProvider } from '../../apps/demo-consent/src/housing-provider.js';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';
import { eventually } from '../support/eventually.js';
import { PROOF_OF_ADDRESS } from './consent-platform.js';

/** The browser simulator's consent screens: what a person clicks through in the demo, by plain HTTP. */
describe('the citizen-app simulator page, consents', () => {
  let app: NestExpressApplication;
  let provider: HousingProvider;
  let welfare: GatewayParticipant;

  beforeAll(async () => {
    let baseUrl: string;
    ({ app, baseUrl } = await startListeningTestPlatform(undefined, { demo: { eServicePort: 0 } }));
    provider = await startHousingProvider({ platformUrl: baseUrl, providerId: 'housing-department' });
    const housing = await GatewayParticipant.create('housing-department', { baseUrl });
    welfare = await GatewayParticipant.create('social-welfare', { baseUrl });
    for (const [participant, roles, endpoint] of [
      [housing, ['provider'], provider.url],
      [welfare, ['consumer'], undefined],
    ] as const) {
      await request(app.getHttpServer())
        .post('/admin/participants')
        .set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
        .send({
          participantId: participant.participantId,
          name: participant.participantId,
          department: 'GOV',
          roles,
          endpoint,
          jwks: participant.jwks,
        })
        .expect(201);
    }
    await housing.call('POST', '/gateway/datasets', PROOF_OF_ADDRESS);
  }, 60_000);
  afterAll(async () => {
    await provider?.close();
    await app?.close();
  });

  it('shows a request with its receipt; approve, then the access log, then revoke', async () => {
    const browser = request.agent(app.getHttpServer());
    await browser.post('/demo/app/register').expect(303);
    const home = (await browser.get('/demo/app').expect(200)).text;
    const citizenId = /citizen <code>([0-9a-f-]{36})<\/code>/.exec(home)![1]!;
    expect(home).toContain('Data-sharing consents');

    const { consentId } = await welfare.call<{ consentId: string }>('POST', '/gateway/consents', {
      citizenId,
      datasetId: 'proof-of-address',
      items: ['address'],
      purpose: { code: 'HOUSING_ALLOWANCE', text: 'Check eligibility for a housing allowance' },
      frequency: { mode: 'once' },
      dataRange: { from: '2020-01-01', to: '2030-12-31' },
      retentionDays: 30,
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const page = await eventually(async () => {
      const text = (await browser.get('/demo/app')).text;
      return text.includes(`/demo/app/consents/${consentId}/approve`) ? text : undefined;
    });
    expect(page).toContain('You allow social-welfare to obtain &#34;Proof of address&#34; (address)');

    const approved = await browser.post(`/demo/app/consents/${consentId}/approve`).expect(303);
    expect(approved.headers['location']).toContain('Consent%20active');
    await welfare.call('POST', `/gateway/consents/${consentId}/exchanges`, {});
    await eventually(async () =>
      (await browser.get('/demo/app')).text.includes('took address') ? true : undefined,
    );

    const revoked = await browser.post(`/demo/app/consents/${consentId}/revoke`).expect(303);
    expect(revoked.headers['location']).toContain('Consent%20revoked');
    const refused = await browser.post(`/demo/app/consents/${consentId}/revoke`).expect(303);
    expect(refused.headers['location']).toContain('CONSENT_NOT_ACTIVE');
  });
});
