import { createEvent } from 'ics';
import type { EventRow } from './tables.ts';
import { placeLines } from './format.ts';
import { emailText } from '../kits/mail/markdown.ts';

type CalendarEvent = Pick<
  EventRow,
  'id' | 'slug' | 'title' | 'description' | 'instructions' | 'start_at' | 'end_at' | 'modified_at' | 'status' | 'online' | 'join_url' | 'venue' | 'address_lines' | 'address_public' | 'locality' | 'region' | 'postal_code' | 'country'
>;

/** Who the calendar file is for: an attendee gets the address and the join link; anyone else what the public page shows. */
export type CalendarReader = 'attendee' | 'public';

/**
 * Where the event is, as a calendar shows it: for an attendee the join link when online, else
 * the full address on one line; for anyone else the venue, the street only when the organizer
 * made it public, and the city.
 */
export function calendarLocation(event: CalendarEvent, reader: CalendarReader = 'attendee'): string {
  if (reader === 'attendee') return event.online ? (event.join_url ?? '') : placeLines(event).join(', ');
  if (event.online) return '';
  return placeLines(event.address_public === 1 ? event : { ...event, address_lines: '[]' }).join(', ');
}

/**
 * The event's text as calendars show it: plain text made from its Markdown (a calendar shows
 * `**` and `[link](…)` as they are), the instructions and the join link for attendees only.
 */
function details(event: CalendarEvent, pageUrl: string, reader: CalendarReader = 'attendee'): string {
  const plain = (md: string) => (md ? emailText(md).trim() : '');
  const mine = reader === 'attendee';
  return [plain(event.description), mine ? plain(event.instructions) : '', mine && event.online && event.join_url ? event.join_url : '', pageUrl].filter(Boolean).join('\n\n');
}

/**
 * The attendee's calendar file, made by the `ics` package: start and end in UTC (so every
 * calendar shows the right local time), the address or join link as the location, and a UID
 * per event so downloading it again updates the same entry.
 */
export function eventIcs(event: CalendarEvent, opts: { baseUrl: string; pageUrl: string; reader?: CalendarReader }): string {
  const reader = opts.reader ?? 'attendee';
  const { error, value } = createEvent({
    uid: `event-${event.id}@${new URL(opts.baseUrl).hostname}`,
    productId: 'turnout',
    method: 'PUBLISH',
    title: event.title,
    description: details(event, opts.pageUrl, reader),
    location: calendarLocation(event, reader) || undefined,
    url: opts.pageUrl,
    start: Date.parse(event.start_at),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: Date.parse(event.end_at),
    endInputType: 'utc',
    endOutputType: 'utc',
    status: event.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
    // Grows with every change (seconds of the last one), so a calendar takes a newer file over an older one.
    sequence: Math.max(0, Math.floor(Date.parse(event.modified_at) / 1000) - 1_700_000_000),
  });
  if (error || !value) throw new Error(`calendar file for event ${event.id} could not be made: ${String(error)}`);
  return value;
}

const compact = (iso: string) => new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** A link that opens Google Calendar's "new event" form filled in (a plain link: no script runs here). */
export function googleCalendarLink(event: CalendarEvent, pageUrl: string): string {
  const params = new URLSearchParams({
    action: 'TEMPLATE',
    text: event.title,
    dates: `${compact(event.start_at)}/${compact(event.end_at)}`,
    details: details(event, pageUrl),
    location: calendarLocation(event),
  });
  return `https://calendar.google.com/calendar/render?${params.toString()}`;
}

/** The same for Outlook.com. */
export function outlookCalendarLink(event: CalendarEvent, pageUrl: string): string {
  const params = new URLSearchParams({
    path: '/calendar/action/compose',
    rru: 'addevent',
    subject: event.title,
    startdt: new Date(event.start_at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    enddt: new Date(event.end_at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    body: details(event, pageUrl),
    location: calendarLocation(event),
  });
  return `https://outlook.live.com/calendar/0/deeplink/compose?${params.toString()}`;
}
