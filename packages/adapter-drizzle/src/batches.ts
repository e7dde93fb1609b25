/**
 * Bound parameters per statement. Under PostgreSQL's and MySQL's 65,535 and SQLite's default 32,766,
 * with room for the statement's own parameters.
 */
const MAX_PARAMETERS = 30_000;

/** Splits rows so that one statement binds at most `MAX_PARAMETERS` values. */
export function chunkRows<T>(rows: readonly T[], parametersPerRow: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, parametersPerRow)));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Distinct values, order kept. */
export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
