import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { ValidationTally } from '#libs/corporate';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type EventStore } from '#libs/event-store';
import { EVENT_STORE } from '#libs/eventsourcing';
import {
  admin,
  registeredCitizen,
  registeredCorporation,
  corporatePlatformFor,
  sign,
  startCorporatePlatform,
} from '../corporate/corporate-platform.js';
import { eventually } from '../support/eventually.js';
import { storageTargets } from '../support/storage-targets.js';

describe.each(storageTargets('metrics_corporate'))('corporate adoption metrics on %s', (_name, target) => {
  const platform = corporatePlatformFor(target);

  const summary = async () =>
    (await platform.http.get('/admin/metrics/summary').set(admin).expect(200)).body as {
      corporate: { signatures: number; verificationsByResult: Record<string, number> };
    };

  it('counts corporations, representatives, their signatures and every validation by result', async () => {
    const { corporationId, key, kid } = await registeredCorporation(platform.http, 'ES256');
    await registeredCorporation(platform.http);
    const phone = await registeredCitizen(platform.baseUrl, platform.clock);
    await platform.http
      .post(`/corporate/corporations/${corporationId}/appointments`)
      .set(admin)
      .send({ citizenId: phone.citizenId, role: 'authorised-signatory', eservices: ['*'] })
      .expect(201);
    const documentDigest = createHash('sha256').update('lease').digest('base64url');
    await platform.http
      .post(`/corporate/corporations/${corporationId}/representative-signatures`)
      .send({
        ...(await phone.signRequest({ action: 'sign-for-corporation', corporationId, documentDigest })),
        documentDigest,
      })
      .expect(201);

    const validate = async (body: object) =>
      (await platform.http.post('/corporate/signatures/validation').send(body).expect(200)).body as {
        indication: string;
      };
    const jws = await sign(key!, kid);
    for (let i = 0; i < 3; i++) expect((await validate({ jws })).indication).toBe('TOTAL_PASSED');
    const [h, p] = jws.split('.');
    expect(await validate({ jws: `${h}.${p}.${'A'.repeat(86)}` })).toMatchObject({
      indication: 'TOTAL_FAILED',
      subIndication: 'SIG_CRYPTO_FAILURE',
    });
    expect(await validate({ jws: await sign(key!, 'no-such-kid') })).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'NO_SIGNING_CERTIFICATE_FOUND',
    });
    for (const document of ['invoice #1', 'invoice #2'])
      await platform.http
        .post('/corporate/signature-timestamps')
        .send({ jws: await sign(key!, kid, document) })
        .expect(201);
    // Validations are tallied every 10 s and at shutdown; the test does not wait for the timer.
    platform.clock.advance(10_000);
    await platform.app.get(ValidationTally).flush();

    const { corporate } = await eventually(async () => {
      const current = await summary();
      return Object.keys(current.corporate.verificationsByResult).length > 0 ? current : undefined;
    });
    expect(corporate).toEqual({
      corporations: { registered: 2, suspended: 0, dissolved: 0 },
      representatives: { appointed: 1, revoked: 0 },
      signatures: 1,
      sealsTimestamped: 2,
      verificationsByResult: {
        TOTAL_PASSED: 3,
        'TOTAL_FAILED/SIG_CRYPTO_FAILURE': 1,
        'INDETERMINATE/NO_SIGNING_CERTIFICATE_FOUND': 1,
      },
    });
    const series = await platform.http
      .get('/admin/metrics/series/signature-verifications?from=2026-03-01&to=2026-03-01')
      .set(admin)
      .expect(200);
    expect(series.body.points).toEqual([{ period: '2026-03-01', value: 5 }]);
    const csv = await platform.http
      .get('/admin/metrics/series/signatures?from=2026-03-01&to=2026-03-01&format=csv')
      .set(admin)
      .expect(200);
    expect(csv.text).toBe('period,value\r\n2026-03-01,1\r\n');
    const stream = 'corporateValidations-2026-03-01';
    const store = platform.app.get<EventStore>(EVENT_STORE);
    const tallies = await store.readStream(stream);
    const tallied = new Map<string, number>();
    for (const { data } of tallies) {
      expect(data).toMatchObject({ from: expect.any(String), to: '2026-03-01T09:00:10.000Z' });
      for (const c of (
        data as { counts: { indication: string; subIndication: string | null; count: number }[] }
      ).counts)
        tallied.set(
          `${c.indication}/${c.subIndication}`,
          (tallied.get(`${c.indication}/${c.subIndication}`) ?? 0) + c.count,
        );
    }
    expect(Object.fromEntries(tallied)).toEqual({
      'TOTAL_PASSED/null': 3,
      'TOTAL_FAILED/SIG_CRYPTO_FAILURE': 1,
      'INDETERMINATE/NO_SIGNING_CERTIFICATE_FOUND': 1,
    });
    // Nothing counted since: a flush writes nothing.
    await platform.app.get(ValidationTally).flush();
    expect(await store.readStream(stream)).toHaveLength(tallies.length);
  });
});

describe('the validation tally at shutdown', () => {
  it('writes what was counted since the last tally before the store closes', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tally-'));
    const { app, http } = await startCorporatePlatform({ eventStore: 'sqlite', dataDir });
    const { key, kid } = await registeredCorporation(http, 'ES256');
    await http
      .post('/corporate/signatures/validation')
      .send({ jws: await sign(key!, kid) })
      .expect(200);
    await app.close();
    const store = new SqliteEventStore({ path: join(dataDir, 'events.db') });
    try {
      const tallies = await store.readStream('corporateValidations-2026-03-01');
      expect(tallies.map((e) => (e.data as { counts: unknown }).counts)).toEqual([
        [{ indication: 'TOTAL_PASSED', subIndication: null, count: 1 }],
      ]);
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
