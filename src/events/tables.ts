import type { ColumnType, Insertable, Selectable } from 'kysely';

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
  /** JSON array of street lines; revealed only to attendees. */
  address_lines: string;
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
