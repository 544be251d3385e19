import { afterAll, describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '#libs/event-store';
import type { Projection, ReadModelDatabase } from '#libs/eventsourcing';
import { postgresTestUrl } from '../../../event-store/src/testing/postgres-test-database.js';
import { readModelTargets } from '../../../eventsourcing/src/read-models/read-model-database.testing.js';
import type { ConsentTerms } from '../domain/consent-terms.js';
import type { ConsentEvent } from '../domain/consent.events.js';
import { consentWebhooks } from '../webhooks/consent-webhooks.projection.js';
import { citizenConsents } from './citizen-consents.projection.js';
import { consentCatalogue } from './consent-catalogue.projection.js';

const postgresUrl = await postgresTestUrl();

const terms = (consentId: string, consumerId = 'social-welfare'): ConsentTerms => ({
  consentId,
  citizenId: `citizen-of-${consentId}`,
  consumerId,
  providerId: 'housing-department',
  datasetId: 'proof-of-address',
  items: ['address'],
  purpose: { code: 'HOUSING_ALLOWANCE', text: 'Check eligibility' },
  frequency: { mode: 'once' },
  dataRange: { from: '2020-01-01', to: '2030-12-31' },
  retentionDays: 30,
  validFrom: '2026-11-01T00:00:00.000Z',
  expiresAt: '2027-11-01T00:00:00.000Z',
});

const at = (minute: number) => `2026-11-26T00:${String(minute).padStart(2, '0')}:00.000Z`;
const device = { deviceId: 'device-1' };

/** A log touching every case of the fold: requested and changed in one batch, or requested in an earlier one. */
const LOG: ConsentEvent[] = [
  { type: 'ConsentRequested', data: { terms: terms('c-earlier'), requestedAt: at(1) } },
  {
    type: 'ConsentRequested',
    data: { terms: terms('c-lifecycle', 'notified-consumer'), requestedAt: at(2) },
  },
  {
    type: 'ConsentApproved',
    data: { consentId: 'c-lifecycle', ...device, termsHash: 'h', artefact: 'artefact-1', approvedAt: at(3) },
  },
  { type: 'ConsentPaused', data: { consentId: 'c-lifecycle', ...device, pausedAt: at(4) } },
  { type: 'ConsentRequested', data: { terms: terms('c-pending'), requestedAt: at(5) } },
  {
    type: 'ConsentApproved',
    data: { consentId: 'c-earlier', ...device, termsHash: 'h', artefact: 'artefact-2', approvedAt: at(6) },
  },
  { type: 'ConsentResumed', data: { consentId: 'c-lifecycle', ...device, resumedAt: at(7) } },
  { type: 'ConsentRevoked', data: { consentId: 'c-earlier', ...device, revokedAt: at(8) } },
  { type: 'ConsentRevoked', data: { consentId: 'c-lifecycle', ...device, revokedAt: at(9) } },
  { type: 'ConsentRejected', data: { consentId: 'c-unknown', ...device, rejectedAt: at(10) } },
];

const recorded: RecordedEvent[] = LOG.map((event, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  stream: `consent-${(event.data as { consentId?: string }).consentId ?? 'x'}`,
  revision: 0n,
  position: BigInt(i + 1),
  type: event.type,
  data: event.data as unknown as RecordedEvent['data'],
  metadata: { occurredAt: at(i + 1) },
  recordedAt: new Date(at(i + 1)),
}));

const participant = (participantId: string, webhookUrl: string | null) => ({
  participant_id: participantId,
  name: participantId,
  department: 'GOV',
  roles: 'consumer',
  endpoint: null,
  webhook_url: webhookUrl,
  jwks: '{"keys":[]}',
  registered_at: at(0),
});

async function project(readModels: ReadModelDatabase, batches: readonly RecordedEvent[][]) {
  const projections: Projection[] = [consentCatalogue, citizenConsents, consentWebhooks];
  for (const projection of projections) await projection.setup(readModels.db);
  await readModels.db
    .insertInto('consent_participants')
    .values([
      participant('notified-consumer', 'https://consumer.example/hook'),
      participant('social-welfare', null),
    ])
    .execute();
  for (const batch of batches) {
    await readModels.transaction(async (trx) => {
      await citizenConsents.apply(trx, batch);
      await consentWebhooks.apply(trx, batch);
    });
  }
  const rows = (table: string, key: string) =>
    readModels.db.selectFrom(table).selectAll().orderBy(key).execute() as Promise<unknown[]>;
  return {
    consents: await rows('consents', 'consent_id'),
    parties: await rows('consent_parties', 'consent_id'),
    deliveries: await rows('webhook_deliveries', 'delivery_id'),
  };
}

describe.each(readModelTargets(postgresUrl))('the consent projections on $name', (target) => {
  const opened: ReadModelDatabase[] = [];
  afterAll(async () => {
    for (const readModels of opened) await readModels.close();
    await target.dispose();
  });

  it('write the same rows from a batch folded in memory as from one event at a time', async () => {
    const oneByOne = await target.open();
    opened.push(oneByOne);
    const expected = await project(
      oneByOne,
      recorded.map((event) => [event]),
    );
    expect(expected.consents).toEqual([
      expect.objectContaining({ consent_id: 'c-earlier', status: 'REVOKED', artefact: 'artefact-2' }),
      expect.objectContaining({
        consent_id: 'c-lifecycle',
        status: 'REVOKED',
        artefact: 'artefact-1',
        updated_at: at(9),
      }),
      expect.objectContaining({ consent_id: 'c-pending', status: 'PENDING', artefact: null }),
    ]);
    expect(expected.deliveries).toHaveLength(4);

    for (const table of ['webhook_deliveries', 'consent_parties', 'consents']) {
      await oneByOne.db.deleteFrom(table).execute();
    }
    await oneByOne.db.deleteFrom('consent_participants').execute();
    // c-earlier requested in a batch of its own, everything else in one.
    expect(await project(oneByOne, [recorded.slice(0, 1), recorded.slice(1)])).toEqual(expected);
  });
});
