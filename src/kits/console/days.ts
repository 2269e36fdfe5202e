const DAYS = 7;

/** The last `days` UTC days, oldest first, as YYYY-MM-DD. */
export function lastDays(now = Date.now(), days = DAYS): string[] {
  return Array.from({ length: days }, (_, i) => new Date(now - (days - 1 - i) * 86400_000).toISOString().slice(0, 10));
}
