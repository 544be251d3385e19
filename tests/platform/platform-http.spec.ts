import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, ProjectionRunner } from '#libs/eventsourcing';
import { storageTargets } from '../support/storage-targets.js';
import { hkidFor, signedRegistration, startTestPlatform, testConfig } from '../support/test-platform.js';

describe.each(storageTargets('platform'))('platform over HTTP on %s', (_name, target) => {
  let app: NestExpressApplication;
  let dropStorage: () => Promise<void>;
  let store: EventStore;
  let http: ReturnType<typeof request>;
  let seq = 0;

  const person = () => ({
    nameEn: 'CHAN, Tai Man',
    nameZh: '陳大文',
    hkid: hkidFor(++seq),
    dateOfBirth: '1990-02-14',
  });
  const registration = async (overrides: Record<string, unknown> = {}) => ({
    ...(await signedRegistration(person())),
    ...overrides,
  });

  const eventCount = async () => (await store.readAll({ maxCount: 100_000 })).length;

  beforeAll(async () => {
    const storage = await target.create();
    dropStorage = storage.drop;
    app = await startTestPlatform(testConfig(storage.config));
    store = app.get(EVENT_STORE);
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    await app.close();
    await dropStorage();
  });

  it('reports ready when the stores answer', async () => {
    const response = await http.get('/health').expect(200);
    expect(response.body).toMatchObject({ status: 'ok', checks: { eventStore: 'up', readModels: 'up' } });
    expect(response.body.projections).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'citizen-directory', state: expect.any(String) }),
      ]),
    );
  });

  it('registers a citizen and shows them in the directory once projected', async () => {
    const created = await http
      .post('/citizens')
      .send(await registration())
      .expect(201);
    expect(created.body).toEqual({
      citizenId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      deviceId: expect.any(String),
      assuranceLevel: 'basic',
    });
    const events = await store.readStream(`citizen-${created.body.citizenId}`);
    await app.get(ProjectionRunner).waitFor(events[events.length - 1]!.position);
    const shown = await http.get(`/citizens/${created.body.citizenId}`).expect(200);
    expect(shown.body).toMatchObject({
      citizenId: created.body.citizenId,
      assuranceLevel: 'basic',
      activeDevices: 1,
    });
  });

  it('keeps personal data out of the log in clear', async () => {
    const body = await registration();
    const created = await http.post('/citizens').send(body).expect(201);
    const events = JSON.stringify(await store.readStream(`citizen-${created.body.citizenId}`), (_k, v) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    for (const secret of ['陳大文', 'CHAN, Tai Man', '1990-02-14', (body.hkid as string).slice(0, 7)]) {
      expect(events).not.toContain(secret);
    }
  });

  it('answers a retried request with the same Idempotency-Key once, with the first answer', async () => {
    const body = await registration();
    const first = await http.post('/citizens').set('Idempotency-Key', 'reg-retry-1').send(body).expect(201);
    const before = await eventCount();
    const retry = await http.post('/citizens').set('Idempotency-Key', 'reg-retry-1').send(body).expect(201);
    expect(retry.body).toEqual(first.body);
    expect(await eventCount()).toBe(before);
  });

  it('refuses an Idempotency-Key reused for a different request, and claims nothing for it', async () => {
    await http
      .post('/citizens')
      .set('Idempotency-Key', 'reg-reuse-1')
      .send(await registration())
      .expect(201);
    const other = await registration();
    const before = await eventCount();
    const reuse = await http.post('/citizens').set('Idempotency-Key', 'reg-reuse-1').send(other);
    expect(reuse.status).toBe(422);
    expect(reuse.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await eventCount()).toBe(before);
    await http.post('/citizens').send(other).expect(201);
  });

  it('refuses a second registration with the same HKID number', async () => {
    const someone = person();
    await http
      .post('/citizens')
      .send(await signedRegistration(someone))
      .expect(201);
    const again = await http
      .post('/citizens')
      .send(await signedRegistration(someone))
      .expect(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.body).toMatchObject({ code: 'HKID_ALREADY_REGISTERED', status: 409 });
  });

  describe('bad input gets a problem document and writes nothing', () => {
    const expectProblem = async (response: request.Response, status: number, code: string) => {
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        status,
        code,
        type: expect.any(String),
        title: expect.any(String),
      });
      expect(JSON.stringify(response.body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
    };

    it('malformed JSON', async () => {
      const before = await eventCount();
      const response = await http
        .post('/citizens')
        .set('Content-Type', 'application/json')
        .send('{"nameEn": "CHAN", ');
      await expectProblem(response, 400, 'MALFORMED_JSON');
      expect(await eventCount()).toBe(before);
    });

    it('missing and unknown fields, each listed, no value echoed', async () => {
      const body = { hkid: 'A123456(3)', dateOfBirth: 'yesterday', devicePublicKey: 'nope', isAdmin: true };
      const response = await http.post('/citizens').send(body);
      await expectProblem(response, 400, 'VALIDATION_FAILED');
      const fields = response.body.violations.map((v: { field: string }) => v.field).sort();
      expect(fields).toEqual(['dateOfBirth', 'deviceProof', 'devicePublicKey', 'isAdmin', 'nameEn']);
      expect(JSON.stringify(response.body)).not.toContain('A123456');
    });

    it('an HKID number with a wrong check digit, not quoted back', async () => {
      const before = await eventCount();
      const response = await http.post('/citizens').send(await registration({ hkid: 'A123456(4)' }));
      await expectProblem(response, 400, 'HKID_INVALID');
      expect(JSON.stringify(response.body)).not.toContain('A123456');
      expect(await eventCount()).toBe(before);
    });

    it('an impossible date of birth and a private device key', async () => {
      await expectProblem(
        await http.post('/citizens').send(await registration({ dateOfBirth: '2001-02-30' })),
        400,
        'DATE_OF_BIRTH_INVALID',
      );
      await expectProblem(
        await http
          .post('/citizens')
          .send(await registration({ devicePublicKey: { kty: 'EC', crv: 'P-256', d: 'x' } })),
        400,
        'DEVICE_KEY_INVALID',
      );
    });

    it('an oversize body', async () => {
      const response = await http
        .post('/citizens')
        .send(await registration({ nameEn: 'x'.repeat(2 * 1024 * 1024) }));
      await expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('a malformed Idempotency-Key', async () => {
      const response = await http
        .post('/citizens')
        .set('Idempotency-Key', 'has spaces')
        .send(await registration());
      await expectProblem(response, 400, 'INVALID_IDEMPOTENCY_KEY');
    });

    it('an unknown route, and a citizen id that is not a UUID', async () => {
      await expectProblem(await http.get('/nowhere'), 404, 'NOT_FOUND');
      await expectProblem(await http.get('/citizens/not-a-uuid'), 400, 'BAD_REQUEST');
      await expectProblem(
        await http.get('/citizens/7b0e5c8e-8d43-4a8e-9d8e-2f0b6f3a1c55'),
        404,
        'CITIZEN_NOT_FOUND',
      );
    });
  });
});

describe('readiness when a store is gone', () => {
  it('answers 503 with a problem naming the failed check', async () => {
    const app = await startTestPlatform();
    try {
      await app.get<EventStore>(EVENT_STORE).close();
      const response = await request(app.getHttpServer()).get('/health').expect(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        code: 'NOT_READY',
        checks: { eventStore: 'down', readModels: 'up' },
      });
      await request(app.getHttpServer()).get('/health/live').expect(200);
    } finally {
      await app.close();
    }
  });
});
