import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type { EventStore, RecordedEvent } from '#libs/event-store';
import { EVENT_STORE, ManualClock, ProjectionRunner, type StorageConfig } from '#libs/eventsourcing';
import { CitizenApp } from '../../libs/identity/src/simulator/citizen-app.js';
import { ConsentApp } from '../../libs/consent/src/simulator/consent-app.js';
import { GatewayParticipant } from '../../libs/consent/src/simulator/gateway-participant.js';
import {
  PROOF_OF_ADDRESS as DEMO_PROOF_OF_ADDRESS,
  startHousingProvider,
  type HousingProvider,
} from '../../apps/demo-consent/src/housing-provider.js';
import { personFor } from '../identity/identity-platform.js';
import { startListeningTestPlatform, TEST_ADMIN_TOKEN } from '../support/test-platform.js';

export const PROOF_OF_ADDRESS = { datasetId: 'proof-of-address', ...DEMO_PROOF_OF_ADDRESS };

/**
 * The platform listening on a free port with a clock the test moves, the demo housing provider, a consumer
 * (social welfare), both registered, and the proof-of-address dataset published.
 */
export interface ConsentPlatform {
  readonly app: NestExpressApplication;
  readonly baseUrl: string;
  readonly clock: ManualClock;
  readonly http: ReturnType<typeof request>;
  readonly provider: HousingProvider;
  readonly housing: GatewayParticipant;
  readonly welfare: GatewayParticipant;
  registerParticipant(
    participant: GatewayParticipant,
    roles: string[],
    endpoint?: string,
    webhookUrl?: string,
  ): Promise<void>;
  /** A citizen with the app set up, and its consent screens. */
  citizen(): Promise<ConsentApp>;
  log(): Promise<readonly RecordedEvent[]>;
  /** One stream's events: read by revision, so not held back by another transaction of the cluster. */
  stream(name: string): Promise<readonly RecordedEvent[]>;
  projected(): Promise<void>;
  close(): Promise<void>;
}

let people = 500_000;

const NAMES: Record<string, string> = {
  'social-welfare': 'Social Welfare Department',
  'housing-department': 'Housing Department',
};

export async function startConsentPlatform(storage: StorageConfig): Promise<ConsentPlatform> {
  const clock = new ManualClock(new Date());
  const { app, baseUrl } = await startListeningTestPlatform(storage, {}, { clock });
  const http = request(app.getHttpServer());
  const store = app.get<EventStore>(EVENT_STORE);
  const provider = await startHousingProvider({
    platformUrl: baseUrl,
    providerId: 'housing-department',
    slowMs: 6_000,
    now: () => clock.now(),
  });
  const housing = await GatewayParticipant.create('housing-department', { baseUrl, clock });
  const welfare = await GatewayParticipant.create('social-welfare', { baseUrl, clock });
  const registerParticipant = async (
    participant: GatewayParticipant,
    roles: string[],
    endpoint?: string,
    webhookUrl?: string,
  ) => {
    await http
      .post('/admin/participants')
      .set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
      .send({
        participantId: participant.participantId,
        name: NAMES[participant.participantId] ?? participant.participantId,
        department: 'GOV',
        roles,
        ...(endpoint && { endpoint }),
        ...(webhookUrl && { webhookUrl }),
        jwks: participant.jwks,
      })
      .expect(201);
  };
  await registerParticipant(housing, ['provider'], provider.url);
  await registerParticipant(welfare, ['consumer']);
  await housing.call('POST', '/gateway/datasets', PROOF_OF_ADDRESS);
  const log = () => store.readAll({ maxCount: 1_000_000 });
  return {
    app,
    baseUrl,
    clock,
    http,
    provider,
    housing,
    welfare,
    registerParticipant,
    async citizen() {
      const phone = await CitizenApp.install({ baseUrl, clock });
      await phone.register(personFor(++people));
      return new ConsentApp(phone);
    },
    log,
    stream: (name) => store.readStream(name),
    async projected() {
      // The head, not the last event read: on PostgreSQL a read may stop short of this test's appends while
      // another suite's transaction is open on the cluster, and headPosition waits that out.
      const head = await store.headPosition();
      if (head !== undefined) await app.get(ProjectionRunner).waitFor(head);
    },
    async close() {
      await provider.close();
      await app.close();
    },
  };
}
