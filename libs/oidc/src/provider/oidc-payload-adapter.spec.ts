import { afterAll, describe, expect, it } from '@jest/globals';
import { readModelTargets } from '../../../eventsourcing/src/read-models/read-model-database.testing.js';
import { postgresTestUrl } from '../../../event-store/src/testing/postgres-test-database.js';
import type { EServiceDirectory } from '../eservices/eservice-directory.js';
import { oidcAdapterFactory, setupOidcPayloads } from './oidc-payload-adapter.js';

const url = await postgresTestUrl();
/** Replay detection never asks for clients. */
const noClients: EServiceDirectory = { findClient: async () => undefined, describe: async () => undefined };

describe.each(readModelTargets(url).map((t) => [t.name, t] as const))(
  'replay detection in the OIDC payload table on %s',
  (_name, target) => {
    afterAll(() => target.dispose());

    it('takes a jti once when two instances check it at the same moment, and again once it expired', async () => {
      const first = await target.open();
      const second = await target.open();
      await first.migrate(setupOidcPayloads);
      let now = Date.parse('2026-12-01T00:00:00Z');
      const instanceA = new (oidcAdapterFactory(first, noClients, () => now))('ReplayDetection');
      const instanceB = new (oidcAdapterFactory(second, noClients, () => now))('ReplayDetection');
      const payload = { jti: 'hashed-iss-and-jti', iss: 'tax-return' };

      // Both find nothing, as oidc-provider's ReplayDetection.unique does before it saves.
      expect(await instanceA.find(payload.jti)).toBeUndefined();
      expect(await instanceB.find(payload.jti)).toBeUndefined();
      await instanceA.upsert(payload.jti, payload, 60);
      await expect(instanceB.upsert(payload.jti, payload, 60)).rejects.toMatchObject({
        error: 'invalid_request',
        statusCode: 400,
      });

      now += 61_000;
      expect(await instanceB.find(payload.jti)).toBeUndefined();
      await expect(instanceB.upsert(payload.jti, payload, 60)).resolves.toBeUndefined();
      await first.close();
      await second.close();
    });
  },
);
