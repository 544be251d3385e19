import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, type StorageConfig } from '#libs/eventsourcing';
import type Provider from 'oidc-provider';
import type { ClientMetadata } from 'oidc-provider';
import { ESERVICE_DIRECTORY, OIDC_PROVIDER, type EServiceDirectory } from '#libs/oidc';
import {
  createTestSchema,
  postgresTestUrl,
} from '../../libs/event-store/src/testing/postgres-test-database.js';
import { startTestPlatform, TEST_ADMIN_TOKEN, testConfig } from '../support/test-platform.js';

const postgresUrl = await postgresTestUrl();
type Storage = { config: StorageConfig; drop(): Promise<void> };
const targets: [string, () => Promise<Storage>][] = [
  ['sqlite', async () => ({ config: { eventStore: 'sqlite', dataDir: undefined }, drop: async () => {} })],
];
if (postgresUrl) {
  targets.push([
    'postgres',
    async () => {
      const { schema, drop } = await createTestSchema(postgresUrl, 'eservices');
      return { config: { eventStore: 'postgres', databaseUrl: postgresUrl, schema }, drop };
    },
  ]);
}

const admin = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

function publicJwks(): { keys: Record<string, unknown>[] } {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'key-1', alg: 'ES256' }] };
}

let seq = 0;
const withKeys = (overrides: Record<string, unknown> = {}) => ({
  clientId: `etax-${++seq}`,
  name: 'eTAX',
  department: 'IRD',
  redirectUris: ['https://etax.example/callback', 'https://etax.example/callback?lang=zh-HK'],
  postLogoutRedirectUris: ['https://etax.example/', 'http://localhost:3001/'],
  authMethod: 'private_key_jwt',
  jwks: publicJwks(),
  allowedScopes: ['openid', 'profile', 'offline_access'],
  ...overrides,
});
const withSecret = (overrides: Record<string, unknown> = {}) => {
  const { jwks: _jwks, ...body } = withKeys({ authMethod: 'client_secret_basic', ...overrides });
  return body;
};

describe.each(targets)('e-service registry over HTTP on %s', (_name, storage) => {
  let app: NestExpressApplication;
  let dropStorage: () => Promise<void>;
  let http: ReturnType<typeof request>;
  let store: EventStore;
  let directory: EServiceDirectory;

  const wholeLog = async () =>
    JSON.stringify(await store.readAll({ maxCount: 100_000 }), (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
  const eventCount = async () => (await store.readAll({ maxCount: 100_000 })).length;
  const streamOf = async (clientId: string) => store.readStream(`eservice-${clientId}`);
  const register = (body: object) => http.post('/admin/eservices').set(admin).send(body);

  beforeAll(async () => {
    const { config, drop } = await storage();
    dropStorage = drop;
    app = await startTestPlatform(testConfig(config));
    http = request(app.getHttpServer());
    store = app.get(EVENT_STORE);
    directory = app.get(ESERVICE_DIRECTORY);
  });
  afterAll(async () => {
    await app.close();
    await dropStorage();
  });

  it('registers an e-service with its public keys, readable by the provider as soon as it answers', async () => {
    const body = withKeys();
    const created = await register(body).expect(201);
    expect(created.body).toEqual({
      clientId: body.clientId,
      name: 'eTAX',
      department: 'IRD',
      status: 'active',
      authMethod: 'private_key_jwt',
      redirectUris: body.redirectUris,
      postLogoutRedirectUris: body.postLogoutRedirectUris,
      allowedScopes: ['openid', 'profile', 'offline_access'],
      jwks: body.jwks,
      profile: 'fapi2',
      grantTypes: ['authorization_code'],
      idTokenSigningAlg: 'ES256',
      registeredAt: expect.any(String),
      updatedAt: created.body.registeredAt,
    });
    expect(await directory.findClient(body.clientId)).toEqual({
      client_id: body.clientId,
      client_name: 'eTAX',
      redirect_uris: body.redirectUris,
      post_logout_redirect_uris: body.postLogoutRedirectUris,
      scope: 'openid profile offline_access',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: body.jwks,
      id_token_signed_response_alg: 'ES256',
      security_profile: 'fapi2',
      require_pushed_authorization_requests: true,
      dpop_bound_access_tokens: true,
    });
    expect(await directory.describe(body.clientId)).toEqual({
      clientId: body.clientId,
      name: 'eTAX',
      department: 'IRD',
      status: 'active',
    });
    const [registered] = await streamOf(body.clientId);
    expect(registered).toMatchObject({ type: 'EServiceRegistered', metadata: { actor: 'admin' } });
    expect(await directory.findClient('no-such-eservice')).toBeUndefined();
    expect(await directory.describe('no-such-eservice')).toBeUndefined();
  });

  it('changes a profile as an event, the provider seeing it at once; a secret e-service stays standard', async () => {
    const body = withKeys({ profile: 'standard' });
    expect((await register(body).expect(201)).body.profile).toBe('standard');
    expect(await directory.findClient(body.clientId)).not.toHaveProperty(
      'require_pushed_authorization_requests',
    );
    const changed = await http
      .put(`/admin/eservices/${body.clientId}/profile`)
      .set(admin)
      .send({ profile: 'fapi2' })
      .expect(200);
    expect(changed.body.profile).toBe('fapi2');
    expect(await directory.findClient(body.clientId)).toMatchObject({
      require_pushed_authorization_requests: true,
      dpop_bound_access_tokens: true,
    });
    await http
      .put(`/admin/eservices/${body.clientId}/profile`)
      .set(admin)
      .send({ profile: 'fapi2' })
      .expect(200);
    expect((await streamOf(body.clientId)).map((event) => event.type)).toEqual([
      'EServiceRegistered',
      'EServiceProfileChanged',
    ]);

    const secret = withSecret();
    expect((await register(secret).expect(201)).body.profile).toBe('standard');
    const refused = await http
      .put(`/admin/eservices/${secret.clientId}/profile`)
      .set(admin)
      .send({ profile: 'fapi2' })
      .expect(400);
    expect(refused.body).toMatchObject({ code: 'PROFILE_NEEDS_PRIVATE_KEY_JWT' });
  });

  it('adds the client_credentials grant as an event, and the provider offers it at once', async () => {
    const body = withKeys();
    await register(body).expect(201);
    const changed = await http
      .put(`/admin/eservices/${body.clientId}/grant-types`)
      .set(admin)
      .send({ grantTypes: ['authorization_code', 'client_credentials'] })
      .expect(200);
    expect(changed.body.grantTypes).toEqual(['authorization_code', 'client_credentials']);
    expect(await directory.findClient(body.clientId)).toMatchObject({
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    });
    expect((await streamOf(body.clientId)).map((event) => event.type)).toEqual([
      'EServiceRegistered',
      'EServiceGrantTypesChanged',
    ]);
    const backOfficeOnly = withKeys({ grantTypes: ['client_credentials'] });
    await register(backOfficeOnly).expect(201);
    const provider = app.get<Provider>(OIDC_PROVIDER);
    const metadata = await directory.findClient(backOfficeOnly.clientId);
    expect(metadata).toMatchObject({ grant_types: ['client_credentials'], response_types: [] });
    await expect(provider.Client.validate(metadata as unknown as ClientMetadata)).resolves.toBeUndefined();
  });

  it('gives the provider client metadata it accepts, with keys or with a secret', async () => {
    const provider = app.get<Provider>(OIDC_PROVIDER);
    for (const body of [withKeys(), withSecret()]) {
      await register(body).expect(201);
      const metadata = await directory.findClient(body.clientId);
      await expect(provider.Client.validate(metadata as unknown as ClientMetadata)).resolves.toBeUndefined();
    }
  });

  it('generates a secret, shows it once, and keeps it sealed everywhere else', async () => {
    const body = withSecret();
    const created = await register(body).expect(201);
    const secret: string = created.body.clientSecret;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({ authMethod: 'client_secret_basic' });
    expect(created.body).not.toHaveProperty('jwks');

    const shown = await http.get(`/admin/eservices/${body.clientId}`).set(admin).expect(200);
    expect(shown.body).toEqual({ ...created.body, clientSecret: undefined });
    expect(JSON.stringify(shown.body)).not.toContain(secret);
    expect(JSON.stringify((await http.get('/admin/eservices').set(admin)).body)).not.toContain(secret);

    expect(await directory.findClient(body.clientId)).toMatchObject({
      token_endpoint_auth_method: 'client_secret_basic',
      client_secret: secret,
    });
    expect(await wholeLog()).not.toContain(secret);
    const [registered] = await streamOf(body.clientId);
    expect(registered!.data['clientSecret']).toMatch(/^pii:v1:/);
  });

  it('answers a retried registration with its first answer, secret included, writing nothing twice', async () => {
    const body = withSecret();
    const first = await register(body).set('Idempotency-Key', 'register-retry-1').expect(201);
    const before = await eventCount();
    const retry = await register(body).set('Idempotency-Key', 'register-retry-1').expect(201);
    expect(retry.body).toEqual(first.body);
    expect(await eventCount()).toBe(before);
    const reuse = await register({ ...body, name: 'Another name' })
      .set('Idempotency-Key', 'register-retry-1')
      .expect(422);
    expect(reuse.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    const elsewhere = withSecret();
    const reusedForAnother = await register(elsewhere).set('Idempotency-Key', 'register-retry-1').expect(422);
    expect(reusedForAnother.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    await http.get(`/admin/eservices/${elsewhere.clientId}`).set(admin).expect(404);
  });

  it('updates only what changed, and writes nothing for an update that changes nothing', async () => {
    const body = withKeys();
    await register(body).expect(201);
    const newKeys = publicJwks();
    const patch = {
      name: 'eTAX (new)',
      redirectUris: ['https://etax.example/v2/callback'],
      allowedScopes: ['openid', 'email'],
      jwks: newKeys,
    };
    const updated = await http.patch(`/admin/eservices/${body.clientId}`).set(admin).send(patch).expect(200);
    expect(updated.body).toMatchObject({ ...patch, postLogoutRedirectUris: body.postLogoutRedirectUris });
    expect(await directory.findClient(body.clientId)).toMatchObject({
      client_name: 'eTAX (new)',
      redirect_uris: ['https://etax.example/v2/callback'],
      scope: 'openid email',
      jwks: newKeys,
    });
    expect((await directory.describe(body.clientId))?.name).toBe('eTAX (new)');

    const events = await streamOf(body.clientId);
    expect(events.map((e) => e.type)).toEqual(['EServiceRegistered', 'EServiceUpdated']);
    expect(Object.keys(events[1]!.data).sort()).toEqual(
      ['allowedScopes', 'clientId', 'jwks', 'name', 'redirectUris', 'updatedAt'].sort(),
    );
    await http.patch(`/admin/eservices/${body.clientId}`).set(admin).send(patch).expect(200);
    expect(await streamOf(body.clientId)).toHaveLength(2);
  });

  it('rotates a secret: the new one is shown once and the old one stops working', async () => {
    const body = withSecret();
    const { clientSecret: old } = (await register(body).expect(201)).body as { clientSecret: string };
    const rotated = await http.post(`/admin/eservices/${body.clientId}/secret`).set(admin).expect(200);
    expect(rotated.body).toEqual({
      clientId: body.clientId,
      clientSecret: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(rotated.body.clientSecret).not.toBe(old);
    expect((await directory.findClient(body.clientId))?.client_secret).toBe(rotated.body.clientSecret);
    expect(await wholeLog()).not.toContain(rotated.body.clientSecret);
    expect((await streamOf(body.clientId)).map((e) => e.type)).toEqual([
      'EServiceRegistered',
      'EServiceClientSecretRotated',
    ]);
  });

  it('answers a retried rotation with the secret of its first run, rotating once', async () => {
    const body = withSecret();
    await register(body).expect(201);
    const rotate = () =>
      http.post(`/admin/eservices/${body.clientId}/secret`).set(admin).set('Idempotency-Key', 'rotate-1');
    const first = await rotate().expect(200);
    const retry = await rotate().expect(200);
    expect(retry.body).toEqual(first.body);
    expect(await streamOf(body.clientId)).toHaveLength(2);
  });

  it('suspends an e-service, which the provider then no longer finds, and reinstates it', async () => {
    const body = withKeys();
    await register(body).expect(201);
    const suspended = await http.post(`/admin/eservices/${body.clientId}/suspend`).set(admin).expect(200);
    expect(suspended.body).toMatchObject({ clientId: body.clientId, status: 'suspended' });
    expect(await directory.findClient(body.clientId)).toBeUndefined();
    expect(await directory.describe(body.clientId)).toMatchObject({ status: 'suspended' });

    const again = await http.post(`/admin/eservices/${body.clientId}/suspend`).set(admin).expect(409);
    expect(again.body).toMatchObject({ code: 'ESERVICE_ALREADY_SUSPENDED' });

    const reinstated = await http.post(`/admin/eservices/${body.clientId}/reinstate`).set(admin).expect(200);
    expect(reinstated.body).toMatchObject({ status: 'active' });
    expect(await directory.findClient(body.clientId)).toMatchObject({ client_id: body.clientId });
    const twice = await http.post(`/admin/eservices/${body.clientId}/reinstate`).set(admin).expect(409);
    expect(twice.body).toMatchObject({ code: 'ESERVICE_NOT_SUSPENDED' });

    expect((await streamOf(body.clientId)).map((e) => e.type)).toEqual([
      'EServiceRegistered',
      'EServiceSuspended',
      'EServiceReinstated',
    ]);
  });

  it('lists e-services, filtered by department and status', async () => {
    const had = withKeys({ department: 'HAD' });
    const hadSuspended = withSecret({ department: 'HAD' });
    await register(had).expect(201);
    await register(hadSuspended).expect(201);
    await http.post(`/admin/eservices/${hadSuspended.clientId}/suspend`).set(admin).expect(200);

    const ids = async (query: string) =>
      (
        (await http.get(`/admin/eservices${query}`).set(admin).expect(200)).body.eservices as {
          clientId: string;
        }[]
      ).map((e) => e.clientId);
    expect(await ids('?department=HAD')).toEqual([had.clientId, hadSuspended.clientId].sort());
    expect(await ids('?department=HAD&status=active')).toEqual([had.clientId]);
    expect(await ids('?status=suspended')).toContain(hadSuspended.clientId);
    expect(await ids('')).toEqual(expect.arrayContaining([had.clientId, hadSuspended.clientId]));
  });

  describe('refusals are problem documents that write nothing', () => {
    const expectProblem = async (response: request.Response, status: number, code: string) => {
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status, code });
    };

    it('a client id already registered', async () => {
      const body = withKeys();
      await register(body).expect(201);
      await expectProblem(
        await register(withSecret({ clientId: body.clientId })),
        409,
        'ESERVICE_ALREADY_REGISTERED',
      );
    });

    it.each([
      ['a plain http redirect URI', { redirectUris: ['http://etax.example/cb'] }, 'REDIRECT_URI_INVALID'],
      [
        'a redirect URI with a fragment',
        { redirectUris: ['https://etax.example/cb#x'] },
        'REDIRECT_URI_INVALID',
      ],
      ['no redirect URI', { redirectUris: [] }, 'REDIRECT_URI_INVALID'],
      [
        'redirect URIs on two hosts',
        { redirectUris: ['https://etax.example/cb', 'http://localhost:3001/cb'] },
        'REDIRECT_URI_INVALID',
      ],
      ['a private key', { jwks: { keys: [generatePrivateJwk()] } }, 'JWKS_INVALID'],
      ['no keys with private_key_jwt', { jwks: undefined }, 'JWKS_INVALID'],
      ['an unknown scope', { allowedScopes: ['openid', 'payroll'] }, 'SCOPE_NOT_ALLOWED'],
      ['scopes without openid', { allowedScopes: ['profile'] }, 'OPENID_SCOPE_REQUIRED'],
      ['an upper-case client id', { clientId: 'eTAX' }, 'CLIENT_ID_INVALID'],
      ['a department that is not a code', { department: 'Inland Revenue' }, 'DEPARTMENT_INVALID'],
      ['a blank name', { name: ' ' }, 'ESERVICE_NAME_INVALID'],
      ['an unknown auth method', { authMethod: 'none' }, 'VALIDATION_FAILED'],
      ['an unknown field', { logoUri: 'https://etax.example/logo.png' }, 'VALIDATION_FAILED'],
      ['redirect URIs that are not strings', { redirectUris: [42] }, 'VALIDATION_FAILED'],
      ['null scopes', { allowedScopes: null }, 'VALIDATION_FAILED'],
      ['an unknown profile', { profile: 'fapi1' }, 'PROFILE_INVALID'],
      ['an unknown grant type', { grantTypes: ['password'] }, 'GRANT_TYPE_NOT_ALLOWED'],
      ['unsigned ID tokens', { idTokenSigningAlg: 'none' }, 'SIGNING_ALG_NOT_ALLOWED'],
      [
        'the fapi2 profile with a secret',
        { authMethod: 'client_secret_basic', jwks: undefined, profile: 'fapi2' },
        'PROFILE_NEEDS_PRIVATE_KEY_JWT',
      ],
    ])('a registration with %s', async (_case, overrides, code) => {
      const before = await eventCount();
      await expectProblem(await register(withKeys(overrides)), 400, code);
      expect(await eventCount()).toBe(before);
    });

    it('a registration with a secret and keys at once', async () => {
      await expectProblem(
        await register(withKeys({ authMethod: 'client_secret_basic' })),
        400,
        'JWKS_INVALID',
      );
    });

    it('an unknown e-service, on every route', async () => {
      const missing = '/admin/eservices/no-such-eservice';
      await expectProblem(await http.get(missing).set(admin), 404, 'ESERVICE_NOT_FOUND');
      await expectProblem(
        await http.patch(missing).set(admin).send({ name: 'x' }),
        404,
        'ESERVICE_NOT_FOUND',
      );
      await expectProblem(await http.post(`${missing}/secret`).set(admin), 404, 'ESERVICE_NOT_FOUND');
      await expectProblem(await http.post(`${missing}/suspend`).set(admin), 404, 'ESERVICE_NOT_FOUND');
      await expectProblem(await http.post(`${missing}/reinstate`).set(admin), 404, 'ESERVICE_NOT_FOUND');
      await expectProblem(
        await http.put(`${missing}/profile`).set(admin).send({ profile: 'fapi2' }),
        404,
        'ESERVICE_NOT_FOUND',
      );
      expect(await streamOf('no-such-eservice')).toEqual([]);
    });

    it('a malformed client id in the path, and a bad list filter', async () => {
      await expectProblem(await http.get('/admin/eservices/No_Such').set(admin), 400, 'CLIENT_ID_INVALID');
      await expectProblem(
        await http.get('/admin/eservices?status=gone').set(admin),
        400,
        'VALIDATION_FAILED',
      );
      await expectProblem(
        await http.get('/admin/eservices?department=ird').set(admin),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('changes that do not fit the e-service', async () => {
      const keys = withKeys();
      const secret = withSecret();
      await register(keys).expect(201);
      await register(secret).expect(201);
      const before = await eventCount();
      await expectProblem(
        await http.post(`/admin/eservices/${keys.clientId}/secret`).set(admin),
        409,
        'CLIENT_SECRET_NOT_USED',
      );
      await expectProblem(
        await http.patch(`/admin/eservices/${secret.clientId}`).set(admin).send({ jwks: publicJwks() }),
        400,
        'JWKS_INVALID',
      );
      await expectProblem(
        await http
          .patch(`/admin/eservices/${keys.clientId}`)
          .set(admin)
          .send({ redirectUris: ['https://x.example'] }),
        400,
        'REDIRECT_URI_INVALID',
      );
      for (const patch of [{ department: 'HAD' }, { name: null }]) {
        await expectProblem(
          await http.patch(`/admin/eservices/${keys.clientId}`).set(admin).send(patch),
          400,
          'VALIDATION_FAILED',
        );
      }
      expect(await eventCount()).toBe(before);
    });

    it.each([
      ['post', '/admin/eservices'],
      ['get', '/admin/eservices'],
      ['get', '/admin/eservices/etax-1'],
      ['patch', '/admin/eservices/etax-1'],
      ['post', '/admin/eservices/etax-1/secret'],
      ['post', '/admin/eservices/etax-1/suspend'],
      ['post', '/admin/eservices/etax-1/reinstate'],
      ['put', '/admin/eservices/etax-1/profile'],
      ['put', '/admin/eservices/etax-1/grant-types'],
      ['put', '/admin/eservices/etax-1/token-signing'],
    ] as const)('%s %s without the admin token or with a wrong one (401)', async (method, path) => {
      const before = await eventCount();
      await expectProblem(await http[method](path).send(withKeys()), 401, 'ADMIN_TOKEN_REQUIRED');
      await expectProblem(
        await http[method](path).set('Authorization', 'Bearer not-the-admin-token').send(withKeys()),
        401,
        'ADMIN_TOKEN_INVALID',
      );
      expect(await eventCount()).toBe(before);
    });
  });
});

function generatePrivateJwk(): Record<string, unknown> {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
}
