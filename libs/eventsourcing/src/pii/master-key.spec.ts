import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { MasterKey } from './master-key.js';

describe('the master key', () => {
  const master = new MasterKey(randomBytes(32));

  it.each([0, 16, 31, 33, 64])('refuses %i bytes', (length) => {
    expect(() => new MasterKey(randomBytes(length))).toThrow(
      expect.objectContaining({ code: 'PII_MASTER_KEY_INVALID', status: 500 }),
    );
  });

  it('unwraps what it wrapped into a 32-byte key', () => {
    const key = master.unwrap('citizen-1', master.wrapNewDataKey('citizen-1'));
    expect(key.symmetricKeySize).toBe(32);
  });

  it('wraps a different random key each time', () => {
    const first = master.unwrap('citizen-1', master.wrapNewDataKey('citizen-1'));
    const second = master.unwrap('citizen-1', master.wrapNewDataKey('citizen-1'));
    expect(first.equals(second)).toBe(false);
  });

  it('names the master key in a wrapped key, and says so when another master key is configured', () => {
    const wrapped = master.wrapNewDataKey('citizen-1');
    expect(wrapped.startsWith(`v1:${master.id}:`)).toBe(true);
    const other = new MasterKey(randomBytes(32));
    expect(() => other.unwrap('citizen-1', wrapped)).toThrow(
      expect.objectContaining({
        code: 'PII_MASTER_KEY_MISMATCH',
        details: { wrappedWith: master.id, configured: other.id },
      }),
    );
  });

  it('has a stable id derived from the key, which does not contain it', () => {
    const material = randomBytes(32);
    expect(new MasterKey(material).id).toBe(new MasterKey(material).id);
    expect(new MasterKey(material).id).not.toContain(material.toString('base64url').slice(0, 8));
  });

  it('does not unwrap a key row copied onto another subject', () => {
    expect(() => master.unwrap('citizen-2', master.wrapNewDataKey('citizen-1'))).toThrow(
      expect.objectContaining({ code: 'PII_SUBJECT_KEY_CORRUPT' }),
    );
  });

  it.each([
    ['an unknown format', (w: string) => w.replace(/^v1:/, 'v9:')],
    ['a missing part', (w: string) => w.split(':').slice(0, 2).join(':')],
    ['an extra part', (w: string) => `${w}:x`],
    ['a shortened body', (w: string) => w.slice(0, -4)],
    ['a changed body', (w: string) => w.slice(0, -2) + (w.endsWith('AA') ? 'BA' : 'AA')],
  ])('refuses a wrapped key with %s', (_case, damage) => {
    expect(() => master.unwrap('citizen-1', damage(master.wrapNewDataKey('citizen-1')))).toThrow(
      expect.objectContaining({ code: 'PII_SUBJECT_KEY_CORRUPT' }),
    );
  });
});
