import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JSONWebKeySet } from 'jose';
import { checkExchangeRequest, ConsentCheckFailed } from '#libs/consent';
import { consentChangePayload } from '../../libs/consent/src/domain/app-payloads.js';
import { CitizenAppError } from '../../libs/identity/src/simulator/citizen-app.js';
import { GatewayError, GatewayParticipant } from '../../libs/consent/src/simulator/gateway-participant.js';
import type { ConsentApp } from '../../libs/consent/src/simulator/consent-app.js';
import { tenancyOf } from '../../apps/demo-consent/src/housing-provider.js';
import { storageTargets } from '../support/storage-targets.js';
import { startConsentPlatform, type ConsentPlatform } from './consent-platform.js';

const DAY = 86_400_000;

type ConsentAnswer = { consentId: string; status: string; artefact?: string };
type Delivered = {
  exchangeId: string;
  payload: Record<string, unknown>;
  payloadHash: string;
  payloadSize: number;
};

describe.each(storageTargets('consent'))('the consent gateway on %s', (_name, target) => {
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

  const ask = (citizen: ConsentApp, overrides: Record<string, unknown> = {}) =>
    platform.welfare.call<ConsentAnswer>('POST', '/gateway/consents', {
      citizenId: citizen.phone.citizenId,
      datasetId: 'proof-of-address',
      items: ['address', 'since'],
      purpose: { code: 'HOUSING_ALLOWANCE', text: 'Check eligibility for a housing allowance' },
      frequency: { mode: 'periodic', maxFetches: 5, per: 'day' },
      dataRange: { from: '2020-01-01', to: '2030-12-31' },
      retentionDays: 30,
      expiresAt: new Date(platform.clock.now().getTime() + 30 * DAY).toISOString(),
      ...overrides,
    });
  const exchange = (consentId: string, body: object = {}) =>
    platform.welfare.call<Delivered>('POST', `/gateway/consents/${consentId}/exchanges`, body);
  const approved = async (overrides: Record<string, unknown> = {}) => {
    const citizen = await platform.citizen();
    const { consentId } = await ask(citizen, overrides);
    const outcome = await citizen.approve(await citizen.fetch(consentId));
    return { citizen, consentId, outcome };
  };
  const refusal = async (call: () => Promise<unknown>) => {
    try {
      await call();
    } catch (error) {
      if (error instanceof GatewayError) return { status: error.status, code: error.problem.code };
      if (error instanceof CitizenAppError) return { status: error.status, code: error.code };
      throw error;
    }
    throw new Error('the call was not refused');
  };
  const eventsOf = async (consentId: string) =>
    (await platform.stream(`consent-${consentId}`)).map((e) => e.type);

  it('request, approval in the app, exchange, access log: the payload passes through and is never kept', async () => {
    const citizen = await platform.citizen();
    const asked = await ask(citizen);
    expect(asked).toMatchObject({ status: 'PENDING' });
    const shown = await citizen.fetch(asked.consentId);
    expect(shown.receipt).toContain('Social Welfare Department');
    expect(shown.receipt).toContain('Housing Department');
    const outcome = await citizen.approve(shown);
    expect(outcome).toMatchObject({
      consentId: asked.consentId,
      status: 'ACTIVE',
      artefact: expect.any(String),
    });

    const delivered = await exchange(asked.consentId);
    const record = tenancyOf(citizen.phone.citizenId);
    expect(delivered.payload).toEqual({ address: record.address, since: record.since });
    expect(delivered.payloadSize).toBeGreaterThan(0);

    const log = await platform.log();
    expect(JSON.stringify(log.map((e) => [e.data, e.metadata]))).not.toContain(record.address);
    expect(await eventsOf(asked.consentId)).toEqual(['ConsentRequested', 'ConsentApproved', 'DataExchanged']);

    await platform.projected();
    const entries = await citizen.accessLog();
    expect(entries).toEqual([
      expect.objectContaining({
        exchangeId: delivered.exchangeId,
        consentId: asked.consentId,
        consumerId: 'social-welfare',
        providerId: 'housing-department',
        datasetId: 'proof-of-address',
        items: ['address', 'since'],
        outcome: 'delivered',
        payloadHash: delivered.payloadHash,
        payloadSize: delivered.payloadSize,
      }),
    ]);
    const [listed] = await citizen.consents();
    expect(listed).toMatchObject({
      consentId: asked.consentId,
      status: 'ACTIVE',
      artefact: outcome.artefact,
    });
  });

  it('the provider verifies the artefact offline, and refuses a tampered one', async () => {
    const { consentId, outcome } = await approved();
    const get = async (path: string) => (await platform.http.get(path).expect(200)).body as JSONWebKeySet;
    const keys = {
      artefacts: await get('/gateway/jwks/artefacts'),
      messages: await get('/gateway/jwks/messages'),
    };
    const [header, payload, signature] = outcome.artefact!.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as {
      terms: { items: string[] };
    };
    expect(claims.terms.items).toEqual(['address', 'since']);
    claims.terms.items.push('tenancyType');
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;

    const check = (artefact: string) =>
      checkExchangeRequest(
        { request: 'x.y.z', artefact },
        {
          providerId: 'housing-department',
          gatewayUrl: `${platform.baseUrl}/gateway`,
          keys,
          now: platform.clock.now(),
        },
      );
    await expect(check(tampered)).rejects.toBeInstanceOf(ConsentCheckFailed);

    const before = platform.provider.refusals;
    const response = await fetch(platform.provider.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ request: 'x.y.z', artefact: tampered }),
    });
    expect(response.status).toBe(403);
    expect(platform.provider.refusals).toBe(before + 1);
    expect((await platform.http.get(`/app/consents/${consentId}`).expect(200)).body.status).toBe('ACTIVE');
  });

  it('revoked: the next exchange is refused, and the refusal is in the access log', async () => {
    const { citizen, consentId } = await approved();
    await exchange(consentId);
    expect(await citizen.change(consentId, 'revoke')).toMatchObject({ status: 'REVOKED' });
    expect(await refusal(() => exchange(consentId))).toEqual({ status: 403, code: 'CONSENT_NOT_ACTIVE' });
    expect(await eventsOf(consentId)).toEqual([
      'ConsentRequested',
      'ConsentApproved',
      'DataExchanged',
      'ConsentRevoked',
      'ExchangeRefused',
    ]);
    await platform.projected();
    expect((await citizen.accessLog()).map((e) => [e.outcome, e.reason])).toEqual([
      ['refused', 'CONSENT_NOT_ACTIVE'],
      ['delivered', undefined],
    ]);
    expect(await refusal(() => citizen.change(consentId, 'revoke'))).toEqual({
      status: 409,
      code: 'CONSENT_NOT_ACTIVE',
    });
  });

  it('revoked while the provider answers: the exchange read before is refused when it is written', async () => {
    const racing = await GatewayParticipant.create('racing-provider', {
      baseUrl: platform.baseUrl,
      clock: platform.clock,
    });
    let whileAnswering: () => Promise<unknown> = async () => undefined;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        void whileAnswering().then(() => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ value: 'the data' }));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await platform.registerParticipant(racing, ['provider'], `http://127.0.0.1:${port}/exchange`);
      await racing.call('POST', '/gateway/datasets', {
        datasetId: 'racing-dataset',
        title: 'Racing',
        description: 'served by a provider during whose answer the citizen revokes',
        items: [{ name: 'value', description: 'a value' }],
        schema: { type: 'object' },
      });
      const citizen = await platform.citizen();
      const { consentId } = await ask(citizen, { datasetId: 'racing-dataset', items: ['value'] });
      await citizen.approve(await citizen.fetch(consentId));
      whileAnswering = () => citizen.change(consentId, 'revoke');

      expect(await refusal(() => exchange(consentId))).toEqual({ status: 403, code: 'CONSENT_NOT_ACTIVE' });
      expect(await eventsOf(consentId)).toEqual([
        'ConsentRequested',
        'ConsentApproved',
        'ConsentRevoked',
        'ExchangeRefused',
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('paused and resumed: no exchange while paused', async () => {
    const { citizen, consentId } = await approved();
    await citizen.change(consentId, 'pause');
    expect(await refusal(() => exchange(consentId))).toEqual({ status: 403, code: 'CONSENT_NOT_ACTIVE' });
    await citizen.change(consentId, 'resume');
    await exchange(consentId);
  });

  it('takes a signed pause once: replayed after the resume, it does not pause the consent again', async () => {
    const { citizen, consentId } = await approved();
    const pause = await citizen.phone.signRequest(consentChangePayload(consentId, 'pause'));
    await platform.http.post(`/app/consents/${consentId}/pause`).send(pause).expect(200);
    await citizen.change(consentId, 'resume');
    const replayed = await platform.http.post(`/app/consents/${consentId}/pause`).send(pause).expect(401);
    expect(replayed.body.code).toBe('DEVICE_SIGNATURE_REPLAYED');
    await exchange(consentId);
  });

  it('a rejected request never allows an exchange', async () => {
    const citizen = await platform.citizen();
    const { consentId } = await ask(citizen);
    expect(await citizen.reject(await citizen.fetch(consentId))).toMatchObject({ status: 'REJECTED' });
    expect(await refusal(() => exchange(consentId))).toEqual({ status: 403, code: 'CONSENT_NOT_ACTIVE' });
  });

  it('expires by time: the clock passes the expiry, the next exchange is refused and the consent reads EXPIRED', async () => {
    const { citizen, consentId } = await approved({
      expiresAt: new Date(platform.clock.now().getTime() + DAY).toISOString(),
    });
    platform.clock.advance(DAY);
    expect(await refusal(() => exchange(consentId))).toEqual({ status: 403, code: 'CONSENT_EXPIRED' });
    expect((await eventsOf(consentId)).slice(-2)).toEqual(['ConsentExpired', 'ExchangeRefused']);
    await platform.projected();
    expect((await citizen.consents())[0]).toMatchObject({ consentId, status: 'EXPIRED' });
  });

  it('refuses a fetch beyond the frequency consented to', async () => {
    const { consentId } = await approved({ frequency: { mode: 'once' } });
    await exchange(consentId);
    expect(await refusal(() => exchange(consentId))).toEqual({ status: 429, code: 'FREQUENCY_EXCEEDED' });
  });

  it('refuses items and dates the consent does not cover, and a consent of another consumer', async () => {
    const { consentId } = await approved();
    expect(await refusal(() => exchange(consentId, { items: ['tenancyType'] }))).toEqual({
      status: 403,
      code: 'ITEMS_NOT_COVERED',
    });
    expect(
      await refusal(() => exchange(consentId, { dataRange: { from: '2019-01-01', to: '2021-01-01' } })),
    ).toEqual({ status: 403, code: 'DATA_RANGE_NOT_COVERED' });
    const delivered = await exchange(consentId, { items: ['since'] });
    expect(Object.keys(delivered.payload)).toEqual(['since']);
    expect(
      await refusal(() => platform.housing.call('POST', `/gateway/consents/${consentId}/exchanges`, {})),
    ).toEqual({ status: 403, code: 'PARTICIPANT_ROLE_REQUIRED' });
  });

  it('refuses bad consent requests, writing nothing', async () => {
    const citizen = await platform.citizen();
    const before = (await platform.log()).length;
    const past = new Date(platform.clock.now().getTime() - 1000).toISOString();
    expect(await refusal(() => ask(citizen, { datasetId: 'tax-assessment' }))).toEqual({
      status: 404,
      code: 'DATASET_NOT_FOUND',
    });
    expect(await refusal(() => ask(citizen, { items: ['address', 'income'] }))).toEqual({
      status: 400,
      code: 'ITEMS_NOT_IN_CATALOGUE',
    });
    expect(await refusal(() => ask(citizen, { expiresAt: past }))).toEqual({
      status: 400,
      code: 'CONSENT_EXPIRY_IN_PAST',
    });
    expect(await refusal(() => ask(citizen, { frequency: { mode: 'periodic' } }))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    expect(await refusal(() => ask(citizen, { citizenId: 'not-a-uuid' }))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
    expect((await platform.log()).length).toBe(before);
  });

  it('answers an exchange under an unknown consent 404, writing nothing', async () => {
    const before = (await platform.log()).length;
    expect(await refusal(() => exchange('6f1d7a2e-1b7c-4b8e-9a41-6a0d2f6b9c11'))).toEqual({
      status: 404,
      code: 'CONSENT_NOT_FOUND',
    });
    expect(await refusal(() => exchange('not-a-uuid'))).toEqual({ status: 400, code: 'CONSENT_ID_INVALID' });
    expect((await platform.log()).length).toBe(before);
  });

  describe('a batch of exchanges (POST /gateway/exchanges)', () => {
    type Outcome = {
      consentId: string;
      status: number;
      exchange?: Delivered & { consentId: string; items: string[] };
      problem?: { code: string; status: number };
    };
    const batch = (exchanges: object[]) =>
      platform.welfare.call<{ results: Outcome[] }>('POST', '/gateway/exchanges', { exchanges });

    it('answers each item on its own, in order: delivered, refused and unknown side by side, each written', async () => {
      const first = await approved();
      const second = await approved();
      const revoked = await approved();
      await revoked.citizen.change(revoked.consentId, 'revoke');
      const unknown = '6f1d7a2e-1b7c-4b8e-9a41-6a0d2f6b9c12';

      const { results } = await batch([
        { consentId: first.consentId },
        { consentId: revoked.consentId },
        { consentId: second.consentId, items: ['address'] },
        { consentId: unknown },
        { consentId: first.consentId.toUpperCase() },
      ]);

      expect(results.map((r) => [r.consentId, r.status, r.problem?.code])).toEqual([
        [first.consentId, 200, undefined],
        [revoked.consentId, 403, 'CONSENT_NOT_ACTIVE'],
        [second.consentId, 200, undefined],
        [unknown, 404, 'CONSENT_NOT_FOUND'],
        [first.consentId, 200, undefined],
      ]);
      const record = tenancyOf(second.citizen.phone.citizenId);
      expect(results[2]!.exchange).toMatchObject({ consentId: second.consentId, items: ['address'] });
      expect(results[2]!.exchange!.payload).toEqual({ address: record.address });
      expect(results[1]!.problem).toMatchObject({ status: 403, type: 'urn:problem:consent-not-active' });
      expect(results[0]!.exchange!.exchangeId).not.toBe(results[4]!.exchange!.exchangeId);

      expect(await eventsOf(first.consentId)).toEqual([
        'ConsentRequested',
        'ConsentApproved',
        'DataExchanged',
        'DataExchanged',
      ]);
      expect(await eventsOf(second.consentId)).toEqual([
        'ConsentRequested',
        'ConsentApproved',
        'DataExchanged',
      ]);
      expect(await eventsOf(revoked.consentId)).toEqual([
        'ConsentRequested',
        'ConsentApproved',
        'ConsentRevoked',
        'ExchangeRefused',
      ]);
      expect(await eventsOf(unknown)).toEqual([]);
      await platform.projected();
      expect((await first.citizen.accessLog()).map((e) => [e.exchangeId, e.outcome])).toEqual(
        expect.arrayContaining([
          [results[0]!.exchange!.exchangeId, 'delivered'],
          [results[4]!.exchange!.exchangeId, 'delivered'],
        ]),
      );
      expect((await revoked.citizen.accessLog()).map((e) => [e.outcome, e.reason])).toEqual([
        ['refused', 'CONSENT_NOT_ACTIVE'],
      ]);
    });

    it('refuses a batch that is empty, too large or malformed, writing nothing', async () => {
      const { consentId } = await approved();
      const before = (await platform.log()).length;
      const tooMany = Array.from({ length: 101 }, () => ({ consentId }));
      for (const exchanges of [
        [],
        tooMany,
        [{ consentId: 'not-a-uuid' }],
        [{ consentId, items: 'address' }],
        [7],
      ]) {
        expect(await refusal(() => batch(exchanges as object[]))).toEqual({
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
      expect(
        await refusal(() =>
          platform.housing.call('POST', '/gateway/exchanges', { exchanges: [{ consentId }] }),
        ),
      ).toEqual({ status: 403, code: 'PARTICIPANT_ROLE_REQUIRED' });
      expect((await platform.log()).length).toBe(before);
    });
  });

  it("refuses another citizen's approval, and one signed over other terms", async () => {
    const citizen = await platform.citizen();
    const stranger = await platform.citizen();
    const { consentId } = await ask(citizen);
    const shown = await citizen.fetch(consentId);
    expect(await refusal(() => stranger.approve(shown))).toEqual({ status: 404, code: 'CONSENT_NOT_FOUND' });
    const otherTerms = { ...shown, terms: { ...shown.terms, items: ['address', 'since', 'tenancyType'] } };
    expect(await refusal(() => citizen.approve(otherTerms))).toEqual({
      status: 401,
      code: 'DEVICE_SIGNATURE_INVALID',
    });
    expect(await eventsOf(consentId)).toEqual(['ConsentRequested']);
  });

  describe('when the provider fails, the consumer gets a clear 502/504 and the attempt is logged', () => {
    afterAll(() => platform.provider.behave('normal'));

    it.each([
      ['error', 502, 'PROVIDER_ERROR'],
      ['invalid-payload', 502, 'PROVIDER_PAYLOAD_INVALID'],
      ['oversize-payload', 502, 'PROVIDER_PAYLOAD_TOO_LARGE'],
      ['slow', 504, 'PROVIDER_TIMEOUT'],
    ] as const)(
      'provider %s',
      async (behaviour, status, code) => {
        const { consentId } = await approved({ frequency: { mode: 'once' } });
        platform.provider.behave(behaviour);
        expect(await refusal(() => exchange(consentId))).toEqual({ status, code });
        platform.provider.behave('normal');
        expect((await eventsOf(consentId)).slice(-1)).toEqual(['ExchangeFailed']);
        // A failed attempt used nothing of a one-time consent.
        await exchange(consentId);
      },
      15_000,
    );

    it('provider down', async () => {
      const { consentId } = await approved();
      const down = await platform.welfare.call('GET', '/gateway/consents/' + consentId);
      expect(down).toMatchObject({ status: 'ACTIVE' });
      const unreachable = await (
        await import('../../libs/consent/src/simulator/gateway-participant.js')
      ).GatewayParticipant.create('closed-provider', { baseUrl: platform.baseUrl, clock: platform.clock });
      await platform.registerParticipant(unreachable, ['provider'], 'http://127.0.0.1:9/exchange');
      await unreachable.call('POST', '/gateway/datasets', {
        datasetId: 'closed-dataset',
        title: 'Closed',
        description: 'served by a provider that is down',
        items: [{ name: 'value', description: 'a value' }],
        schema: { type: 'object' },
      });
      const citizen = await platform.citizen();
      const { consentId: closed } = await ask(citizen, { datasetId: 'closed-dataset', items: ['value'] });
      await citizen.approve(await citizen.fetch(closed));
      expect(await refusal(() => exchange(closed))).toEqual({ status: 502, code: 'PROVIDER_UNAVAILABLE' });
      expect((await eventsOf(closed)).slice(-1)).toEqual(['ExchangeFailed']);
    });
  });

  describe('participant authentication', () => {
    it('refuses a replayed token, another audience, a long-lived token, a key not registered, and no token', async () => {
      const token = await platform.welfare.token();
      await platform.welfare.call('GET', '/gateway/datasets', undefined, token);
      expect(
        await refusal(() => platform.welfare.call('GET', '/gateway/datasets', undefined, token)),
      ).toEqual({
        status: 401,
        code: 'PARTICIPANT_TOKEN_INVALID',
      });
      const elsewhere = await platform.welfare.token({ aud: 'https://elsewhere.example/gateway' });
      expect(
        await refusal(() => platform.welfare.call('GET', '/gateway/datasets', undefined, elsewhere)),
      ).toEqual({
        status: 401,
        code: 'PARTICIPANT_TOKEN_INVALID',
      });
      const now = Math.floor(platform.clock.now().getTime() / 1000);
      const datedAhead = await platform.welfare.token({ iat: now + 3600, exp: now + 3700 });
      expect(
        await refusal(() => platform.welfare.call('GET', '/gateway/datasets', undefined, datedAhead)),
      ).toEqual({
        status: 401,
        code: 'PARTICIPANT_TOKEN_INVALID',
      });
      const longLived = await platform.welfare.token({ exp: now + 3600 });
      expect(
        await refusal(() => platform.welfare.call('GET', '/gateway/datasets', undefined, longLived)),
      ).toEqual({
        status: 401,
        code: 'PARTICIPANT_TOKEN_INVALID',
      });
      const { GatewayParticipant } = await import('../../libs/consent/src/simulator/gateway-participant.js');
      const stranger = await GatewayParticipant.create('social-welfare', {
        baseUrl: platform.baseUrl,
        clock: platform.clock,
      });
      expect(await refusal(() => stranger.call('GET', '/gateway/datasets'))).toEqual({
        status: 401,
        code: 'PARTICIPANT_TOKEN_INVALID',
      });
      const response = await platform.http.get('/gateway/datasets');
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('PARTICIPANT_TOKEN_REQUIRED');
    });

    it('lists the datasets a consumer may ask for', async () => {
      const { datasets } = await platform.welfare.call<{ datasets: { datasetId: string }[] }>(
        'GET',
        '/gateway/datasets',
      );
      expect(datasets.map((d) => d.datasetId)).toContain('proof-of-address');
    });
  });
});
