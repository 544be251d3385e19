import { expect } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { EventStore, RecordedEvent } from '#libs/event-store';
import { EVENT_STORE, ManualClock, ProjectionRunner } from '#libs/eventsourcing';
import { CitizenApp, CitizenAppError, type Person } from '../../libs/identity/src/simulator/citizen-app.js';
import { hkidFor, startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';

/**
 * The real platform listening on a free port, so the citizen-app simulator reaches it over HTTP as it would a
 * deployed one, with a clock the test moves.
 */
export interface IdentityPlatform {
  readonly app: NestExpressApplication;
  readonly clock: ManualClock;
  readonly http: ReturnType<typeof request>;
  /** A phone with the app freshly installed, signing with the platform's clock. */
  installApp(options?: { fetch?: typeof fetch }): Promise<CitizenApp>;
  /** A phone whose citizen has registered. */
  registeredApp(options?: { fetch?: typeof fetch }): Promise<CitizenApp>;
  admin(path: string, body?: object): request.Test;
  /** Every event in the log, in order: what a refusal must leave as it was. */
  log(): Promise<readonly RecordedEvent[]>;
  /**
   * Runs a call that must be refused, through the simulator or supertest, and checks the status and code of the
   * problem it got and that the log is exactly as it was. Answers the problem document.
   */
  expectRefusal(call: () => Promise<unknown>, status: number, code: string): Promise<Problem>;
  /** Resolves once the read models have taken in the whole log. */
  projected(): Promise<void>;
  close(): Promise<void>;
}

export type Problem = { status: number; code: string; violations?: { field: string }[] } & Record<
  string,
  unknown
>;

let people = 0;

export const personFor = (n: number): Person => ({
  nameEn: 'CHAN, Tai Man',
  nameZh: '陳大文',
  hkid: hkidFor(n),
  dateOfBirth: '1990-02-14',
});

export async function startIdentityPlatform(): Promise<IdentityPlatform> {
  const clock = new ManualClock(new Date());
  const { app, baseUrl } = await startListeningTestPlatform(undefined, {}, { clock });
  const store = app.get<EventStore>(EVENT_STORE);
  const http = request(app.getHttpServer());
  const log = () => store.readAll({ maxCount: 1_000_000 });
  const installApp = (options: { fetch?: typeof fetch } = {}) =>
    CitizenApp.install({ baseUrl, clock, ...options });
  return {
    app,
    clock,
    http,
    installApp,
    async registeredApp(options) {
      const phone = await installApp(options);
      await phone.register(personFor(++people));
      return phone;
    },
    admin: (path, body) => {
      const call = http.post(path).set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
      return body === undefined ? call : call.send(body);
    },
    log,
    async expectRefusal(call, status, code) {
      const before = (await log()).length;
      const outcome = await call().then(
        (response) => response as request.Response,
        (error: unknown) => {
          if (error instanceof CitizenAppError) return { status: error.status, body: error.problem };
          throw error;
        },
      );
      expect(outcome.status).toBe(status);
      expect(outcome.body).toMatchObject({ status, code });
      expect((await log()).length).toBe(before);
      return outcome.body as Problem;
    },
    async projected() {
      // The head, not the last event read: on PostgreSQL a read may stop short of this test's appends while
      // another suite's transaction is open on the cluster, and headPosition waits that out.
      const head = await store.headPosition();
      if (head !== undefined) await app.get(ProjectionRunner).waitFor(head);
    },
    close: () => app.close(),
  };
}
