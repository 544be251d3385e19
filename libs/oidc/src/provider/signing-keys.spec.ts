import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { PiiVault } from '#libs/eventsourcing';
import { readModelTargets } from '../../../eventsourcing/src/read-models/read-model-database.testing.js';
import { postgresTestUrl } from '../../../event-store/src/testing/postgres-test-database.js';
import { setupSigningKeys, SigningKeys } from './signing-keys.js';

const url = await postgresTestUrl();

describe.each(readModelTargets(url).map((t) => [t.name, t] as const))(
  'SigningKeys on %s',
  (_name, target) => {
    afterAll(() => target.dispose());
    const masterKey = randomBytes(32);

    it('creates ES256, PS256 and RS256 keys once, keeps them across restarts, and puts rotated ones first', async () => {
      let tick = Date.parse('2026-01-01T00:00:00Z');
      const open = async () => {
        const readModels = await target.open();
        const vault = new PiiVault(readModels, masterKey);
        await vault.setup();
        await readModels.migrate(setupSigningKeys);
        return { readModels, keys: new SigningKeys(readModels, vault, () => new Date((tick += 1000))) };
      };
      const first = await open();
      const initial = await first.keys.load();
      expect(initial.keys.map((k) => [k.alg, k.use])).toEqual(
        expect.arrayContaining([
          ['ES256', 'sig'],
          ['PS256', 'sig'],
          ['RS256', 'sig'],
        ]),
      );
      expect(initial.keys).toHaveLength(3);
      expect(initial.keys.every((k) => typeof k.d === 'string' && typeof k.kid === 'string')).toBe(true);
      await first.readModels.close();

      const restarted = await open();
      expect((await restarted.keys.load()).keys.map((k) => k.kid)).toEqual(initial.keys.map((k) => k.kid));
      const rotated = await restarted.keys.rotate();
      const after = (await restarted.keys.load()).keys.map((k) => k.kid);
      expect(after).toHaveLength(6);
      expect(after.slice(0, 3).sort()).toEqual([...rotated].sort());
      await restarted.readModels.close();
    });

    it('adds a PS256 key to a key set from before it was offered, keeping the others', async () => {
      const readModels = await target.open();
      const vault = new PiiVault(readModels, masterKey);
      await vault.setup();
      await readModels.migrate(setupSigningKeys);
      const keys = new SigningKeys(readModels, vault, () => new Date());
      const before = await keys.load();
      await readModels.db.deleteFrom('oidc_signing_keys').where('alg', '=', 'PS256').execute();
      const after = await keys.load();
      const ps256 = after.keys.filter((k) => k.alg === 'PS256');
      expect(ps256).toHaveLength(1);
      expect(before.keys.map((k) => k.kid)).not.toContain(ps256[0]!.kid);
      expect(after.keys.filter((k) => k.alg !== 'PS256')).toEqual(
        before.keys.filter((k) => k.alg !== 'PS256'),
      );
      await readModels.close();
    });
  },
);
