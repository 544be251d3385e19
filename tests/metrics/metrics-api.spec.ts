import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { logIn, registeredCitizen, RelyingParty } from '../oidc/relying-party.js';
import { eventually } from '../support/eventually.js';
import { storageTargets } from '../support/storage-targets.js';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';

describe.each(storageTargets('metrics_api'))('the adoption metrics API on %s', (_name, target) => {
  let app: NestExpressApplication;
  let baseUrl: string;
  let drop: () => Promise<void>;
  const today = new Date().toISOString().slice(0, 10);

  const get = (path: string, token = TEST_ADMIN_TOKEN) =>
    fetch(`${baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const json = async (path: string) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };

  beforeAll(async () => {
    const storage = await target.create();
    drop = storage.drop;
    ({ app, baseUrl } = await startListeningTestPlatform(storage.config));
    const tax = await RelyingParty.register(baseUrl, 'tax-return');
    await RelyingParty.register(baseUrl, 'rates-demand');
    const first = await registeredCitizen(baseUrl);
    const second = await registeredCitizen(baseUrl);
    await logIn(tax, first, ['name']);
    await logIn(tax, second, []);
    await logIn(tax, first, ['name', 'birthdate']);
    // The provider records TokenIssued once the token response is on its way: wait for the third.
    await eventually(async () => {
      const { logins } = (await (await get('/admin/metrics/summary')).json()) as { logins: number };
      return logins === 3 || undefined;
    });
  });
  afterAll(async () => {
    await app.close();
    await drop();
  });

  it('sums up registrations, logins, claims released, active citizens and e-service adoption', async () => {
    expect(await json('/admin/metrics/summary')).toMatchObject({
      range: { to: today, department: null },
      registeredCitizens: { total: 2, basic: 2, plus: 0 },
      registrationsInRange: 2,
      logins: 3,
      loginFailures: 0,
      loginRequestsByOutcome: { requested: 3, approved: 3 },
      claimsReleased: { name: 2, birthdate: 1 },
      dailyActiveCitizens: 2,
      monthlyActiveCitizens: 2,
      eservices: { registered: 2, integrated: 1, adoptionRate: 0.5 },
    });
  });

  it('answers a time series with every period of the range, and the breakdowns', async () => {
    const series = await json(`/admin/metrics/series/logins?from=${today}&to=${today}&granularity=month`);
    expect(series).toEqual({
      name: 'logins',
      granularity: 'month',
      scope: 'platform-wide',
      points: [{ period: today.slice(0, 7), value: 3 }],
    });
    // A department filter narrows logins, and says a series it cannot narrow is the platform's.
    expect(
      await json(`/admin/metrics/series/logins?from=${today}&to=${today}&granularity=month&department=IRD`),
    ).toMatchObject({ scope: 'department', points: [{ value: 3 }] });
    expect(
      await json(`/admin/metrics/series/logins?from=${today}&to=${today}&granularity=month&department=HD`),
    ).toMatchObject({ scope: 'department', points: [{ value: 0 }] });
    expect(
      await json(
        `/admin/metrics/series/citizens-registered?from=${today}&to=${today}&granularity=month&department=HD`,
      ),
    ).toMatchObject({ scope: 'platform-wide' });
    expect(await json('/admin/metrics/departments')).toEqual({
      departments: [
        {
          department: 'IRD',
          eservicesRegistered: 2,
          eservicesIntegrated: 1,
          adoptionRate: 0.5,
          logins: 3,
          loginFailures: 0,
        },
      ],
    });
    const { eservices } = (await json('/admin/metrics/eservices?limit=1')) as { eservices: unknown[] };
    expect(eservices).toEqual([
      {
        clientId: 'tax-return',
        name: 'E-service tax-return',
        department: 'IRD',
        status: 'active',
        logins: 3,
        loginFailures: 0,
      },
    ]);
  });

  it('exports the same rows as CSV', async () => {
    const response = await get('/admin/metrics/eservices?format=csv');
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await response.text()).toBe(
      'clientId,name,department,status,logins,loginFailures\r\n' +
        'tax-return,E-service tax-return,IRD,active,3,0\r\n' +
        'rates-demand,E-service rates-demand,IRD,active,0,0\r\n',
    );
  });

  it('refuses callers without the admin token and ranges that make no sense, with a code', async () => {
    expect((await get('/admin/metrics/summary', '')).status).toBe(401);
    expect((await get('/admin/metrics/summary', 'wrong')).status).toBe(401);
    const cases: [string, string][] = [
      ['/admin/metrics/summary?from=2026-02-30', 'METRICS_RANGE_INVALID'],
      ['/admin/metrics/summary?from=2026-11-02&to=2026-11-01', 'METRICS_RANGE_INVALID'],
      ['/admin/metrics/summary?from=2020-01-01&to=2026-01-01', 'METRICS_RANGE_TOO_LONG'],
      ['/admin/metrics/summary?to=yesterday', 'VALIDATION_FAILED'],
      ['/admin/metrics/summary?department=ird', 'VALIDATION_FAILED'],
      ['/admin/metrics/series/logins?granularity=year', 'VALIDATION_FAILED'],
      ['/admin/metrics/eservices?limit=0', 'VALIDATION_FAILED'],
    ];
    for (const [path, code] of cases) {
      const response = await get(path);
      expect({ path, status: response.status, body: await response.json() }).toMatchObject({
        path,
        status: 400,
        body: { code },
      });
    }
    const unknown = await get('/admin/metrics/series/happiness');
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('documents the API in OpenAPI, with Swagger UI served by the platform', async () => {
    const document = (await (await fetch(`${baseUrl}/docs/openapi.json`)).json()) as {
      info: { description: string };
      paths: Record<string, { get: { responses: Record<string, unknown> } }>;
    };
    expect(document.info.description).toContain('administrator-role');
    expect(Object.keys(document.paths['/admin/metrics/summary']!.get.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403']),
    );
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/admin/metrics/summary',
        '/admin/metrics/series/{name}',
        '/admin/metrics/departments',
        '/admin/metrics/eservices',
      ]),
    );
    const page = await fetch(`${baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toMatch(/(src|href)="https?:/);
  });
});
