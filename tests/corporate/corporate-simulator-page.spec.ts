import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { LOGIN_GATEWAY, type LoginGateway } from '#libs/identity';
import { startListeningTestPlatform } from '../support/test-platform.js';
import { appointed, registeredCorporation } from './corporate-platform.js';

const unescapeHtml = (text: string) =>
  text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(+code));

/** The browser simulator's corporate screens: what a representative clicks through in the demo, by plain HTTP. */
describe('the citizen-app simulator page, companies', () => {
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    ({ app } = await startListeningTestPlatform(undefined, { demo: { eServicePort: 0 } }));
    http = request(app.getHttpServer());
  }, 60_000);
  afterAll(() => app?.close());

  const setUpPhone = async () => {
    const browser = request.agent(app.getHttpServer());
    await browser.post('/demo/app/register').expect(303);
    const home = (await browser.get('/demo/app').expect(200)).text;
    const citizenId = /citizen <code>([0-9a-f-]{36})<\/code>/.exec(home)![1]!;
    return { browser, home, citizenId };
  };
  const appoint = (corporationId: string, citizenId: string, role: string, eservices = ['*']) =>
    appointed(http, corporationId, citizenId, { role, eservices });

  it('lists the companies, signs a document for one, and shows what a relying party validates', async () => {
    const { browser, home, citizenId } = await setUpPhone();
    expect(home).toContain('None: a company appoints you first.');
    const { corporationId } = await registeredCorporation(http);
    await appoint(corporationId, citizenId, 'authorised-signatory');

    const page = (await browser.get('/demo/app').expect(200)).text;
    expect(page).toContain(`(BR ${corporationId}): authorised-signatory for *`);
    const signed = await browser
      .post(`/demo/app/corporations/${corporationId}/sign`)
      .type('form')
      .send({ document: 'Purchase order #1001' })
      .expect(303);
    expect(signed.headers['location']).toContain('Signed%20for%20Harbour%20Trading%20Limited');

    const shown = (await browser.get('/demo/app').expect(200)).text;
    const validationRequest = /<textarea readonly[^>]*id="signed-request">([^<]+)<\/textarea>/.exec(
      shown,
    )![1]!;
    const report = await http
      .post('/corporate/signatures/validation')
      .send(JSON.parse(unescapeHtml(validationRequest)) as object)
      .expect(200);
    expect(report.body).toMatchObject({
      indication: 'TOTAL_PASSED',
      signer: { corporationId, kind: 'representative' },
    });
    expect((await browser.get('/demo/app').expect(200)).text).not.toContain('id="signed-request"');
  });

  it('offers no signing to a user, and refuses a company the citizen does not represent', async () => {
    const { browser, citizenId } = await setUpPhone();
    const { corporationId } = await registeredCorporation(http);
    await appoint(corporationId, citizenId, 'user');
    const page = (await browser.get('/demo/app').expect(200)).text;
    expect(page).toContain(`(BR ${corporationId}): user for *`);
    expect(page).not.toContain(`/demo/app/corporations/${corporationId}/sign`);

    const other = (await registeredCorporation(http)).corporationId;
    const refused = await browser
      .post(`/demo/app/corporations/${other}/sign`)
      .type('form')
      .send({ document: 'Purchase order #1002' })
      .expect(303);
    expect(refused.headers['location']).toContain('NOT_A_REPRESENTATIVE');
    await browser
      .post('/demo/app/corporations/not-a-br/sign')
      .type('form')
      .send({ document: 'x' })
      .expect(404);
    const empty = await browser
      .post(`/demo/app/corporations/${corporationId}/sign`)
      .type('form')
      .send({ document: '' })
      .expect(400);
    expect(empty.body.code).toBe('VALIDATION_FAILED');
  });

  it('at a corporate login, offers the companies covering that e-service and approves acting for one', async () => {
    const { browser, citizenId } = await setUpPhone();
    const covering = (await registeredCorporation(http)).corporationId;
    const elsewhere = (await registeredCorporation(http)).corporationId;
    await appoint(covering, citizenId, 'user', ['tax-portal']);
    await appoint(elsewhere, citizenId, 'user', ['housing-portal']);
    const gateway = app.get<LoginGateway>(LOGIN_GATEWAY);
    const started = await gateway.start(
      {
        clientId: 'tax-portal',
        eServiceName: 'Tax Portal',
        minimumAcr: 'basic',
        claims: [],
        corporate: true,
      },
      { correlationId: randomUUID(), causationId: randomUUID(), actor: 'oidc' },
    );

    const page = (await browser.get(`/demo/app?code=${started.shortCode}`).expect(200)).text;
    expect(page).toContain(`<option value="${covering}">`);
    expect(page).not.toContain(`<option value="${elsewhere}">`);
    const approved = await browser
      .post('/demo/app/decide')
      .type('form')
      .send({ code: started.shortCode, decision: 'approve', corporationId: covering })
      .expect(303);
    expect(approved.headers['location']).toContain('Approved');
    expect(await gateway.status(started.loginRequestId)).toMatchObject({
      state: 'approved',
      actingFor: { corporationId: covering, role: 'user' },
    });
  });
});
