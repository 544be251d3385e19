import { DomainError } from '#libs/errors';
import type { DateRange } from '../queries/adoption-queries.js';
import { addDays, daysBetween } from '../queries/periods.js';
import type { MetricsRangeQuery } from './metrics-query.dto.js';

/** About three years of days: longer ranges are an export job, not a dashboard query. */
export const MAX_RANGE_DAYS = 1100;

/** The range a query asks for, checked: real calendar days, in order, not too long. Defaults to the last 30 days. */
export function dateRangeOf(query: MetricsRangeQuery, today: Date): DateRange {
  const to = query.to ?? today.toISOString().slice(0, 10);
  const from = query.from ?? addDays(to, -29);
  for (const [field, day] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (
      Number.isNaN(Date.parse(`${day}T00:00:00Z`)) ||
      new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day
    )
      throw new DomainError('METRICS_RANGE_INVALID', `${field} is not a calendar day`, 400);
  }
  const days = daysBetween(from, to);
  if (days < 0) throw new DomainError('METRICS_RANGE_INVALID', 'from is after to', 400);
  if (days >= MAX_RANGE_DAYS)
    throw new DomainError('METRICS_RANGE_TOO_LONG', `a range covers at most ${MAX_RANGE_DAYS} days`, 400);
  return { from, to, ...(query.department !== undefined && { department: query.department }) };
}
