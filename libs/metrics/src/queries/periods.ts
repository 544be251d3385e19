export type Granularity = 'day' | 'week' | 'month';
export const GRANULARITIES: readonly Granularity[] = ['day', 'week', 'month'];

const DAY_MS = 86_400_000;

/** The period a UTC day (`YYYY-MM-DD`) falls in: itself, the Monday of its ISO week, or `YYYY-MM`. */
export function periodOf(day: string, granularity: Granularity): string {
  if (granularity === 'day') return day;
  if (granularity === 'month') return day.slice(0, 7);
  const date = new Date(`${day}T00:00:00Z`);
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(date.getTime() - sinceMonday * DAY_MS).toISOString().slice(0, 10);
}

/** The first day of the period `day` falls in. */
export function periodStart(day: string, granularity: Granularity): string {
  return granularity === 'month' ? `${day.slice(0, 7)}-01` : periodOf(day, granularity);
}

/** Every period from `from` to `to` (inclusive days), in order: empty periods are part of a time series. */
export function periodsBetween(from: string, to: string, granularity: Granularity): string[] {
  const periods: string[] = [];
  const end = new Date(`${to}T00:00:00Z`).getTime();
  for (let t = new Date(`${from}T00:00:00Z`).getTime(); t <= end; t += DAY_MS) {
    const period = periodOf(new Date(t).toISOString().slice(0, 10), granularity);
    if (periods[periods.length - 1] !== period) periods.push(period);
  }
  return periods;
}

export function addDays(day: string, days: number): string {
  return new Date(new Date(`${day}T00:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round(
    (new Date(`${to}T00:00:00Z`).getTime() - new Date(`${from}T00:00:00Z`).getTime()) / DAY_MS,
  );
}

/**
 * The whole calendar months within `from`..`to` (inclusive days), as the first days of the first and the last
 * of them; `undefined` if the range holds no whole month.
 */
export function wholeMonthsWithin(from: string, to: string): { first: string; last: string } | undefined {
  const first = from.endsWith('-01') ? from : nextMonthStart(from);
  const last = addDays(to, 1).endsWith('-01')
    ? monthStartOf(to)
    : monthStartOf(addDays(monthStartOf(to), -1));
  return first <= last ? { first, last } : undefined;
}

/** The first day of the month after the one `day` falls in. */
export function nextMonthStart(day: string): string {
  return monthStartOf(addDays(monthStartOf(day), 31));
}

function monthStartOf(day: string): string {
  return `${day.slice(0, 7)}-01`;
}
