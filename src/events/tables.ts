import type { ColumnType, Insertable, Selectable } from 'kysely';
import type { PersonalData } from '../context.ts';

// The events' tables (migration 005), merged into the core's `Database` below. The event
// campaigns' tables, made by the same migration, are in src/event-campaigns/tables.ts.

export type EventStatus = 'pending' | 'confirmed' | 'rejected' | 'cancelled';
export type AttendanceStatus = 'accepted' | 'waitlisted' | 'cancelled';

export interface EventTable {
  id: string;
  organization_id: string;
  campaign_id: string | null;
  slug: string;
  title: string;
  description: string;
  /** Spanish versions of the title and description (migration 021); null: the English one is shown to everyone (src/kits/pages/localized.ts). */
  title_es: ColumnType<string | null, string | null | undefined, string | null>;
  description_es: ColumnType<string | null, string | null | undefined, string | null>;
  /** What attendees need to know; shown only to people who RSVP'd, like the address. */
  instructions: string;
  /** UTC instants (ISO-8601); the wall-clock time is shown in `timezone`. */
  start_at: string;
  end_at: string;
  /** IANA zone, e.g. America/Chicago. */
  timezone: string;
  online: number;
  /** Revealed only to attendees. */
  join_url: string | null;
  venue: string | null;
  /** JSON array of street lines; revealed only to attendees unless `address_public`. */
  address_lines: string;
  /** 1 when the organizer made the street address public (OSDI `location.public`, migration 019). */
  address_public: ColumnType<number, number | undefined, number>;
  locality: string | null;
  region: string | null;
  postal_code: string | null;
  country: string;
  latitude: number | null;
  longitude: number | null;
  capacity: number | null;
  visibility: 'public' | 'unlisted';
  status: EventStatus;
  /** JSON array of minutes before the start at which attendees are reminded. */
  reminders: string;
  host_name: string | null;
  host_email: string | null;
  host_email_confirmed_at: string | null;
  /** Bumped to revoke every host link issued before. */
  host_link_version: ColumnType<number, number | undefined, number>;
  accepted_count: ColumnType<number, number | undefined, number>;
  waitlist_count: ColumnType<number, number | undefined, number>;
  attended_count: ColumnType<number, number | undefined, number>;
  origin_system: string;
  /** The proof-of-work challenge on its RSVP form (migration 008): off, automatic or always. */
  challenge: ColumnType<'off' | 'automatic' | 'always', 'off' | 'automatic' | 'always' | undefined, 'off' | 'automatic' | 'always'>;
  created_at: string;
  modified_at: string;
}

export interface AttendanceTable {
  id: string;
  event_id: string;
  organization_id: string;
  person_id: string;
  status: AttendanceStatus;
  attended: ColumnType<number, number | undefined, number>;
  /** Order on the waitlist (smaller first); null when not waitlisted. */
  waitlist_position: number | null;
  phone: string | null;
  comment: string | null;
  source: string | null;
  referrer: string | null;
  language: string;
  shared_with: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
  modified_at: string;
  cancelled_at: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    events: EventTable;
    attendances: AttendanceTable;
  }
}

export type EventRow = Selectable<EventTable>;
export type NewEvent = Insertable<EventTable>;
export type Attendance = Selectable<AttendanceTable>;

const plain = (...columns: string[]) => Object.fromEntries(columns.map((c) => [c, 'plain' as const]));
const EVENT_PLACE = 'the event\u2019s public details, which its attendees were given: an event stays when its host is erased, with its RSVPs and counts';

/**
 * What each column holds, for erasure (Capability.personalData). An attendance stays when its
 * attendee is erased, so every count stays; their phone number and what they typed go. An event
 * stays when its host is erased; the host's name and email typed into it go (`eraseHostOf`).
 */
export const EVENTS_PERSONAL_DATA: PersonalData = {
  events: {
    rows: 'erase',
    columns: {
      ...plain('id', 'organization_id', 'campaign_id', 'slug', 'start_at', 'end_at', 'timezone', 'online', 'capacity', 'visibility', 'status', 'reminders', 'address_public'),
      ...plain('host_email_confirmed_at', 'host_link_version', 'accepted_count', 'waitlist_count', 'attended_count', 'origin_system', 'challenge', 'created_at', 'modified_at'),
      title: { erase: 'keep', why: EVENT_PLACE },
      description: { erase: 'keep', why: EVENT_PLACE },
      title_es: { erase: 'keep', why: EVENT_PLACE },
      description_es: { erase: 'keep', why: EVENT_PLACE },
      instructions: { erase: 'keep', why: EVENT_PLACE },
      join_url: { erase: 'keep', why: EVENT_PLACE },
      venue: { erase: 'keep', why: EVENT_PLACE },
      address_lines: { erase: 'keep', why: EVENT_PLACE },
      locality: { erase: 'keep', why: EVENT_PLACE },
      region: { erase: 'keep', why: EVENT_PLACE },
      postal_code: { erase: 'keep', why: EVENT_PLACE },
      country: { erase: 'keep', why: EVENT_PLACE },
      latitude: { erase: 'keep', why: EVENT_PLACE },
      longitude: { erase: 'keep', why: EVENT_PLACE },
      host_name: { erase: 'clear', why: 'typed into the host form or the API: cleared when a person with the host\u2019s email is erased' },
      host_email: { erase: 'clear', why: 'the host\u2019s address: cleared when a person with that email is erased; the host emails stop' },
    },
  },
  attendances: {
    rows: 'person_id',
    stamp: 'modified_at',
    columns: {
      ...plain('id', 'event_id', 'organization_id', 'status', 'attended', 'waitlist_position', 'created_at', 'modified_at', 'cancelled_at'),
      person_id: { erase: 'keep', why: 'links the kept RSVP to the erased person, whose row stays empty, so the counts stay' },
      phone: { erase: 'clear' },
      comment: { erase: 'clear' },
      source: { erase: 'clear', why: 'the link they came through can tell who sent it to them' },
      referrer: { erase: 'clear' },
      language: { erase: 'keep', why: 'not null, one of the site\u2019s languages: says nothing about who answered' },
      shared_with: { erase: 'clear', why: 'the partners they chose to share with' },
    },
  },
};
