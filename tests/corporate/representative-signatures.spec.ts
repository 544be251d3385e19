import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { CitizenApp } from '#libs/identity';
import { storageTargets } from '../support/storage-targets.js';
import {
  admin,
  appointed,
  registeredCitizen,
  registeredCorporation,
  corporatePlatformFor,
} from './corporate-platform.js';

const HOUR = 3_600_000;
const document = Buffer.from('Tenancy agreement, Flat 12A, Harbour Court');
const documentB64 = document.toString('base64url');
const documentDigest = createHash('sha256').update(document).digest('base64url');
const payloadFor = (corporationId: string, digest = documentDigest) => ({
  action: 'sign-for-corporation',
  corporationId,
  documentDigest: digest,
});

describe.each(storageTargets('corporate_reps'))('representative signatures on %s', (_name, target) => {
  const platform = corporatePlatformFor(target);

  const citizen = () => registeredCitizen(platform.baseUrl, platform.clock);
  const appoint = (corporationId: string, citizenId: string, extra: object = {}) =>
    appointed(platform.http, corporationId, citizenId, {
      role: 'authorised-signatory',
      eservices: ['*'],
      ...extra,
    });
  const signFor = async (phone: CitizenApp, corporationId: string, digest = documentDigest) =>
    platform.http
      .post(`/corporate/corporations/${corporationId}/representative-signatures`)
      .send({ ...(await phone.signRequest(payloadFor(corporationId, digest))), documentDigest: digest });
  const validate = (body: object) =>
    platform.http.post('/corporate/signatures/validation').send(body).expect(200);

  it('signs for the corporation on the representative’s approval; the signature names them and holds after their revocation', async () => {
    const { corporationId } = await registeredCorporation(platform.http);
    const phone = await citizen();
    const appointmentId = await appoint(corporationId, phone.citizenId);
    const signed = await signFor(phone, corporationId);
    expect(signed.status).toBe(201);
    expect(signed.body.signedAt).toBe(platform.clock.now().toISOString());

    const passed = (await validate({ jws: signed.body.jws, document: documentB64 })).body;
    expect(passed).toMatchObject({
      indication: 'TOTAL_PASSED',
      signingTime: signed.body.signedAt,
      signer: {
        kind: 'representative',
        corporationId,
        citizenId: phone.citizenId,
        role: 'authorised-signatory',
        appointmentId,
      },
    });

    platform.clock.advance(HOUR);
    await platform.http
      .post(`/corporate/corporations/${corporationId}/appointments/${appointmentId}/revocation`)
      .set(admin)
      .send({ reason: 'left the company' })
      .expect(200);
    expect((await validate({ jws: signed.body.jws, document: documentB64 })).body.indication).toBe(
      'TOTAL_PASSED',
    );
    const refused = await signFor(phone, corporationId);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('NOT_A_REPRESENTATIVE');
  });

  it('needs the document that was signed', async () => {
    const { corporationId } = await registeredCorporation(platform.http);
    const phone = await citizen();
    await appoint(corporationId, phone.citizenId);
    const { jws } = (await signFor(phone, corporationId)).body;
    expect((await validate({ jws })).body).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'SIGNED_DATA_NOT_FOUND',
    });
    expect(
      (await validate({ jws, document: Buffer.from('another').toString('base64url') })).body,
    ).toMatchObject({
      indication: 'TOTAL_FAILED',
      subIndication: 'HASH_FAILURE',
    });
    const [header, payload, signature] = (jws as string).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'administrator' })).toString('base64url');
    expect(
      (await validate({ jws: `${header}.${forged}.${signature}`, document: documentB64 })).body,
    ).toMatchObject({
      indication: 'TOTAL_FAILED',
      subIndication: 'SIG_CRYPTO_FAILURE',
    });
  });

  it('refuses a user, an appointment that has ended, a dissolved corporation and another phone', async () => {
    const { corporationId } = await registeredCorporation(platform.http);
    const user = await citizen();
    await appoint(corporationId, user.citizenId, { role: 'user' });
    expect((await signFor(user, corporationId)).body.code).toBe('NOT_A_SIGNATORY');

    const temporary = await citizen();
    await appoint(corporationId, temporary.citizenId, {
      validUntil: new Date(platform.clock.now().getTime() + HOUR).toISOString(),
    });
    expect((await signFor(temporary, corporationId)).status).toBe(201);
    platform.clock.advance(2 * HOUR);
    expect((await signFor(temporary, corporationId)).body.code).toBe('NOT_A_REPRESENTATIVE');

    const signatory = await citizen();
    await appoint(corporationId, signatory.citizenId);
    const stranger = await citizen();
    const forged = await platform.http
      .post(`/corporate/corporations/${corporationId}/representative-signatures`)
      .send({
        ...(await stranger.signRequest(payloadFor(corporationId))),
        citizenId: signatory.citizenId,
        documentDigest,
      })
      .expect(401);
    expect(forged.body.code).toBe('DEVICE_SIGNATURE_INVALID');

    await platform.http
      .post(`/admin/corporations/${corporationId}/dissolution`)
      .set(admin)
      .send({})
      .expect(200);
    expect((await signFor(signatory, corporationId)).body.code).toBe('CORPORATION_NOT_ACTIVE');
  });

  it('refuses a device signature made for another document', async () => {
    const { corporationId } = await registeredCorporation(platform.http);
    const phone = await citizen();
    await appoint(corporationId, phone.citizenId);
    const other = createHash('sha256').update('another').digest('base64url');
    const response = await platform.http
      .post(`/corporate/corporations/${corporationId}/representative-signatures`)
      .send({ ...(await phone.signRequest(payloadFor(corporationId, other))), documentDigest })
      .expect(401);
    expect(response.body.code).toBe('DEVICE_SIGNATURE_INVALID');
  });

  it('signs once per approval: the same signed request sent again is a replay', async () => {
    const { corporationId } = await registeredCorporation(platform.http);
    const phone = await citizen();
    await appoint(corporationId, phone.citizenId);
    const approval = { ...(await phone.signRequest(payloadFor(corporationId))), documentDigest };
    const path = `/corporate/corporations/${corporationId}/representative-signatures`;
    await platform.http.post(path).send(approval).expect(201);
    const replayed = await platform.http.post(path).send(approval).expect(401);
    expect(replayed.body.code).toBe('DEVICE_SIGNATURE_REPLAYED');
  });

  describe('corporate administrators, from their platform.app', () => {
    const asAdministrator = async (phone: CitizenApp, method: 'POST', path: string, body: object) => {
      const { citizenId, deviceId, signature } = await phone.signRequest({
        action: 'administer-corporation',
        method,
        path,
        body: body as never,
      });
      return platform.http
        .post(path)
        .set({ 'X-Citizen-Id': citizenId, 'X-Device-Id': deviceId, 'X-Device-Signature': signature })
        .send(body);
    };

    it('appoints and revokes representatives on a device-signed request of an administrator', async () => {
      const { corporationId } = await registeredCorporation(platform.http);
      const administrator = await citizen();
      await appoint(corporationId, administrator.citizenId, { role: 'administrator' });
      const newcomer = await citizen();
      const path = `/corporate/corporations/${corporationId}/appointments`;
      const body = { citizenId: newcomer.citizenId, role: 'authorised-signatory', eservices: ['*'] };
      const appointed = await asAdministrator(administrator, 'POST', path, body);
      expect(appointed.status).toBe(201);
      const appointment = (
        appointed.body.appointments as { appointmentId: string; citizenId: string }[]
      ).find((a) => a.citizenId === newcomer.citizenId)!;
      expect((await signFor(newcomer, corporationId)).status).toBe(201);

      const revocationPath = `${path}/${appointment.appointmentId}/revocation`;
      const revoked = await asAdministrator(administrator, 'POST', revocationPath, { reason: 'moved on' });
      expect(revoked.status).toBe(200);
      expect((await signFor(newcomer, corporationId)).body.code).toBe('NOT_A_REPRESENTATIVE');
    });

    it('refuses a representative who is not an administrator, a signature for another request, and no credential', async () => {
      const { corporationId } = await registeredCorporation(platform.http);
      const signatory = await citizen();
      await appoint(corporationId, signatory.citizenId);
      const path = `/corporate/corporations/${corporationId}/appointments`;
      const body = { citizenId: 'someone', role: 'administrator', eservices: ['*'] };
      expect((await asAdministrator(signatory, 'POST', path, body)).body.code).toBe(
        'NOT_A_CORPORATE_ADMINISTRATOR',
      );

      const administrator = await citizen();
      await appoint(corporationId, administrator.citizenId, { role: 'administrator' });
      const { citizenId, deviceId, signature } = await administrator.signRequest({
        action: 'administer-corporation',
        method: 'POST',
        path,
        body: { ...body, role: 'user' },
      });
      const forged = await platform.http
        .post(path)
        .set({ 'X-Citizen-Id': citizenId, 'X-Device-Id': deviceId, 'X-Device-Signature': signature })
        .send(body)
        .expect(401);
      expect(forged.body.code).toBe('DEVICE_SIGNATURE_INVALID');

      const other = await registeredCorporation(platform.http);
      const elsewhere = `/corporate/corporations/${other.corporationId}/appointments`;
      expect((await asAdministrator(administrator, 'POST', elsewhere, body)).body.code).toBe(
        'NOT_A_CORPORATE_ADMINISTRATOR',
      );
      expect((await platform.http.post(path).send(body).expect(401)).body.code).toBe(
        'CORPORATE_ADMINISTRATOR_REQUIRED',
      );
    });
  });
});
