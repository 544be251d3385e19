/** Rows per multi-row statement: well under the bound-parameter limits of SQLite and PostgreSQL. */
const ROWS_PER_STATEMENT = 200;

/** `items` cut in runs of at most `size`, for multi-row inserts and `in (...)` lists. */
export function inChunks<T>(items: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}
