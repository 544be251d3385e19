import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type request from 'supertest';
import { CorporateApp } from '#libs/corporate';
import type { ManualClock } from '#libs/eventsourcing';
import { storageTargets } from '../support/storage-targets.js';
import {
  admin,
  appointed,
  registeredCitizen,
  registeredCorporation,
  startCorporatePlatform,
} from './corporate-platform.js';

const HOUR = 3_600_000;

describe.each(storageTargets('corporate_app'))(
  'the corporations a citizen represents, on %s',
  (_name, target) => {
    let app: NestExpressApplication;
    let http: ReturnType<typeof request>;
    let clock: ManualClock;
    let baseUrl: string;
    let drop: () => Promise<void>;

    const appoint = (corporationId: string, citizenId: string, terms: object) =>
      appointed(http, corporationId, citizenId, terms);

    beforeAll(async () => {
      const storage = await target.create();
      drop = storage.drop;
      ({ app, http, clock, baseUrl } = await startCorporatePlatform(storage.config));
    });
    afterAll(async () => {
      await app.close();
      await drop();
    });

    it('lists the appointments in force with their terms, and drops each as it ends', async () => {
      const phone = new CorporateApp(await registeredCitizen(baseUrl, clock));
      const citizenId = phone.phone.citizenId;
      expect(await phone.representations()).toEqual([]);

      const trading = (await registeredCorporation(http)).corporationId;
      const shipping = (await registeredCorporation(http)).corporationId;
      const suspended = (await registeredCorporation(http)).corporationId;
      const until = new Date(clock.now().getTime() + 2 * HOUR).toISOString();
      const revocable = await appoint(trading, citizenId, { role: 'authorised-signatory', eservices: ['*'] });
      await appoint(shipping, citizenId, { role: 'user', eservices: ['etax'], validUntil: until });
      await appoint(suspended, citizenId, { role: 'administrator', eservices: ['*'] });
      await http.post(`/admin/corporations/${suspended}/suspension`).set(admin).send({}).expect(200);

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

      await http
        .post(`/corporate/corporations/${trading}/appointments/${revocable}/revocation`)
        .set(admin)
        .send({ reason: 'left the company' })
        .expect(200);
      expect((await phone.representations()).map((r) => r.corporationId)).toEqual([shipping]);
      clock.advance(3 * HOUR);
      expect(await phone.representations()).toEqual([]);
    });

    it('answers only the citizen’s own device, signing this very request', async () => {
      const owner = await registeredCitizen(baseUrl, clock);
      const stranger = await registeredCitizen(baseUrl, clock);
      const { corporationId } = await registeredCorporation(http);
      await appoint(corporationId, owner.citizenId, { role: 'authorised-signatory', eservices: ['*'] });
      const path = `/app/citizens/${owner.citizenId}/corporations`;

      const { deviceId, signature } = await stranger.signRequest({
        citizenId: owner.citizenId,
        corporateReading: 'representations',
      });
      const foreign = await http.post(path).send({ deviceId, signature });
      expect(foreign.status).toBe(401);
      expect(foreign.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(foreign.body)).not.toContain(corporationId);

      const otherRequest = await owner.signRequest({
        citizenId: owner.citizenId,
        consentReading: 'consents',
      });
      const misused = await http
        .post(path)
        .send({ deviceId: otherRequest.deviceId, signature: otherRequest.signature });
      expect(misused.status).toBe(401);

      expect((await http.post(path).send({})).status).toBe(400);
      expect(
        (await http.post('/app/citizens/not-a-uuid/corporations').send({ deviceId, signature })).status,
      ).toBe(400);
    });
  },
);
