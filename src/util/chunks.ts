/**
 * Rows per multi-row statement: well under SQLite's (32,766) and PostgreSQL's (65,535) limits
 * on bound parameters for the widest table turnout inserts this way.
 */
export const ROWS_PER_STATEMENT = 500;

/** Splits rows into runs of at most `size`, one statement each. */
export function chunks<T>(items: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
