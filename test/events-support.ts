// Shared by the test/events-*.test.ts suites: events made through the same service as the console.
import { DateTime } from 'luxon';
import type { Harness } from './helpers.ts';
import { createEvent, type NewEventOptions } from '../src/events/service.ts';
import { checkEvent, type EventInput, DEFAULT_REMINDERS } from '../src/events/fields.ts';
import type { EventRow } from '../src/events/tables.ts';

/** A day `days` from now on Chicago's calendar, as a form would send it. */
export function dayFromNow(days: number, zone = 'America/Chicago'): string {
  return DateTime.now().setZone(zone).plus({ days }).toFormat('yyyy-MM-dd');
}

export function eventInput(over: Partial<EventInput> = {}): EventInput {
  const day = dayFromNow(30);
  return {
    title: 'Vigil for privacy',
    description: 'We gather with candles.',
    instructions: 'Ring the side door bell; the meeting room is on the second floor.',
    startDate: day,
    startTime: '18:00',
    endDate: day,
    endTime: '20:00',
    timezone: 'America/Chicago',
    capacity: null,
    online: false,
    joinUrl: '',
    venue: 'Harold Washington Library',
    addressLines: ['400 S State St'],
    locality: 'Chicago',
    region: 'IL',
    postalCode: '60605',
    country: 'US',
    visibility: 'public',
    reminders: [...DEFAULT_REMINDERS],
    ...over,
  };
}

/** Creates an event through checkEvent and createEvent; throws if the input is refused. */
export async function makeEvent(h: Harness, organizationId: string, over: Partial<EventInput> = {}, opts: NewEventOptions = {}): Promise<EventRow> {
  const { errors, columns } = checkEvent(eventInput(over));
  if (!columns) throw new Error(`event refused: ${JSON.stringify(errors)}`);
  return h.ctx.committer.submit((uow) => createEvent(uow, organizationId, columns, opts));
}

export const attendee = (over: Record<string, string> = {}) => ({
  given_name: 'Ana',
  family_name: 'Ruiz',
  email: 'ana@example.org',
  postal_code: '60605',
  ...over,
});
