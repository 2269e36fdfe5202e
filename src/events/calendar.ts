import { createEvent } from 'ics';
import type { EventRow } from './tables.ts';
import { placeLines } from './format.ts';

type CalendarEvent = Pick<
  EventRow,
  'id' | 'slug' | 'title' | 'description' | 'instructions' | 'start_at' | 'end_at' | 'status' | 'online' | 'join_url' | 'venue' | 'address_lines' | 'locality' | 'region' | 'postal_code' | 'country'
>;

/** Where the event is, as a calendar shows it: the join link when online, else the full address on one line. */
export function calendarLocation(event: CalendarEvent): string {
  return event.online ? (event.join_url ?? '') : placeLines(event).join(', ');
}

function details(event: CalendarEvent, pageUrl: string): string {
  return [event.description, event.instructions, event.online && event.join_url ? event.join_url : '', pageUrl].filter(Boolean).join('\n\n');
}

/**
 * The attendee's calendar file, made by the `ics` package: start and end in UTC (so every
 * calendar shows the right local time), the address or join link as the location, and a UID
 * per event so downloading it again updates the same entry.
 */
export function eventIcs(event: CalendarEvent, opts: { baseUrl: string; pageUrl: string }): string {
  const { error, value } = createEvent({
    uid: `event-${event.id}@${new URL(opts.baseUrl).hostname}`,
    productId: 'turnout',
    method: 'PUBLISH',
    title: event.title,
    description: details(event, opts.pageUrl),
    location: calendarLocation(event) || undefined,
    url: opts.pageUrl,
    start: Date.parse(event.start_at),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: Date.parse(event.end_at),
    endInputType: 'utc',
    endOutputType: 'utc',
    status: event.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
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
