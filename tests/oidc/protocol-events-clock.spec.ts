import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, ManualClock } from '#libs/eventsourcing';
import { CitizenApp } from '#libs/identity';
import { eventually } from '../support/eventually.js';
import { hkidFor, startListeningTestPlatform } from '../support/test-platform.js';
import { logIn, RelyingParty } from './relying-party.js';

/** Protocol outcomes are dated by the platform's clock, as every other event is, not by the machine's. */
describe('TokenIssued and LoginFailed on the platform clock', () => {
  const clock = new ManualClock(new Date('2026-03-01T09:00:00.000Z'));
  let app: NestExpressApplication;
  let store: EventStore;
  let rp: RelyingParty;
  let citizen: CitizenApp;

  beforeAll(async () => {
    let baseUrl: string;
    ({ app, baseUrl } = await startListeningTestPlatform(undefined, {}, { clock }));
    store = app.get(EVENT_STORE);
    rp = await RelyingParty.register(baseUrl, 'clocked-portal');
    citizen = await CitizenApp.install({ baseUrl, clock });
    await citizen.register({
      nameEn: 'CHAN, Tai Man',
      hkid: hkidFor(920_001, 'Q'),
      dateOfBirth: '1990-02-14',
    });
  });
  afterAll(() => app?.close());

  const activity = () => store.readStream('oidcActivity-clocked-portal');

  it('dates a token issued and a denied login at the platform’s time', async () => {
    await logIn(rp, citizen, []);
    const issued = await eventually(async () => (await activity()).find((e) => e.type === 'TokenIssued'));
    expect(issued.data['issuedAt']).toBe('2026-03-01T09:00:00.000Z');
    expect(issued.metadata['occurredAt']).toBe('2026-03-01T09:00:00.000Z');

    clock.advance(60_000);
    const login = await rp.startLogin();
    await citizen.deny(await citizen.fetchLoginRequest(login.shortCode!));
    await login.continue();
    const failed = (await activity()).find((e) => e.type === 'LoginFailed');
    expect(failed?.data).toMatchObject({ reason: 'denied', failedAt: '2026-03-01T09:01:00.000Z' });
    expect(failed?.metadata['occurredAt']).toBe('2026-03-01T09:01:00.000Z');
  });
});
