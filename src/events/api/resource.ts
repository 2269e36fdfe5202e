import { Type, type Static } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import type { EventRow } from '../tables.ts';
import { addressLinesOf, EVENT_FIELD_LIMITS, reminderMinutes } from '../fields.ts';
import { apiUrl, identifiers, link } from '../../kits/api/hal.ts';
import { Nullable } from '../../kits/api/schema.ts';
import { IdentifiersBody } from '../../kits/api/identifiers.ts';
export { zoneOfPlace } from './zone.ts';

// An event as Action Network's resource, and the bodies that create and update one: apart from
// the routes, so that event campaigns (through events/index.ts) use them without loading the API.

// OSDI's statuses: an event awaiting approval is "tentative"; a rejected one will not happen.
export const STATUS = { pending: 'tentative', confirmed: 'confirmed', rejected: 'cancelled', cancelled: 'cancelled' } as const;

/**
 * A start or end written as Action Network writes it: the wall-clock time of the event's own zone
 * followed by `Z` (`2026-03-14T18:00:00Z` for 6 pm in Chicago). The `Z` is Action Network's
 * habit, not UTC: a client that reads the digits as the local time, as Action Network's clients
 * do, reads the time the event's page shows. The instant in UTC is `turnout:start_utc`.
 */
export function actionNetworkDate(instant: string, zone: string): string {
  return DateTime.fromISO(instant, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
}

const DATE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A start or end as a client sends it, on the clock of `zone`. Without an offset, or with `Z` as
 * Action Network writes them, it is the event's wall-clock time (what was read is what is sent
 * back); with a numeric offset (`-05:00`) it is an instant, read on the event's clock.
 */
export function readEventDate(field: string, raw: string, zone: string): { date: string; time: string } | { error: string } {
  const m = DATE.exec(raw.trim());
  if (!m) return { error: `${field} must be a date and time like 2026-03-14T18:00:00Z (the event's local time, as Action Network writes it) or 2026-03-14T18:00:00-05:00, got ${JSON.stringify(raw)}` };
  if (m[3] !== undefined && m[3] !== '00') return { error: `${field} must be on a whole minute` };
  if (!m[4] || m[4].toUpperCase() === 'Z') return { date: m[1]!, time: m[2]! };
  const instant = DateTime.fromISO(raw.trim(), { setZone: true });
  if (!instant.isValid) return { error: `${field} is not a real date and time: ${JSON.stringify(raw)}` };
  const at = instant.setZone(zone);
  return { date: at.toFormat('yyyy-MM-dd'), time: at.toFormat('HH:mm') };
}

/** An event as Action Network's resource; the street address is here because the token's organization owns it. */
export function presentEvent(baseUrl: string, e: EventRow, otherIdentifiers: readonly string[] = []) {
  const self = apiUrl(baseUrl, `/events/${e.id}`);
  return {
    identifiers: [...identifiers(e.id), ...otherIdentifiers],
    origin_system: e.origin_system,
    created_date: e.created_at,
    modified_date: e.modified_at,
    title: e.title,
    name: e.title,
    description: e.description,
    'turnout:title_es': e.title_es ?? null,
    'turnout:description_es': e.description_es ?? null,
    instructions: e.instructions,
    browser_url: `${baseUrl}/events/${e.slug}`,
    type: 'open',
    status: STATUS[e.status],
    start_date: actionNetworkDate(e.start_at, e.timezone),
    end_date: actionNetworkDate(e.end_at, e.timezone),
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
      public: e.address_public === 1,
      ...(e.latitude !== null && e.longitude !== null ? { location: { latitude: e.latitude, longitude: e.longitude } } : {}),
    },
    reminders: reminderMinutes(e).map((minutes) => ({ method: 'email', minutes })),
    'turnout:start_utc': e.start_at,
    'turnout:end_utc': e.end_at,
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
  public: Type.Optional(Nullable(Type.Boolean())),
  location: Type.Optional(Nullable(Type.Object({ latitude: Type.Optional(Nullable(Type.Number())), longitude: Type.Optional(Nullable(Type.Number())) }))),
});

const fields = {
  title: Type.Optional(Type.String({ maxLength: EVENT_FIELD_LIMITS.title })),
  name: Type.Optional(Type.String({ maxLength: EVENT_FIELD_LIMITS.title })),
  description: Text(EVENT_FIELD_LIMITS.text),
  instructions: Text(EVENT_FIELD_LIMITS.text),
  // The Spanish versions (src/kits/pages/localized.ts); null removes one.
  'turnout:title_es': Text(EVENT_FIELD_LIMITS.title),
  'turnout:description_es': Text(EVENT_FIELD_LIMITS.text),
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
  identifiers: Type.Optional(IdentifiersBody),
};

export const EventCreateBody = Type.Object({ ...fields, start_date: Type.String({ maxLength: 40 }) });
export type EventCreateBody = Static<typeof EventCreateBody>;
export const EventUpdateBody = Type.Object({ ...fields, start_date: Type.Optional(Type.String({ maxLength: 40 })) });
export type EventUpdateBody = Static<typeof EventUpdateBody>;
