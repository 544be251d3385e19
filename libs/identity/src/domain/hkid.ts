import { DomainError } from '#libs/errors';

/** An HKID number that passed its check digit, in canonical form `A1234563` / `AB9876543`. Never log one. */
export type Hkid = string & { readonly __brand: 'Hkid' };

const FORMAT = /^([A-Z]{1,2})([0-9]{6})\(?([0-9A])\)?$/;

/**
 * Validates the format and the check digit (weights 9..2 over the letters and digits, a missing first letter
 * counting as 36 (a space), letters A-Z as 10-35; the check is 11 minus the sum mod 11, 10 written `A`).
 * The error never quotes the input.
 */
export function parseHkid(input: string): Hkid {
  const match = FORMAT.exec(input.trim().toUpperCase().replaceAll(' ', ''));
  if (!match)
    throw new DomainError(
      'HKID_INVALID',
      'HKID number must be one or two letters, six digits and a check digit',
      400,
    );
  const [, letters, digits, check] = match as unknown as [string, string, string, string];
  if (checkDigitOf(letters, digits) !== check) {
    throw new DomainError('HKID_INVALID', 'HKID number check digit does not match', 400);
  }
  return `${letters}${digits}${check}` as Hkid;
}

/** As printed on the card, `A123456(3)`: how a form expects it. */
export function formatHkid(hkid: Hkid): string {
  return `${hkid.slice(0, -1)}(${hkid.slice(-1)})`;
}

export function checkDigitOf(letters: string, digits: string): string {
  const values = [
    ...(letters.length === 1 ? [36] : []),
    ...[...letters].map((c) => c.charCodeAt(0) - 55),
    ...[...digits].map(Number),
  ];
  const sum = values.reduce((total, value, i) => total + value * (9 - i), 0);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? 'A' : String(check);
}
