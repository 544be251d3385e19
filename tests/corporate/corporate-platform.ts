import { afterAll, beforeAll } from '@jest/globals';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { CompactSign, FlattenedSign } from 'jose';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { ManualClock, type StorageConfig } from '#libs/eventsourcing';
import { CitizenApp } from '#libs/identity';
import type { StorageTarget } from '../support/storage-targets.js';
import { hkidFor, startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';

export const admin = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

export interface CorporateKey {
  readonly privateKey: KeyObject;
  readonly publicJwk: Record<string, unknown>;
  readonly alg: string;
}

export function newKey(alg: 'ES256' | 'EdDSA' | 'RS256' | 'PS256' = 'ES256'): CorporateKey {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicJwk: publicKey.export({ format: 'jwk' }) as Record<string, unknown>, alg };
}

/** A compact JWS of `payload` by `key`, naming it by `kid`. */
export function sign(
  key: CorporateKey,
  kid: string,
  payload: string | Uint8Array = 'contract #1',
  header: Record<string, unknown> = {},
): Promise<string> {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  return new CompactSign(bytes).setProtectedHeader({ alg: key.alg, kid, ...header }).sign(key.privateKey);
}

export async function signFlattened(
  key: CorporateKey,
  kid: string,
  payload: string,
  header: Record<string, unknown> = {},
) {
  return new FlattenedSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: key.alg, kid, ...header })
    .sign(key.privateKey);
}

/** The platform on `storage` with a clock the test moves, and its HTTP API. */
export async function startCorporatePlatform(storage: StorageConfig) {
  const clock = new ManualClock(new Date('2026-03-01T09:00:00.000Z'));
  const { app, baseUrl } = await startListeningTestPlatform(storage, {}, { clock });
  const http = request(app.getHttpServer());
  return { app: app as NestExpressApplication, http, clock, baseUrl };
}

export type CorporatePlatform = Awaited<ReturnType<typeof startCorporatePlatform>>;

/**
 * The platform on `target` for the enclosing `describe`: started before its tests and stopped, its storage
 * dropped, after them. The fields are there once the tests run.
 */
export function corporatePlatformFor(target: StorageTarget): CorporatePlatform {
  const platform = {} as CorporatePlatform;
  let drop: () => Promise<void> = async () => {};
  beforeAll(async () => {
    const storage = await target.create();
    drop = storage.drop;
    Object.assign(platform, await startCorporatePlatform(storage.config));
  });
  afterAll(async () => {
    await platform.app.close();
    await drop();
  });
  return platform;
}

let brSeq = 0;
/** Registers a corporation and, optionally, an ES256 seal key: answers its id, the key and its kid. */
export async function registeredCorporation(http: ReturnType<typeof request>, alg?: CorporateKey['alg']) {
  const brNumber = String(30_000_000 + ++brSeq + Math.floor(Math.random() * 1_000_000) * 10);
  const registered = await http
    .post('/admin/corporations')
    .set(admin)
    .send({ brNumber, crNumber: '1234567', nameEn: 'Harbour Trading Limited', nameZh: '海港貿易有限公司' })
    .expect(201);
  const corporationId = registered.body.corporationId as string;
  if (!alg) return { corporationId, key: undefined, kid: '' };
  const key = newKey(alg as 'ES256');
  const kid = await registerKey(http, corporationId, key);
  return { corporationId, key, kid };
}

export async function registerKey(
  http: ReturnType<typeof request>,
  corporationId: string,
  key: CorporateKey,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const before = await http.get(`/admin/corporations/${corporationId}`).set(admin).expect(200);
  const known = new Set((before.body.keys as { kid: string }[]).map((k) => k.kid));
  const answer = await http
    .post(`/corporate/corporations/${corporationId}/keys`)
    .set(admin)
    .send({ publicJwk: key.publicJwk, ...extra })
    .expect(201);
  return (answer.body.keys as { kid: string }[]).find((k) => !known.has(k.kid))!.kid;
}

let citizenSeq = 0;
/** A citizen registered through the app simulator, with the phone that signs for them. */
export async function registeredCitizen(baseUrl: string, clock: ManualClock): Promise<CitizenApp> {
  const phone = await CitizenApp.install({ baseUrl, clock });
  await phone.register({
    nameEn: 'CHAN, Tai Man',
    hkid: hkidFor(700_000 + ++citizenSeq),
    dateOfBirth: '1980-01-01',
  });
  return phone;
}

/** Appoints the citizen at the corporation (as an administrator would): answers the new appointment's id. */
export async function appointed(
  http: ReturnType<typeof request>,
  corporationId: string,
  citizenId: string,
  terms: object = { role: 'authorised-signatory', eservices: ['*'] },
): Promise<string> {
  const { body } = await http
    .post(`/corporate/corporations/${corporationId}/appointments`)
    .set(admin)
    .send({ citizenId, ...terms })
    .expect(201);
  return (body.appointments as { appointmentId: string; citizenId: string }[]).find(
    (a) => a.citizenId === citizenId,
  )!.appointmentId;
}
