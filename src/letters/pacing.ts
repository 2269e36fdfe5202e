import { DateTime } from 'luxon';

// The pacing of letters to one target, as pure arithmetic on instants: at most `hourlyCap` an
// hour, spaced evenly (one every 3600 / cap seconds), and only inside the daily sending window
// on the campaign's clock. The pacer (delivery.ts) keeps one `next_slot_at` per target and asks
// these functions where the next letter may go.

export interface Pace {
  hourlyCap: number;
  /** `HH:MM` on the campaign's clock; the start is included, the end is not ("24:00" is midnight). */
  windowStart: string;
  windowEnd: string;
  timeZone: string;
}

/** The time between two letters to one target. */
export const intervalMs = (hourlyCap: number) => Math.ceil(3_600_000 / Math.max(1, hourlyCap));

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

/** A wall-clock time `HH:MM` (00:00 to 24:00). */
export function isClockTime(v: string): boolean {
  const m = /^(\d{2}):(\d{2})$/.exec(v);
  if (!m) return false;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return (h < 24 && min < 60) || (h === 24 && min === 0);
}

/** An IANA time zone luxon knows (`America/Chicago`). */
export function isTimeZone(zone: string): boolean {
  return zone.length > 0 && zone.length <= 64 && DateTime.local().setZone(zone).isValid;
}

/**
 * The first instant at or after `atMs` inside the sending window on the campaign's clock. Days
 * are added on the campaign's calendar, so the window keeps its wall-clock hours across a
 * change of daylight saving time.
 */
export function firstAllowed(atMs: number, pace: Pace): number {
  const start = minutesOf(pace.windowStart);
  const end = minutesOf(pace.windowEnd);
  if (start === 0 && end === 24 * 60) return atMs;
  const at = DateTime.fromMillis(atMs, { zone: pace.timeZone });
  const day = at.startOf('day');
  // Wall-clock hours set on the day, not minutes added to midnight (which a change of clocks shifts).
  const opens = (d: DateTime) => d.set({ hour: Math.floor(start / 60), minute: start % 60 });
  const closes = (d: DateTime) => (end === 24 * 60 ? d.plus({ days: 1 }).startOf('day') : d.set({ hour: Math.floor(end / 60), minute: end % 60 }));
  if (at < opens(day)) return opens(day).toMillis();
  if (at < closes(day)) return atMs;
  return opens(day.plus({ days: 1 }).startOf('day')).toMillis();
}

/** Letters one target can receive in a day at this pace. */
export function perDay(pace: Pace): number {
  const minutes = minutesOf(pace.windowEnd) - minutesOf(pace.windowStart);
  return Math.floor((minutes * 60_000) / intervalMs(pace.hourlyCap));
}
