import { describe, expect, it } from '@jest/globals';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE } from '#libs/eventsourcing';
import { storageTargets } from '../support/storage-targets.js';
import {
  admin,
  newKey,
  registerKey,
  registeredCitizen,
  registeredCorporation,
  sign,
  signFlattened,
  corporatePlatformFor,
} from './corporate-platform.js';

const HOUR = 3_600_000;

describe.each(storageTargets('corporate'))(
  'corporate identity and signatures over HTTP on %s',
  (_name, target) => {
    const platform = corporatePlatformFor(target);

    const validate = (body: Record<string, unknown>) =>
      platform.http.post('/corporate/signatures/validation').send(body).expect(200);
    const timestamp = async (jws: unknown, detachedPayload?: string) =>
      (
        await platform.http
          .post('/corporate/signature-timestamps')
          .send({ jws, ...(detachedPayload !== undefined && { detachedPayload }) })
          .expect(201)
      ).body as { timestamp: string; genTime: string };

    describe('corporations and representatives', () => {
      it('registers a corporation by its BR number, once; refuses a malformed number', async () => {
        const body = { brNumber: '12345678', crNumber: '7654321', nameEn: 'Kowloon Ferries Limited' };
        const created = await platform.http.post('/admin/corporations').set(admin).send(body).expect(201);
        expect(created.body).toMatchObject({ corporationId: '12345678', status: 'active', appointments: [] });
        const again = await platform.http.post('/admin/corporations').set(admin).send(body).expect(409);
        expect(again.body.code).toBe('CORPORATION_ALREADY_REGISTERED');
        const bad = await platform.http
          .post('/admin/corporations')
          .set(admin)
          .send({ ...body, brNumber: '1234-567' })
          .expect(400);
        expect(bad.body.code).toBe('VALIDATION_FAILED');
        await platform.http.post('/admin/corporations').send(body).expect(401);
      });

      it('appoints, changes and revokes a representative, each an event on the corporation stream', async () => {
        const { corporationId } = await registeredCorporation(platform.http);
        const { citizenId } = await registeredCitizen(platform.baseUrl, platform.clock);
        const unknown = await platform.http
          .post(`/corporate/corporations/${corporationId}/appointments`)
          .set(admin)
          .send({ citizenId: 'no-such-citizen', role: 'user', eservices: ['etax'] })
          .expect(422);
        expect(unknown.body.code).toBe('CITIZEN_NOT_FOUND');
        const appointed = await platform.http
          .post(`/corporate/corporations/${corporationId}/appointments`)
          .set(admin)
          .send({ citizenId, role: 'authorised-signatory', eservices: ['etax'] })
          .expect(201);
        const [appointment] = appointed.body.appointments;
        expect(appointment).toMatchObject({
          citizenId,
          role: 'authorised-signatory',
          eservices: ['etax'],
        });
        const twice = await platform.http
          .post(`/corporate/corporations/${corporationId}/appointments`)
          .set(admin)
          .send({ citizenId, role: 'user', eservices: ['*'] })
          .expect(409);
        expect(twice.body.code).toBe('ALREADY_APPOINTED');

        const changed = await platform.http
          .patch(`/corporate/corporations/${corporationId}/appointments/${appointment.appointmentId}`)
          .set(admin)
          .send({ role: 'administrator', eservices: ['*'] })
          .expect(200);
        expect(changed.body.appointments[0]).toMatchObject({ role: 'administrator', eservices: ['*'] });
        const revoked = await platform.http
          .post(
            `/corporate/corporations/${corporationId}/appointments/${appointment.appointmentId}/revocation`,
          )
          .set(admin)
          .send({ reason: 'left the company' })
          .expect(200);
        expect(revoked.body.appointments[0].revokedAt).toBe(platform.clock.now().toISOString());
        const again = await platform.http
          .post(
            `/corporate/corporations/${corporationId}/appointments/${appointment.appointmentId}/revocation`,
          )
          .set(admin)
          .send({ reason: 'again' })
          .expect(409);
        expect(again.body.code).toBe('APPOINTMENT_ENDED');

        const store = platform.app.get<EventStore>(EVENT_STORE);
        const types = (await store.readStream(`corporation-${corporationId}`)).map((e) => e.type);
        expect(types).toEqual([
          'CorporationRegistered',
          'RepresentativeAppointed',
          'AppointmentChanged',
          'AppointmentRevoked',
        ]);
      });

      it('answers a retried write under the same Idempotency-Key once', async () => {
        const { corporationId } = await registeredCorporation(platform.http);
        const { citizenId } = await registeredCitizen(platform.baseUrl, platform.clock);
        const send = () =>
          platform.http
            .post(`/corporate/corporations/${corporationId}/appointments`)
            .set({ ...admin, 'Idempotency-Key': `appoint-${corporationId}` })
            .send({ citizenId, role: 'user', eservices: ['etax'] })
            .expect(201);
        const first = await send();
        const second = await send();
        expect(second.body.appointments).toEqual(first.body.appointments);
        expect(second.body.appointments).toHaveLength(1);
      });
    });

    describe('keys and validation', () => {
      it('passes a seal signature of every algorithm, compact and JSON, attached and detached', async () => {
        for (const alg of ['ES256', 'EdDSA', 'RS256', 'PS256'] as const) {
          const { corporationId, key, kid } = await registeredCorporation(platform.http, alg);
          const report = (await validate({ jws: await sign(key!, kid) })).body;
          expect(report).toMatchObject({
            indication: 'TOTAL_PASSED',
            signer: { corporationId, kind: 'seal', kid, nameEn: 'Harbour Trading Limited' },
          });
          expect(report.subIndication).toBeUndefined();
        }
        const { key, kid } = await registeredCorporation(platform.http, 'ES256');
        const flattened = await signFlattened(key!, kid, '{"invoice":42}');
        expect((await validate({ jws: flattened })).body.indication).toBe('TOTAL_PASSED');
        const general = {
          payload: flattened.payload,
          signatures: [{ protected: flattened.protected, signature: flattened.signature }],
        };
        expect((await validate({ jws: general })).body.indication).toBe('TOTAL_PASSED');

        const [h, p, s] = (await sign(key!, kid, 'detached document')).split('.');
        expect((await validate({ jws: `${h}..${s}`, detachedPayload: p })).body.indication).toBe(
          'TOTAL_PASSED',
        );
        const other = Buffer.from('another document').toString('base64url');
        expect((await validate({ jws: `${h}..${s}`, detachedPayload: other })).body).toMatchObject({
          indication: 'TOTAL_FAILED',
          subIndication: 'HASH_FAILURE',
        });
        expect((await validate({ jws: `${h}..${s}` })).body).toMatchObject({
          indication: 'INDETERMINATE',
          subIndication: 'SIGNED_DATA_NOT_FOUND',
        });
      });

      it('validates a batch, one report per signature in the order sent; refuses an empty or oversize batch', async () => {
        const { corporationId, key, kid } = await registeredCorporation(platform.http, 'ES256');
        const good = await sign(key!, kid, 'invoice 1');
        const [h, , s] = good.split('.');
        const tampered = `${h}.${Buffer.from('invoice 2').toString('base64url')}.${s}`;
        const { body } = await platform.http
          .post('/corporate/signatures/validations')
          .send({ signatures: [{ jws: good }, { jws: tampered }, { jws: 'not a jws' }, { jws: good }] })
          .expect(200);
        expect(
          body.reports.map(
            (r: { indication: string; subIndication?: string }) => r.subIndication ?? r.indication,
          ),
        ).toEqual(['TOTAL_PASSED', 'SIG_CRYPTO_FAILURE', 'FORMAT_FAILURE', 'TOTAL_PASSED']);
        expect(body.reports[0]).toMatchObject({ signer: { corporationId, kid } });

        for (const signatures of [[], Array.from({ length: 101 }, () => ({ jws: good })), [{}]]) {
          const refused = await platform.http
            .post('/corporate/signatures/validations')
            .send({ signatures })
            .expect(400);
          expect(refused.body.code).toBe('VALIDATION_FAILED');
        }
      });

      it('supports unencoded detached payloads (RFC 7797 b64=false)', async () => {
        const { key, kid } = await registeredCorporation(platform.http, 'ES256');
        const document = 'a document. with dots, $ and unicode: 海港';
        const flattened = await signFlattened(key!, kid, document, { b64: false, crit: ['b64'] });
        const jws = `${flattened.protected}..${flattened.signature}`;
        const detachedPayload = Buffer.from(document).toString('base64url');
        expect((await validate({ jws, detachedPayload })).body.indication).toBe('TOTAL_PASSED');
        const tampered = Buffer.from(`${document}!`).toString('base64url');
        expect((await validate({ jws, detachedPayload: tampered })).body.subIndication).toBe('HASH_FAILURE');
        // The same signature read as if b64 were true is another signing input: it must not verify.
        const asEncoded = Buffer.from(Buffer.from(document).toString('base64url')).toString('base64url');
        expect((await validate({ jws, detachedPayload: asEncoded })).body.indication).toBe('TOTAL_FAILED');
      });

      it('judges at the timestamped signing time: a key revoked later still passes, without proof it is indeterminate', async () => {
        const { corporationId, key, kid } = await registeredCorporation(platform.http, 'ES256');
        const jws = await sign(key!, kid);
        const { timestamp: token, genTime } = await timestamp(jws);
        expect(genTime).toBe(platform.clock.now().toISOString());
        platform.clock.advance(HOUR);
        await platform.http
          .post(`/corporate/corporations/${corporationId}/keys/${kid}/revocation`)
          .set(admin)
          .send({ reason: 'superseded' })
          .expect(200);
        expect((await validate({ jws, timestamp: token })).body).toMatchObject({
          indication: 'TOTAL_PASSED',
          signingTime: genTime,
        });
        expect((await validate({ jws })).body).toMatchObject({
          indication: 'INDETERMINATE',
          subIndication: 'REVOKED_NO_POE',
        });
        const refused = await platform.http.post('/corporate/signature-timestamps').send({ jws }).expect(422);
        expect(refused.body.code).toBe('SIGNATURE_NOT_VALID');
      });

      it('records every timestamp it issues, and none for a signature it refuses', async () => {
        const { corporationId, key, kid } = await registeredCorporation(platform.http, 'ES256');
        const jws = await sign(key!, kid, 'bill of lading');
        const { timestamp: token, genTime } = await platform.http
          .post('/corporate/signature-timestamps')
          .set('X-Correlation-Id', 'timestamp-audit-1')
          .send({ jws })
          .expect(201)
          .then((r) => r.body as { timestamp: string; genTime: string });
        const stream = `corporateTimestamps-${corporationId}:${genTime.slice(0, 10)}`;
        const recorded = await platform.app.get<EventStore>(EVENT_STORE).readStream(stream);
        const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as object;
        expect(recorded.map((e) => ({ type: e.type, data: e.data }))).toEqual([
          { type: 'SignatureTimestamped', data: { corporationId, ...claims } },
        ]);
        expect(recorded[0]!.metadata).toMatchObject({
          correlationId: 'timestamp-audit-1',
          occurredAt: genTime,
        });

        await platform.http
          .post('/corporate/signature-timestamps')
          .send({ jws: `${jws}x` })
          .expect(422);
        expect(await platform.app.get<EventStore>(EVENT_STORE).readStream(stream)).toHaveLength(1);
      });

      it('fails a signature timestamped after the key was compromised, passes one before', async () => {
        const { corporationId, key, kid } = await registeredCorporation(platform.http, 'ES256');
        const early = await sign(key!, kid, 'early');
        const earlyToken = (await timestamp(early)).timestamp;
        platform.clock.advance(HOUR);
        const compromisedSince = platform.clock.now().toISOString();
        platform.clock.advance(HOUR);
        const late = await sign(key!, kid, 'late');
        const lateToken = (await timestamp(late)).timestamp;
        platform.clock.advance(HOUR);
        await platform.http
          .post(`/corporate/corporations/${corporationId}/keys/${kid}/revocation`)
          .set(admin)
          .send({ reason: 'compromised', compromisedSince })
          .expect(200);
        expect((await validate({ jws: early, timestamp: earlyToken })).body.indication).toBe('TOTAL_PASSED');
        expect((await validate({ jws: late, timestamp: lateToken })).body).toMatchObject({
          indication: 'TOTAL_FAILED',
          subIndication: 'REVOKED',
        });
        // A timestamp proves the time of its own signature only.
        expect((await validate({ jws: late, timestamp: earlyToken })).body).toMatchObject({
          indication: 'INDETERMINATE',
          subIndication: 'NO_POE',
        });
      });

      it('ends a rotated key: its new signatures fail, the successor signs', async () => {
        const { corporationId, key, kid } = await registeredCorporation(platform.http, 'ES256');
        const before = await sign(key!, kid);
        const beforeToken = (await timestamp(before)).timestamp;
        platform.clock.advance(HOUR);
        const successor = newKey('EdDSA');
        const rotated = await platform.http
          .post(`/corporate/corporations/${corporationId}/keys/${kid}/rotation`)
          .set(admin)
          .send({ successor: { publicJwk: successor.publicJwk } })
          .expect(200);
        const newKid = (rotated.body.keys as { kid: string }[]).find((k) => k.kid !== kid)!.kid;
        expect((await validate({ jws: before, timestamp: beforeToken })).body.indication).toBe(
          'TOTAL_PASSED',
        );
        expect((await validate({ jws: await sign(key!, kid, 'after') })).body).toMatchObject({
          indication: 'INDETERMINATE',
          subIndication: 'OUT_OF_BOUNDS_NO_POE',
        });
        expect((await validate({ jws: await sign(successor, newKid) })).body.indication).toBe('TOTAL_PASSED');
      });

      it('keeps the signatures of a dissolved corporation made before, refuses what comes after', async () => {
        const { corporationId, key, kid } = await registeredCorporation(platform.http, 'ES256');
        const jws = await sign(key!, kid);
        const token = (await timestamp(jws)).timestamp;
        platform.clock.advance(HOUR);
        await platform.http
          .post(`/admin/corporations/${corporationId}/dissolution`)
          .set(admin)
          .send({})
          .expect(200);
        expect((await validate({ jws, timestamp: token })).body.indication).toBe('TOTAL_PASSED');
        const later = await sign(key!, kid, 'after dissolution');
        expect((await validate({ jws: later })).body).toMatchObject({
          indication: 'INDETERMINATE',
          subIndication: 'REVOKED_NO_POE',
        });
        await platform.http.post('/corporate/signature-timestamps').send({ jws: later }).expect(422);
        const refused = await platform.http
          .post(`/corporate/corporations/${corporationId}/keys`)
          .set(admin)
          .send({ publicJwk: newKey().publicJwk })
          .expect(409);
        expect(refused.body.code).toBe('CORPORATION_DISSOLVED');
      });

      it('refuses private, weak and mismatched keys, and a key another corporation holds', async () => {
        const { corporationId } = await registeredCorporation(platform.http);
        const es = newKey('ES256');
        const post = (body: object) =>
          platform.http.post(`/corporate/corporations/${corporationId}/keys`).set(admin).send(body);
        const privateJwk = es.privateKey.export({ format: 'jwk' });
        expect((await post({ publicJwk: privateJwk }).expect(400)).body.code).toBe('SIGNING_KEY_INVALID');
        expect((await post({ publicJwk: es.publicJwk, algorithms: ['RS256'] }).expect(400)).body.code).toBe(
          'SIGNING_KEY_INVALID',
        );
        expect((await post({ publicJwk: { kty: 'oct', k: 'c2VjcmV0' } }).expect(400)).body.code).toBe(
          'SIGNING_KEY_INVALID',
        );
        const { key } = await registeredCorporation(platform.http, 'ES256');
        expect((await post({ publicJwk: key!.publicJwk }).expect(409)).body.code).toBe(
          'SIGNING_KEY_ALREADY_REGISTERED',
        );
      });

      it('publishes every corporation key with its history, and the timestamp keys', async () => {
        const { corporationId, kid } = await registeredCorporation(platform.http, 'ES256');
        const { body } = await platform.http
          .get(`/corporate/verification-keys?corporationId=${corporationId}`)
          .expect(200);
        expect(body.corporations).toHaveLength(1);
        expect(body.corporations[0].jwks.keys[0]).toMatchObject({ kid, kty: 'EC', alg: 'ES256', use: 'sig' });
        expect(body.corporations[0].jwks.keys[0].d).toBeUndefined();
        expect(body.timestampKeys.keys.length).toBeGreaterThan(0);
      });

      it('refuses keys whose validity has not started, with a signing time before it', async () => {
        const { corporationId } = await registeredCorporation(platform.http);
        const key = newKey();
        const validFrom = new Date(platform.clock.now().getTime() + HOUR).toISOString();
        const kid = await registerKey(platform.http, corporationId, key, { validFrom });
        expect((await validate({ jws: await sign(key, kid) })).body).toMatchObject({
          indication: 'TOTAL_FAILED',
          subIndication: 'NOT_YET_VALID',
        });
      });
    });
  },
);
