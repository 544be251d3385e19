import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, ManualClock } from '#libs/eventsourcing';
import {
  parseAdministratorsCommand,
  runAdministratorsCommand,
} from '../../apps/cli/src/administrators-command.js';
import type { CitizenApp } from '../../libs/identity/src/simulator/citizen-app.js';
import { eventually } from '../support/eventually.js';
import { storageTargets } from '../support/storage-targets.js';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';
import { logIn, registeredCitizen, RelyingParty } from './relying-party.js';

describe.each(storageTargets('admin_sign_in'))(
  'administrators signing in with the platform’s own OpenID Provider on %s',
  (_name, target) => {
    let app: NestExpressApplication;
    let dropStorage: () => Promise<void>;
    let baseUrl: string;
    let adminConsole: RelyingParty;
    let administrator: CitizenApp;
    const clock = new ManualClock(new Date());

    beforeAll(async () => {
      const storage = await target.create();
      dropStorage = storage.drop;
      ({ app, baseUrl } = await startListeningTestPlatform(storage.config, {}, { clock }));
      adminConsole = await RelyingParty.register(baseUrl, 'admin-console', ['openid', 'admin']);
      administrator = await registeredCitizen(baseUrl);
      expect((await role('POST', administrator.citizenId)).body).toMatchObject({ administrator: true });
    });
    afterAll(async () => {
      await app.close();
      await dropStorage();
    });

    const call = async (method: string, path: string, token: string) => {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const role = (method: 'POST' | 'DELETE', citizenId: string, token = TEST_ADMIN_TOKEN) =>
      call(method, `/admin/citizens/${citizenId}/administrator-role`, token);
    const summary = (token: string) => call('GET', '/admin/metrics/summary', token);
    const signIn = async (citizen: CitizenApp, scope = 'openid admin') =>
      (await logIn(adminConsole, citizen, [], { scope })).tokens;

    it('issues an administrator an access token with the admin scope, which opens the admin API', async () => {
      const tokens = await signIn(administrator);
      expect(tokens.scope?.split(' ')).toContain('admin');
      const answer = await summary(tokens.access_token);
      expect(answer.status).toBe(200);
      expect(answer.body).toHaveProperty('registeredCitizens');
    });

    it('records the administrator, not "admin", as the actor of what they do', async () => {
      const tokens = await signIn(administrator);
      const citizen = await registeredCitizen(baseUrl);
      const verified = await call(
        'POST',
        `/admin/citizens/${citizen.citizenId}/identity-verification`,
        tokens.access_token,
      );
      expect(verified.status).toBe(200);
      const events = await app.get<EventStore>(EVENT_STORE).readStream(`citizen-${citizen.citizenId}`);
      expect(events.at(-1)).toMatchObject({
        type: 'IdentityVerified',
        metadata: expect.objectContaining({ actor: `citizen:${administrator.citizenId}` }),
      });
    });

    it('does not grant the admin scope to a citizen without the role, and refuses their token', async () => {
      const tokens = await signIn(await registeredCitizen(baseUrl));
      expect(tokens.scope?.split(' ')).not.toContain('admin');
      expect(await summary(tokens.access_token)).toMatchObject({
        status: 403,
        body: { code: 'ADMIN_SCOPE_REQUIRED' },
      });
    });

    it('refuses an administrator’s token issued without the admin scope', async () => {
      const tokens = await signIn(administrator, 'openid');
      expect(await summary(tokens.access_token)).toMatchObject({
        status: 403,
        body: { code: 'ADMIN_SCOPE_REQUIRED' },
      });
    });

    it('closes the admin API to a revoked administrator at once, tokens already issued included', async () => {
      const former = await registeredCitizen(baseUrl);
      await role('POST', former.citizenId);
      const tokens = await signIn(former);
      expect((await summary(tokens.access_token)).status).toBe(200);

      expect((await role('DELETE', former.citizenId)).body).toMatchObject({ administrator: false });
      expect(await summary(tokens.access_token)).toMatchObject({
        status: 403,
        body: { code: 'ADMINISTRATOR_ROLE_REQUIRED' },
      });
      expect((await signIn(former)).scope?.split(' ')).not.toContain('admin');
      expect(await role('DELETE', former.citizenId)).toMatchObject({
        status: 409,
        body: { code: 'ADMINISTRATOR_ROLE_NOT_GRANTED' },
      });
    });

    it('closes it to a suspended administrator too', async () => {
      const suspended = await registeredCitizen(baseUrl);
      await role('POST', suspended.citizenId);
      const tokens = await signIn(suspended);
      const response = await fetch(`${baseUrl}/admin/citizens/${suspended.citizenId}/suspension`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'account-compromised' }),
      });
      expect(response.status).toBe(200);
      // Suspension ends every token the citizen holds: theirs is no token at all any more.
      expect(await summary(tokens.access_token)).toMatchObject({
        status: 401,
        body: { code: 'ADMIN_TOKEN_INVALID' },
      });
    });

    it('lets an administrator’s token manage administrators, and lists them', async () => {
      const tokens = await signIn(administrator);
      const deputy = await registeredCitizen(baseUrl);
      expect((await role('POST', deputy.citizenId, tokens.access_token)).status).toBe(200);
      const listed = await eventually(async () => {
        const { body } = await call('GET', '/admin/administrators', tokens.access_token);
        const ids = (body['administrators'] as { citizenId: string }[]).map((a) => a.citizenId);
        return ids.includes(deputy.citizenId) ? ids : undefined;
      });
      expect(listed).toContain(administrator.citizenId);
    });

    it('grants, revokes and lists administrators from the command line', async () => {
      const lines: string[] = [];
      const run = async (...args: string[]) =>
        runAdministratorsCommand(app, parseAdministratorsCommand(args), (line) => lines.push(line));
      const operator = await registeredCitizen(baseUrl);
      await run('grant', operator.citizenId);
      expect((await summary((await signIn(operator)).access_token)).status).toBe(200);
      await run('list');
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${operator.citizenId} since `)));
      await run('revoke', operator.citizenId);
      expect((await signIn(operator)).scope?.split(' ')).not.toContain('admin');
      expect(() => parseAdministratorsCommand(['grant', 'not-a-uuid'])).toThrow('not a citizen id');
      expect(() => parseAdministratorsCommand(['promote'])).toThrow('administrators needs');
    });

    it('answers 401 to a token that is not one of ours, or has expired, and still takes ADMIN_TOKEN', async () => {
      const tokens = await signIn(administrator);
      expect(await summary('not-a-token-we-issued')).toMatchObject({
        status: 401,
        body: { code: 'ADMIN_TOKEN_INVALID' },
      });
      expect((await summary(TEST_ADMIN_TOKEN)).status).toBe(200);
      clock.advance(11 * 60_000);
      expect(await summary(tokens.access_token)).toMatchObject({
        status: 401,
        body: { code: 'ADMIN_TOKEN_INVALID' },
      });
    });
  },
);
