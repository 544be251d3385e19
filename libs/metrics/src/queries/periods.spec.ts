import { describe, expect, it } from '@jest/globals';
import { periodOf, periodsBetween } from './periods.js';

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
});
