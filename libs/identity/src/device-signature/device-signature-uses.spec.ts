import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { postgresTestUrl } from '../../../event-store/src/testing/postgres-test-database.js';
import { ManualClock, type ReadModelDatabase } from '#libs/eventsourcing';
import { readModelTargets } from '../../../eventsourcing/src/read-models/read-model-database.testing.js';
import { DeviceSignatureUses } from './device-signature-uses.js';

const postgresUrl = await postgresTestUrl();

describe.each(readModelTargets(postgresUrl))('device signature uses on $name', (target) => {
  const clock = new ManualClock(new Date('2026-11-25T10:00:00Z'));
  const until = new Date('2026-11-25T10:05:00Z');
  let readModels: ReadModelDatabase;
  let uses: DeviceSignatureUses;

  beforeAll(async () => {
    readModels = await target.open();
    uses = new DeviceSignatureUses(readModels, clock);
  });
  afterAll(async () => {
    await readModels.close();
    await target.dispose();
  });

  it('takes a signed request once, whatever form its signature is sent in', async () => {
    await uses.claim('citizen/device', 'header.payload.signature-one', until);
    // A second valid ECDSA form of the same signature signs the same input: still a replay.
    await expect(uses.claim('citizen/device', 'header.payload.signature-two', until)).rejects.toMatchObject({
      code: 'DEVICE_SIGNATURE_REPLAYED',
      status: 401,
    });
    await expect(uses.claim('citizen/other-device', 'header.payload.signature-one', until)).resolves.toBe(
      undefined,
    );
  });

  it('lets through concurrent uses once only', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => uses.claim('citizen/device', 'header.raced.signature', until)),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  });

  it('lets a retry under the same Idempotency-Key through, and no other', async () => {
    await uses.claim('citizen/device', 'header.keyed.signature', until, 'key-1');
    await expect(uses.claim('citizen/device', 'header.keyed.signature', until, 'key-1')).resolves.toBe(
      undefined,
    );
    await expect(
      uses.claim('citizen/device', 'header.keyed.signature', until, 'key-2'),
    ).rejects.toMatchObject({
      code: 'DEVICE_SIGNATURE_REPLAYED',
    });
    await expect(uses.claim('citizen/device', 'header.keyed.signature', until)).rejects.toMatchObject({
      code: 'DEVICE_SIGNATURE_REPLAYED',
    });
  });
});
