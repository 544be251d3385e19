import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { JsonValue } from '#libs/event-store';
import { PiiCiphertextInvalid } from './pii-errors.js';
import { openField, sealField } from './sealed-field.js';

const key = createSecretKey(randomBytes(32));
// fast-check types its JSON arrays as readonly, the event store's as mutable: the values are the same.
// Values are compared as JSON sees them, where -0 is 0, as in the event log itself.
const anyJson = fc.jsonValue() as fc.Arbitrary<JsonValue>;
const asJson = (value: JsonValue): unknown => JSON.parse(JSON.stringify(value));

function flipByte(sealed: string, index: (length: number) => number): string {
  const prefix = sealed.slice(0, 'pii:v1:'.length);
  const body = Buffer.from(sealed.slice(prefix.length), 'base64url');
  const at = index(body.length);
  body[at] = body[at]! ^ 0x01;
  return prefix + body.toString('base64url');
}

function invalid(attempt: () => unknown): PiiCiphertextInvalid {
  try {
    attempt();
  } catch (error) {
    expect(error).toBeInstanceOf(PiiCiphertextInvalid);
    return error as PiiCiphertextInvalid;
  }
  throw new Error('expected PII_CIPHERTEXT_INVALID');
}

describe('a sealed field', () => {
  it('round-trips any JSON value', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), anyJson, (subjectId, field, value) => {
        expect(openField(key, subjectId, field, sealField(key, subjectId, field, value))).toEqual(
          asJson(value),
        );
      }),
    );
  });

  it('is a versioned, JSON-safe string that reveals nothing of the plaintext', () => {
    const sealed = sealField(key, 'citizen-1', 'name', '陳大文');
    expect(sealed).toMatch(/^pii:v1:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('陳大文');
    expect(JSON.parse(JSON.stringify(sealed))).toBe(sealed);
  });

  it('uses a fresh IV each time, so equal plaintexts give different ciphertexts', () => {
    const sealed = new Set(
      Array.from({ length: 50 }, () => sealField(key, 'citizen-1', 'name', 'CHAN Tai Man')),
    );
    expect(sealed.size).toBe(50);
  });

  it('cannot be opened for another subject or in another field', () => {
    const sealed = sealField(key, 'citizen-1', 'name', 'CHAN Tai Man');
    invalid(() => openField(key, 'citizen-2', 'name', sealed));
    invalid(() => openField(key, 'citizen-1', 'alias', sealed));
  });

  it('does not let subject and field trade characters', () => {
    const sealed = sealField(key, 'a:b', 'c', 'x');
    invalid(() => openField(key, 'a', 'b:c', sealed));
  });

  it('cannot be opened with another key', () => {
    invalid(() =>
      openField(
        createSecretKey(randomBytes(32)),
        'citizen-1',
        'name',
        sealField(key, 'citizen-1', 'name', 1),
      ),
    );
  });

  it.each([
    ['the IV', () => 0],
    ['the ciphertext', () => 12],
    ['the tag', (length: number) => length - 1],
  ])('fails when a byte of %s is flipped', (_part, index) => {
    const sealed = sealField(key, 'citizen-1', 'dateOfBirth', '1990-02-29');
    invalid(() => openField(key, 'citizen-1', 'dateOfBirth', flipByte(sealed, index)));
  });

  it('fails on every single-character change of its text', () => {
    const sealed = sealField(key, 'citizen-1', 'name', 'x');
    fc.assert(
      fc.property(
        fc.nat({ max: sealed.length - 1 }),
        fc.constantFrom(...'ABCabc019-_:'),
        (at, replacement) => {
          fc.pre(sealed[at] !== replacement);
          invalid(() =>
            openField(key, 'citizen-1', 'name', sealed.slice(0, at) + replacement + sealed.slice(at + 1)),
          );
        },
      ),
    );
  });

  it.each([
    ['a non-string', 42, 'not a sealed string'],
    ['plaintext', 'CHAN Tai Man', 'not a sealed string'],
    ['a future version', 'pii:v2:AAAA', 'unsupported format version'],
    ['stray characters', 'pii:v1:AAAA AAAA', 'malformed encoding'],
    ['an empty body', 'pii:v1:', 'malformed encoding'],
    ['a truncated body', 'pii:v1:' + Buffer.alloc(27).toString('base64url'), 'truncated'],
  ])('rejects %s with a reason and no content', (_case, value, reason) => {
    const error = invalid(() => openField(key, 'citizen-1', 'name', value));
    expect(error.code).toBe('PII_CIPHERTEXT_INVALID');
    expect(error.message).toContain(reason);
    expect(error.message).not.toContain('CHAN');
  });

  it('refuses a value JSON cannot represent', () => {
    expect(() => sealField(key, 'citizen-1', 'name', undefined as never)).toThrow(
      expect.objectContaining({ code: 'PII_FIELD_NOT_JSON' }),
    );
  });
});
