import { DateTime } from 'luxon';

// An action's optional closing time (`closes_at`): petitions, fundraising pages and letter
// campaigns close by themselves when it passes. Nothing runs at that moment: each request and
// each service that takes an action compares it with its own clock (docs/ARCHITECTURE.md,
// "Pages that travel").

/**
 * A closing time as an organizer types it: a day (closing at the end of that day, UTC), a day
 * and a time in UTC, or an ISO 8601 time with its offset; null when it is none of these.
 */
export function parseClosesAt(raw: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:\d{2})?)?$/.exec(raw.trim());
  if (!m) return null;
  const time = DateTime.fromISO(`${m[1]}T${m[2] ?? '23:59:59'}${m[3] ?? 'Z'}`, { setZone: true });
  return time.isValid ? time.toUTC().toISO()! : null;
}

/** Closed by its organizer (`status`) or past its closing time at `now` (an ISO time). */
export function isActionClosed(action: { status: string; closes_at?: string | null }, now = new Date().toISOString()): boolean {
  return action.status === 'closed' || (typeof action.closes_at === 'string' && action.closes_at <= now);
}

/** The closing time as the console's input shows it (UTC, to the minute unless it has seconds, so saving the form again keeps it); '' for none. */
export const closesAtInput = (closesAt: string | null | undefined): string => (!closesAt ? '' : closesAt.slice(16, 19) === ':00' ? closesAt.slice(0, 16) : closesAt.slice(0, 19));
