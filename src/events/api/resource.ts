import { Type, type Static } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import type { EventRow } from '../tables.ts';
import { addressLinesOf, EVENT_FIELD_LIMITS, reminderMinutes } from '../fields.ts';
import { apiUrl, identifiers, link } from '../../kits/api/hal.ts';
import { Nullable } from '../../kits/api/schema.ts';

// An event as Action Network's resource, and the bodies that create and update one: apart from
// the routes, so that event campaigns (through events/index.ts) use them without loading the API.

// OSDI's statuses: an event awaiting approval is "tentative"; a rejected one will not happen.
export const STATUS = { pending: 'tentative', confirmed: 'confirmed', rejected: 'cancelled', cancelled: 'cancelled' } as const;

/** An instant on the event's own clock with its offset (`2026-03-14T18:00:00-05:00`): right as an instant, and readable as local time. */
export function localDate(instant: string, zone: string): string {
  return DateTime.fromISO(instant, { zone }).toISO({ suppressMilliseconds: true })!;
}

/** An event as Action Network's resource; the street address is here because the token's organization owns it. */
export function presentEvent(baseUrl: string, e: EventRow) {
  const self = apiUrl(baseUrl, `/events/${e.id}`);
  return {
    identifiers: identifiers(e.id),
    origin_system: e.origin_system,
    created_date: e.created_at,
    modified_date: e.modified_at,
    title: e.title,
    name: e.title,
    description: e.description,
    instructions: e.instructions,
    browser_url: `${baseUrl}/events/${e.slug}`,
    type: 'open',
    status: STATUS[e.status],
    start_date: localDate(e.start_at, e.timezone),
    end_date: localDate(e.end_at, e.timezone),
    all_day: false,
    timezone_identifier: e.timezone,
    capacity: e.capacity,
    total_accepted: Number(e.accepted_count),
    visibility: e.visibility === 'public' ? 'public' : 'private',
    location: {
      venue: e.venue,
      address_lines: addressLinesOf(e),
      locality: e.locality,
      region: e.region,
      postal_code: e.postal_code,
      country: e.country,
      ...(e.latitude !== null && e.longitude !== null ? { location: { latitude: e.latitude, longitude: e.longitude } } : {}),
    },
    reminders: reminderMinutes(e).map((minutes) => ({ method: 'email', minutes })),
    'turnout:status': e.status,
    'turnout:online': e.online === 1,
    'turnout:join_url': e.join_url,
    'turnout:total_waitlisted': Number(e.waitlist_count),
    'turnout:total_attended': Number(e.attended_count),
    _links: {
      self: link(self),
      'osdi:attendances': link(`${self}/attendances`),
      'osdi:record_attendance_helper': link(`${self}/attendances`),
    },
  };
}

const Text = (max: number) => Type.Optional(Nullable(Type.String({ maxLength: max })));

const LocationBody = Type.Object({
  venue: Text(EVENT_FIELD_LIMITS.line),
  address_lines: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: EVENT_FIELD_LIMITS.line }), { maxItems: EVENT_FIELD_LIMITS.addressLines }))),
  locality: Text(EVENT_FIELD_LIMITS.locality),
  region: Text(EVENT_FIELD_LIMITS.locality),
  postal_code: Text(20),
  country: Text(2),
  location: Type.Optional(Nullable(Type.Object({ latitude: Type.Optional(Nullable(Type.Number())), longitude: Type.Optional(Nullable(Type.Number())) }))),
});

const fields = {
  title: Type.Optional(Type.String({ maxLength: EVENT_FIELD_LIMITS.title })),
  name: Type.Optional(Type.String({ maxLength: EVENT_FIELD_LIMITS.title })),
  description: Text(EVENT_FIELD_LIMITS.text),
  instructions: Text(EVENT_FIELD_LIMITS.text),
  end_date: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  timezone_identifier: Type.Optional(Type.String({ maxLength: 100 })),
  capacity: Type.Optional(Nullable(Type.Integer())),
  visibility: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('private'), Type.Literal('unlisted')])),
  status: Type.Optional(Type.String({ maxLength: 20 })),
  location: Type.Optional(Nullable(LocationBody)),
  reminders: Type.Optional(Nullable(Type.Array(Type.Object({ method: Type.Optional(Type.String()), minutes: Type.Integer() }), { maxItems: 10 }))),
  origin_system: Type.Optional(Type.String({ maxLength: 100 })),
  'turnout:online': Type.Optional(Type.Boolean()),
  'turnout:join_url': Type.Optional(Nullable(Type.String({ maxLength: EVENT_FIELD_LIMITS.joinUrl }))),
};

export const EventCreateBody = Type.Object({ ...fields, start_date: Type.String({ maxLength: 40 }) });
export type EventCreateBody = Static<typeof EventCreateBody>;
export const EventUpdateBody = Type.Object({ ...fields, start_date: Type.Optional(Type.String({ maxLength: 40 })) });
export type EventUpdateBody = Static<typeof EventUpdateBody>;
