/**
 * RFC 4180 text. A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) is prefixed with `'`:
 * e-service names are typed by people, and an export must not become a way to run one.
 */
export function toCsv<Row extends object>(rows: readonly Row[]): string {
  const first = rows[0];
  if (!first) return '';
  const columns = Object.keys(first) as (keyof Row)[];
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => cell(row[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

function cell(value: unknown): string {
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
