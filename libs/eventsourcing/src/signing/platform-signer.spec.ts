import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { postgresTestUrl } from '../../../event-store/src/testing/postgres-test-database.js';
import { ManualClock } from '../clock/clock.js';
import { PiiVault } from '../pii/pii-vault.js';
import type { ReadModelDatabase } from '../read-models/read-model-database.js';
import { readModelTargets } from '../read-models/read-model-database.testing.js';
import { PlatformSigner } from './platform-signer.js';

const postgresUrl = await postgresTestUrl();

describe.each(readModelTargets(postgresUrl))('the platform signer on $name', (target) => {
  const masterKey = randomBytes(32);
  const clock = new ManualClock(new Date('2026-11-25T10:00:00Z'));
  const opened: ReadModelDatabase[] = [];

  async function signer(): Promise<PlatformSigner> {
    const readModels = await target.open();
    opened.push(readModels);
    const vault = new PiiVault(readModels, masterKey, { clock });
    await vault.setup();
    return new PlatformSigner(readModels, vault, clock);
  }

  let first: PlatformSigner;
  beforeAll(async () => {
    first = await signer();
  });
  afterAll(async () => {
    for (const readModels of opened) await readModels.close();
    await target.dispose();
  });

  it('signs with a typed ES256 JWS that its published keys verify offline', async () => {
    const jws = await first.sign('receipts', 'receipt+jwt', { id: 'r-1', amount: 3 });
    const { payload, protectedHeader } = await compactVerify(
      jws,
      createLocalJWKSet(await first.publicJwks('receipts')),
    );
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'receipt+jwt' });
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ id: 'r-1', amount: 3 });
    await expect(first.verify('receipts', 'receipt+jwt', jws)).resolves.toEqual({ id: 'r-1', amount: 3 });
  });

  it('keeps purposes apart: a signature for one never verifies as another, nor under another type', async () => {
    const jws = await first.sign('receipts', 'receipt+jwt', { id: 'r-2' });
    await expect(first.verify('tickets', 'receipt+jwt', jws)).rejects.toMatchObject({
      code: 'PLATFORM_SIGNATURE_INVALID',
      status: 400,
    });
    await expect(first.verify('receipts', 'ticket+jwt', jws)).rejects.toMatchObject({
      code: 'PLATFORM_SIGNATURE_INVALID',
    });
  });

  it('refuses a tampered payload and a malformed token', async () => {
    const [header, , signature] = (await first.sign('receipts', 'receipt+jwt', { id: 'r-3' })).split('.');
    const forged = `${header}.${Buffer.from('{"id":"r-4"}').toString('base64url')}.${signature}`;
    await expect(first.verify('receipts', 'receipt+jwt', forged)).rejects.toMatchObject({
      code: 'PLATFORM_SIGNATURE_INVALID',
    });
    await expect(first.verify('receipts', 'receipt+jwt', 'not-a-jws')).rejects.toMatchObject({
      code: 'PLATFORM_SIGNATURE_INVALID',
    });
  });

  it('keeps its keys across a restart and keeps older signatures verifiable after a rotation elsewhere', async () => {
    const before = await first.sign('receipts', 'receipt+jwt', { id: 'r-5' });
    const restarted = await signer();
    await expect(restarted.verify('receipts', 'receipt+jwt', before)).resolves.toEqual({ id: 'r-5' });

    clock.advance(60_000);
    const newKid = await restarted.rotate('receipts');
    const after = await restarted.sign('receipts', 'receipt+jwt', { id: 'r-6' });
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    // `first` loaded its keys before the rotation: it finds the newer key when a signature names it.
    await expect(first.verify('receipts', 'receipt+jwt', after)).resolves.toEqual({ id: 'r-6' });
    await expect(restarted.verify('receipts', 'receipt+jwt', before)).resolves.toEqual({ id: 'r-5' });
    expect((await restarted.publicJwks('receipts')).keys.map((k) => k.kid)[0]).toBe(newKid);
  });
});
