import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  decideShortCode,
  parseShortCode,
  qrPayloadOf,
  QR_PAYLOAD_PREFIX,
  randomShortCode,
  shortCodeHolder,
} from './short-code.js';

const now = new Date('2026-05-01T09:00:00.000Z');
const expiresAt = new Date('2026-05-01T09:02:00.000Z');
const held = (loginRequestId: string, until: Date) =>
  shortCodeHolder.evolve(undefined, decideShortCode(undefined, loginRequestId, until, new Date(0))[0]!);

describe('short codes', () => {
  it('are 8 characters with no 0, O, 1 or I', () => {
    for (let i = 0; i < 500; i++) expect(randomShortCode()).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
  });

  it('are read back whatever the case, spaces and dashes a person typed', () => {
    expect(parseShortCode('abcd-2345')).toBe('ABCD2345');
    expect(parseShortCode(' AB CD 23 45 ')).toBe('ABCD2345');
    fc.assert(
      fc.property(fc.string(), (input) => {
        const code = parseShortCode(input);
        if (code !== undefined) expect(code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
      }),
    );
    for (const bad of ['ABCD234', 'ABCD23456', 'ABCD0345', 'OBCD2345', 'ABCD1345', 'IBCD2345', '../../x']) {
      expect(parseShortCode(bad)).toBeUndefined();
    }
  });

  it('are what the QR code carries', () => {
    expect(qrPayloadOf('ABCD2345')).toBe(`${QR_PAYLOAD_PREFIX}ABCD2345`);
  });
});

describe('assigning a short code', () => {
  it('gives a free code to the request', () => {
    expect(decideShortCode(undefined, 'l-1', expiresAt, now)).toEqual([
      {
        type: 'ShortCodeAssigned',
        data: { loginRequestId: 'l-1', expiresAt: expiresAt.toISOString(), assignedAt: now.toISOString() },
      },
    ]);
  });

  it('refuses a code a live request holds, and hands over one whose request expired', () => {
    expect(() => decideShortCode(held('l-1', expiresAt), 'l-2', expiresAt, now)).toThrow(
      expect.objectContaining({ code: 'SHORT_CODE_IN_USE', status: 409 }),
    );
    expect(decideShortCode(held('l-1', now), 'l-2', expiresAt, now)).toHaveLength(1);
  });

  it('is a no-op for the request that holds it', () => {
    expect(decideShortCode(held('l-1', expiresAt), 'l-1', expiresAt, now)).toEqual([]);
  });
});
