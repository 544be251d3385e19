import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import * as oidc from 'openid-client';
import request from 'supertest';
import type { CitizenApp } from '#libs/identity';
import { registeredCitizen, RelyingParty } from '../oidc/relying-party.js';
import { storageTargets } from '../support/storage-targets.js';
import { startListeningTestPlatform } from '../support/test-platform.js';
import { admin, registeredCorporation } from './corporate-platform.js';

describe.each(storageTargets('corporate_login'))(
  'corporate login through openid-client on %s',
  (_name, target) => {
    let app: NestExpressApplication;
    let baseUrl: string;
    let http: ReturnType<typeof request>;
    let drop: () => Promise<void>;
    let rp: RelyingParty;
    let rpSeq = 0;

    const appoint = async (corporationId: string, citizenId: string, eservices: string[]) => {
      const { body } = await http
        .post(`/corporate/corporations/${corporationId}/appointments`)
        .set(admin)
        .send({ citizenId, role: 'authorised-signatory', eservices })
        .expect(201);
      return (body.appointments as { appointmentId: string; citizenId: string }[]).find(
        (a) => a.citizenId === citizenId,
      )!.appointmentId;
    };
    /** The e-service starts a corporate login; the citizen's app fetches it. */
    const corporateLogin = async (citizen: CitizenApp) => {
      const login = await rp.startLogin({ scope: 'openid profile corporate' });
      const pending = await citizen.fetchLoginRequest(login.shortCode!);
      return { login, pending };
    };

    beforeAll(async () => {
      const storage = await target.create();
      drop = storage.drop;
      ({ app, baseUrl } = await startListeningTestPlatform(storage.config));
      http = request(app.getHttpServer());
      rp = await RelyingParty.register(baseUrl, `corp-portal-${++rpSeq}`, ['openid', 'profile', 'corporate']);
    });
    afterAll(async () => {
      await app.close();
      await drop();
    });

    it('puts the corporation the citizen picked in the ID token and userinfo', async () => {
      const citizen = await registeredCitizen(baseUrl);
      const { corporationId } = await registeredCorporation(http);
      await appoint(corporationId, citizen.citizenId, [rp.clientId]);

      const { login, pending } = await corporateLogin(citizen);
      expect(pending.corporate).toBe(true);
      await citizen.approve(pending, pending.claims, corporationId);
      const tokens = await login.redeem(await login.continue());
      const claims = tokens.claims()!;
      expect(claims).toMatchObject({
        corp_id: corporationId,
        corp_name: 'Harbour Trading Limited',
        corp_role: 'authorised-signatory',
        name: 'CHAN, Tai Man',
      });
      const userinfo = await oidc.fetchUserInfo(rp.config, tokens.access_token, claims.sub);
      expect(userinfo).toMatchObject({ corp_id: corporationId, corp_role: 'authorised-signatory' });
    });

    it('lets the citizen pick only a corporation whose appointment is in force and covers the e-service', async () => {
      const citizen = await registeredCitizen(baseUrl);
      const elsewhere = await registeredCorporation(http);
      await appoint(elsewhere.corporationId, citizen.citizenId, ['etax']);
      const revoked = await registeredCorporation(http);
      const appointmentId = await appoint(revoked.corporationId, citizen.citizenId, ['*']);
      await http
        .post(`/corporate/corporations/${revoked.corporationId}/appointments/${appointmentId}/revocation`)
        .set(admin)
        .send({ reason: 'left' })
        .expect(200);

      const { pending } = await corporateLogin(citizen);
      for (const corporationId of [elsewhere.corporationId, revoked.corporationId, '99999999']) {
        await expect(citizen.approve(pending, pending.claims, corporationId)).rejects.toMatchObject({
          status: 403,
          code: 'CORPORATION_NOT_AVAILABLE',
        });
      }
      await expect(citizen.approve(pending, pending.claims)).rejects.toMatchObject({
        status: 400,
        code: 'CORPORATION_REQUIRED',
      });
    });

    it('keeps corporations out of a login that did not ask for one', async () => {
      const citizen = await registeredCitizen(baseUrl);
      const { corporationId } = await registeredCorporation(http);
      await appoint(corporationId, citizen.citizenId, ['*']);
      const login = await rp.startLogin({ scope: 'openid profile' });
      const pending = await citizen.fetchLoginRequest(login.shortCode!);
      expect(pending.corporate).toBeUndefined();
      await expect(citizen.approve(pending, pending.claims, corporationId)).rejects.toMatchObject({
        status: 400,
        code: 'CORPORATION_NOT_REQUESTED',
      });
      await citizen.approve(pending);
      const tokens = await login.redeem(await login.continue());
      expect(tokens.claims()!['corp_id']).toBeUndefined();
    });
  },
);
