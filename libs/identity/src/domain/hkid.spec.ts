import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { checkDigitOf, parseHkid } from './hkid.js';

describe('parseHkid', () => {
  it.each([
    ['A123456(3)', 'A1234563'],
    ['a123456(3)', 'A1234563'],
    ['A1234563', 'A1234563'],
    [' A 123456 (3) ', 'A1234563'],
    ['AB987654(3)', 'AB9876543'],
    ['C668668(9)', 'C6686689'],
  ])('accepts %s as %s', (input, canonical) => {
    expect(parseHkid(input)).toBe(canonical);
  });

  it('accepts the check digit A (10)', () => {
    const digits = [...Array(1000).keys()]
      .map((n) => String(123000 + n))
      .find((d) => checkDigitOf('G', d) === 'A')!;
    expect(parseHkid(`G${digits}(A)`)).toBe(`G${digits}A`);
  });

  it.each(['A123456(4)', 'A12345(3)', '123456(3)', 'ABC123456(3)', 'A1234567(3)', '', 'A123456(B)'])(
    'refuses %s without quoting it',
    (input) => {
      let error: unknown;
      try {
        parseHkid(input);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'HKID_INVALID', status: 400 });
      if (input) expect((error as Error).message).not.toContain(input.slice(0, 7));
    },
  );

  it('catches every single-digit typo (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('A', 'K', 'Z', 'AB', 'XY'),
        fc.integer({ min: 0, max: 999_999 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 9 }),
        (letters, n, position, delta) => {
          const digits = String(n).padStart(6, '0');
          const valid = `${letters}${digits}(${checkDigitOf(letters, digits)})`;
          expect(() => parseHkid(valid)).not.toThrow();
          const typo = [...digits];
          typo[position] = String((Number(typo[position]) + delta) % 10);
          expect(() => parseHkid(`${letters}${typo.join('')}(${checkDigitOf(letters, digits)})`)).toThrow();
        },
      ),
    );
  });
});
