import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ConsentApp } from '../../libs/consent/src/simulator/consent-app.js';
import { GatewayError } from '../../libs/consent/src/simulator/gateway-participant.js';
import { startConsentPlatform, type ConsentPlatform } from '../consent/consent-platform.js';
import { storageTargets } from '../support/storage-targets.js';
import { TEST_ADMIN_TOKEN } from '../support/test-platform.js';

const DAY = 86_400_000;

describe.each(storageTargets('metrics_consent'))(
  'the consent funnel in the metrics API on %s',
  (_name, target) => {
    let platform: ConsentPlatform;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const created = await target.create();
      drop = created.drop;
      platform = await startConsentPlatform(created.config);
    }, 60_000);
    afterAll(async () => {
      await platform?.close();
      await drop?.();
    });

    const ask = async (citizen: ConsentApp) =>
      (
        await platform.welfare.call<{ consentId: string }>('POST', '/gateway/consents', {
          citizenId: citizen.phone.citizenId,
          datasetId: 'proof-of-address',
          items: ['address'],
          purpose: { code: 'HOUSING_ALLOWANCE', text: 'Check eligibility for a housing allowance' },
          frequency: { mode: 'periodic', maxFetches: 5, per: 'day' },
          dataRange: { from: '2020-01-01', to: '2030-12-31' },
          retentionDays: 30,
          expiresAt: new Date(platform.clock.now().getTime() + 30 * DAY).toISOString(),
        })
      ).consentId;
    const exchange = (consentId: string) =>
      platform.welfare.call('POST', `/gateway/consents/${consentId}/exchanges`, {});

    it('counts each status transition, the exchanges per provider and consumer, and refusals by reason', async () => {
      const first = await platform.citizen();
      const kept = await ask(first);
      await first.approve(await first.fetch(kept));
      await exchange(kept);
      await exchange(kept);
      await first.change(kept, 'pause');
      await expect(exchange(kept)).rejects.toBeInstanceOf(GatewayError);
      await first.change(kept, 'resume');
      await first.change(kept, 'revoke');
      const second = await platform.citizen();
      const declined = await ask(second);
      await second.reject(await second.fetch(declined));
      await ask(await platform.citizen());
      await platform.projected();

      const response = await platform.http
        .get('/admin/metrics/summary')
        .set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
        .expect(200);
      expect(response.body.consents).toEqual({
        funnel: [
          { status: 'requested', count: 3 },
          { status: 'approved', count: 1 },
          { status: 'rejected', count: 1 },
          { status: 'paused', count: 1 },
          { status: 'resumed', count: 1 },
          { status: 'revoked', count: 1 },
          { status: 'expired', count: 0 },
        ],
        exchanges: 2,
        exchangesByProvider: { 'housing-department': 2 },
        exchangesByConsumer: { 'social-welfare': 2 },
        refusedExchangesByReason: { CONSENT_NOT_ACTIVE: 1 },
        failedExchanges: 0,
      });
      const today = platform.clock.now().toISOString().slice(0, 10);
      const series = await platform.http
        .get(`/admin/metrics/series/consents-requested?from=${today}&to=${today}`)
        .set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
        .expect(200);
      expect(series.body.points).toEqual([{ period: today, value: 3 }]);
    });
  },
);
