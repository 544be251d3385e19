import { describe, expect, it } from '@jest/globals';
import { CorporateApp } from '#libs/corporate';
import { storageTargets } from '../support/storage-targets.js';
import {
  admin,
  appointed,
  registeredCitizen,
  registeredCorporation,
  corporatePlatformFor,
} from './corporate-platform.js';

const HOUR = 3_600_000;

describe.each(storageTargets('corporate_app'))(
  'the corporations a citizen represents, on %s',
  (_name, target) => {
    const platform = corporatePlatformFor(target);

    const appoint = (corporationId: string, citizenId: string, terms: object) =>
      appointed(platform.http, corporationId, citizenId, terms);

    it('lists the appointments in force with their terms, and drops each as it ends', async () => {
      const phone = new CorporateApp(await registeredCitizen(platform.baseUrl, platform.clock));
      const citizenId = phone.phone.citizenId;
      expect(await phone.representations()).toEqual([]);

      const trading = (await registeredCorporation(platform.http)).corporationId;
      const shipping = (await registeredCorporation(platform.http)).corporationId;
      const suspended = (await registeredCorporation(platform.http)).corporationId;
      const until = new Date(platform.clock.now().getTime() + 2 * HOUR).toISOString();
      const revocable = await appoint(trading, citizenId, { role: 'authorised-signatory', eservices: ['*'] });
      await appoint(shipping, citizenId, { role: 'user', eservices: ['etax'], validUntil: until });
      await appoint(suspended, citizenId, { role: 'administrator', eservices: ['*'] });
      await platform.http.post(`/admin/corporations/${suspended}/suspension`).set(admin).send({}).expect(200);

      const listed = await phone.representations();
      expect(listed).toHaveLength(2);
      expect(listed).toEqual(
        expect.arrayContaining([
          {
            corporationId: trading,
            name: 'Harbour Trading Limited',
            nameZh: '海港貿易有限公司',
            role: 'authorised-signatory',
            eservices: ['*'],
          },
          {
            corporationId: shipping,
            name: 'Harbour Trading Limited',
            nameZh: '海港貿易有限公司',
            role: 'user',
            eservices: ['etax'],
            validUntil: until,
          },
        ]),
      );

      await platform.http
        .post(`/corporate/corporations/${trading}/appointments/${revocable}/revocation`)
        .set(admin)
        .send({ reason: 'left the company' })
        .expect(200);
      expect((await phone.representations()).map((r) => r.corporationId)).toEqual([shipping]);
      platform.clock.advance(3 * HOUR);
      expect(await phone.representations()).toEqual([]);
    });

    it('answers only the citizen’s own device, signing this very request', async () => {
      const owner = await registeredCitizen(platform.baseUrl, platform.clock);
      const stranger = await registeredCitizen(platform.baseUrl, platform.clock);
      const { corporationId } = await registeredCorporation(platform.http);
      await appoint(corporationId, owner.citizenId, { role: 'authorised-signatory', eservices: ['*'] });
      const path = `/app/citizens/${owner.citizenId}/corporations`;

      const { deviceId, signature } = await stranger.signRequest({
        citizenId: owner.citizenId,
        corporateReading: 'representations',
      });
      const foreign = await platform.http.post(path).send({ deviceId, signature });
      expect(foreign.status).toBe(401);
      expect(foreign.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(foreign.body)).not.toContain(corporationId);

      const otherRequest = await owner.signRequest({
        citizenId: owner.citizenId,
        consentReading: 'consents',
      });
      const misused = await platform.http
        .post(path)
        .send({ deviceId: otherRequest.deviceId, signature: otherRequest.signature });
      expect(misused.status).toBe(401);

      expect((await platform.http.post(path).send({})).status).toBe(400);
      expect(
        (await platform.http.post('/app/citizens/not-a-uuid/corporations').send({ deviceId, signature }))
          .status,
      ).toBe(400);
    });
  },
);
