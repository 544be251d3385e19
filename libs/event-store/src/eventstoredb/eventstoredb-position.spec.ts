import { describe, expect, it } from '@jest/globals';
import { START } from '@eventstore/db-client';
import fc from 'fast-check';
import {
  assertPosition,
  decodePosition,
  encodePosition,
  isKnownPosition,
  readPositionAfter,
} from './eventstoredb-position.js';

const MAX = (1n << 63n) - 1n;
const logPosition = fc.bigInt({ min: 0n, max: MAX });

describe('EventStoreDB positions', () => {
  it('round-trips every (commit, prepare) pair the server can report', () => {
    fc.assert(
      fc.property(logPosition, logPosition, (commit, prepare) => {
        expect(decodePosition(encodePosition({ commit, prepare }))).toEqual({ commit, prepare });
      }),
    );
  });

  it('orders positions as $all does: by commit position, then prepare position', () => {
    const pairOfPairs = fc
      .tuple(logPosition, logPosition, logPosition, logPosition, fc.boolean())
      .map(([c1, p1, c2, p2, sameCommit]) => [c1, p1, sameCommit ? c1 : c2, p2] as const);
    fc.assert(
      fc.property(pairOfPairs, ([c1, p1, c2, p2]) => {
        const before = c1 < c2 || (c1 === c2 && p1 < p2);
        const after = c1 > c2 || (c1 === c2 && p1 > p2);
        const a = encodePosition({ commit: c1, prepare: p1 });
        const b = encodePosition({ commit: c2, prepare: p2 });
        expect(a < b).toBe(before);
        expect(a > b).toBe(after);
      }),
    );
  });

  it('gives the events of one explicit transaction, which share a commit position, distinct increasing positions', () => {
    const commit = 9_000n;
    const positions = [8_100n, 8_400n, 8_750n].map((prepare) => encodePosition({ commit, prepare }));
    expect(new Set(positions).size).toBe(3);
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    expect(positions[2]! < encodePosition({ commit: commit + 1n, prepare: commit + 1n })).toBe(true);
  });

  it("refuses the server's 'unknown position' marker and negative positions", () => {
    const unknown = (1n << 64n) - 1n;
    expect(isKnownPosition({ commit: unknown, prepare: unknown })).toBe(false);
    expect(isKnownPosition(undefined)).toBe(false);
    expect(() => encodePosition({ commit: unknown, prepare: unknown })).toThrow(RangeError);
    expect(() => encodePosition({ commit: -1n, prepare: 0n })).toThrow(RangeError);
    expect(isKnownPosition({ commit: MAX, prepare: MAX })).toBe(true);
  });

  it('starts reads from START when there is no position, or position 0 that no event can follow inclusively', () => {
    expect(readPositionAfter(undefined)).toBe(START);
    expect(readPositionAfter(0n)).toBe(START);
    const position = encodePosition({ commit: 512n, prepare: 384n });
    expect(readPositionAfter(position)).toEqual({ commit: 512n, prepare: 384n });
  });

  it('accepts only non-negative bigints as positions from callers', () => {
    expect(() => assertPosition(undefined)).not.toThrow();
    expect(() => assertPosition(0n)).not.toThrow();
    expect(() => assertPosition(-1n)).toThrow(
      expect.objectContaining({ code: 'INVALID_POSITION', status: 400 }),
    );
    expect(() => assertPosition(12)).toThrow(expect.objectContaining({ code: 'INVALID_POSITION' }));
  });
});
