import { describe, expect, it } from '@jest/globals';
import { periodOf, periodsBetween, wholeMonthsWithin } from './periods.js';

describe('periods of a time series', () => {
  it('puts a day in its ISO week (Monday) and its month', () => {
    expect(periodOf('2026-11-25', 'week')).toBe('2026-11-23');
    expect(periodOf('2026-11-23', 'week')).toBe('2026-11-23');
    expect(periodOf('2026-11-22', 'week')).toBe('2026-11-16');
    expect(periodOf('2026-11-25', 'month')).toBe('2026-11');
    expect(periodOf('2026-11-25', 'day')).toBe('2026-11-25');
  });

  it('lists every period of a range, empty ones included, across a year end', () => {
    expect(periodsBetween('2026-12-30', '2027-01-02', 'day')).toEqual([
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
    expect(periodsBetween('2026-11-01', '2027-01-15', 'month')).toEqual(['2026-11', '2026-12', '2027-01']);
    expect(periodsBetween('2026-11-20', '2026-12-01', 'week')).toEqual([
      '2026-11-16',
      '2026-11-23',
      '2026-11-30',
    ]);
  });

  it('finds the whole months of a range, for the monthly roll-ups', () => {
    expect(wholeMonthsWithin('2025-11-26', '2026-11-25')).toEqual({
      first: '2025-12-01',
      last: '2026-10-01',
    });
    expect(wholeMonthsWithin('2026-01-01', '2026-12-31')).toEqual({
      first: '2026-01-01',
      last: '2026-12-01',
    });
    expect(wholeMonthsWithin('2024-02-01', '2024-02-29')).toEqual({
      first: '2024-02-01',
      last: '2024-02-01',
    });
    expect(wholeMonthsWithin('2024-02-01', '2024-02-28')).toBeUndefined();
    expect(wholeMonthsWithin('2026-01-31', '2026-03-30')).toEqual({
      first: '2026-02-01',
      last: '2026-02-01',
    });
    expect(wholeMonthsWithin('2026-11-02', '2026-11-30')).toBeUndefined();
  });
});
