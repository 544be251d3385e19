import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { SubjectKeyCache, type CachedSubjectKey } from './subject-key-cache.js';

const active = (): CachedSubjectKey => ({ state: 'active', key: createSecretKey(randomBytes(32)) });

describe('the subject key cache', () => {
  it('gives a key back until its time to live has passed since it was cached', () => {
    const cache = new SubjectKeyCache(10, 1000);
    const key = active();
    cache.set('a', key, 0);
    expect(cache.get('a', 999)).toBe(key);
    expect(cache.get('a', 1000)).toBeUndefined();
  });

  it('does not extend a key’s life when it is used', () => {
    const cache = new SubjectKeyCache(10, 1000);
    cache.set('a', active(), 0);
    for (const at of [300, 600, 900]) expect(cache.get('a', at)).toBeDefined();
    expect(cache.get('a', 1000)).toBeUndefined();
  });

  it('holds nothing with a time to live of 0', () => {
    const cache = new SubjectKeyCache(10, 0);
    cache.set('a', active(), 5);
    expect(cache.get('a', 5)).toBeUndefined();
  });

  it('remembers an erasure for good', () => {
    const cache = new SubjectKeyCache(10, 1000);
    cache.set('a', active(), 0);
    cache.set('a', { state: 'erased' }, 0);
    expect(cache.get('a', Number.MAX_SAFE_INTEGER)).toEqual({ state: 'erased' });
  });

  it('drops the least recently used entry when full', () => {
    const cache = new SubjectKeyCache(3, 1000);
    for (const subject of ['a', 'b', 'c']) cache.set(subject, active(), 0);
    cache.get('a', 1);
    cache.set('d', active(), 2);
    expect(cache.size).toBe(3);
    expect(cache.get('b', 3)).toBeUndefined();
    for (const subject of ['a', 'c', 'd']) expect(cache.get(subject, 3)).toBeDefined();
  });
});
