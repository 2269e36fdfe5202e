import { sql, type Kysely, type Transaction, type Insertable, type Updateable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { AttendanceTable, EventTable } from './tables.ts';
import type { Dialect } from '../db/connect.ts';
import { conditionSql, type Condition } from '../kits/api/filter.ts';

type Q = Kysely<Database> | Transaction<Database>;

/**
 * Reads an event inside a transaction and, on PostgreSQL, locks its row until commit, so RSVPs
 * and cancellations of one event happen one after another (SQLite has a single writer already).
 */
export async function lockEvent(trx: Transaction<Database>, dialect: Dialect, id: string) {
  let query = trx.selectFrom('events').selectAll().where('id', '=', id);
  if (dialect === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

export const findEvent = (q: Q, organizationId: string, id: string) =>
  q.selectFrom('events').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();

export const findEventById = (q: Q, id: string) => q.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();

export const findEventBySlug = (q: Q, slug: string) =>
  q
    .selectFrom('events')
    .innerJoin('organizations', 'organizations.id', 'events.organization_id')
    .selectAll('events')
    .select('organizations.name as organization_name')
    .where('events.slug', '=', slug)
    .executeTakeFirst();

export const eventSlugExists = async (q: Q, slug: string) =>
  (await q.selectFrom('events').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;

/** Inserts an event unless its slug is taken (then nothing is written and it says false). */
export async function insertEventUnlessSlugTaken(q: Q, event: Insertable<EventTable>): Promise<boolean> {
  const result = await q.insertInto('events').values(event).onConflict((oc) => oc.column('slug').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateEvent(q: Q, id: string, changes: Updateable<EventTable>) {
  await q.updateTable('events').set(changes).where('id', '=', id).execute();
}

export async function moveEventCounts(q: Q, id: string, delta: { accepted?: number; waitlist?: number; attended?: number }) {
  await q
    .updateTable('events')
    .set({
      accepted_count: sql`accepted_count + ${delta.accepted ?? 0}`,
      waitlist_count: sql`waitlist_count + ${delta.waitlist ?? 0}`,
      attended_count: sql`attended_count + ${delta.attended ?? 0}`,
    })
    .where('id', '=', id)
    .execute();
}

export const findAttendanceOf = (q: Q, eventId: string, personId: string) =>
  q.selectFrom('attendances').selectAll().where('event_id', '=', eventId).where('person_id', '=', personId).executeTakeFirst();

export const findAttendance = (q: Q, id: string) => q.selectFrom('attendances').selectAll().where('id', '=', id).executeTakeFirst();

export async function insertAttendance(q: Q, a: Insertable<AttendanceTable>) {
  await q.insertInto('attendances').values(a).execute();
}

export async function updateAttendance(q: Q, id: string, changes: Updateable<AttendanceTable>) {
  await q.updateTable('attendances').set(changes).where('id', '=', id).execute();
}

export async function nextWaitlistPosition(q: Q, eventId: string): Promise<number> {
  const row = await q
    .selectFrom('attendances')
    .select((eb) => eb.fn.max('waitlist_position').as('max'))
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

/** The first people on the waitlist, in order. */
export const firstWaitlisted = (q: Q, eventId: string, limit: number) =>
  q
    .selectFrom('attendances')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('status', '=', 'waitlisted')
    .orderBy('waitlist_position')
    .limit(limit)
    .execute();

export const activeAttendances = (q: Q, eventId: string) =>
  q
    .selectFrom('attendances')
    .select(['id', 'person_id', 'status', 'language'])
    .where('event_id', '=', eventId)
    .where('status', 'in', ['accepted', 'waitlisted'])
    .execute();

// ---------------------------------------------------------------------------------------------
// Reads for the public pages, the emails, the console and the API. Everything that touches
// people takes the organization's id.

/** An event with its sponsor's name, as the pages and the emails show it. */
export const findEventWithOrganization = (q: Q, id: string) =>
  q
    .selectFrom('events')
    .innerJoin('organizations', 'organizations.id', 'events.organization_id')
    .selectAll('events')
    .select('organizations.name as organization_name')
    .where('events.id', '=', id)
    .executeTakeFirst();

/** Upcoming confirmed public events on this site, soonest first: unlisted ones are reachable only by their link. */
export const publicUpcomingEvents = (q: Q, now: string, limit = 100) =>
  q
    .selectFrom('events')
    .innerJoin('organizations', 'organizations.id', 'events.organization_id')
    .select(['events.slug', 'events.title', 'events.title_es', 'events.start_at', 'events.end_at', 'events.timezone', 'events.online', 'events.locality', 'events.region', 'organizations.name as organization_name'])
    .where('events.status', '=', 'confirmed')
    .where('events.visibility', '=', 'public')
    .where('events.end_at', '>', now)
    .orderBy('events.start_at')
    .limit(limit)
    .execute();

/** An organization's events for the console, the latest start first. */
export const eventsOf = (q: Q, organizationId: string, limit = 500) =>
  q
    .selectFrom('events')
    .select(['id', 'slug', 'title', 'start_at', 'end_at', 'timezone', 'status', 'visibility', 'capacity', 'accepted_count', 'waitlist_count', 'attended_count', 'online', 'locality', 'region'])
    .where('organization_id', '=', organizationId)
    .orderBy('start_at', 'desc')
    .limit(limit)
    .execute();

/** An event's attendances joined to their people, in the organization that owns both. */
function attendeesQuery(q: Q, organizationId: string, eventId: string) {
  return q
    .selectFrom('attendances')
    .innerJoin('people', (join) => join.onRef('people.id', '=', 'attendances.person_id').onRef('people.organization_id', '=', 'attendances.organization_id'))
    .where('attendances.organization_id', '=', organizationId)
    .where('attendances.event_id', '=', eventId);
}

function searching<QB extends ReturnType<typeof attendeesQuery>>(query: QB, search: string): QB {
  if (!search) return query;
  const like = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return query.where((eb) =>
    eb.or([
      eb(eb.fn('lower', ['people.email']), 'like', sql<string>`${like} escape '\\'`),
      eb(eb.fn('lower', ['people.given_name']), 'like', sql<string>`${like} escape '\\'`),
      eb(eb.fn('lower', ['people.family_name']), 'like', sql<string>`${like} escape '\\'`),
    ]),
  ) as QB;
}

const ATTENDEE_COLUMNS = [
  'attendances.id',
  'attendances.person_id',
  'attendances.status',
  'attendances.attended',
  'attendances.waitlist_position',
  'attendances.phone',
  'attendances.comment',
  'attendances.source',
  'attendances.referrer',
  'attendances.language',
  'attendances.created_at',
  'attendances.cancelled_at',
  'people.given_name',
  'people.family_name',
  'people.email',
  'people.postal_code',
  'people.country',
  'people.email_status',
] as const;

/** One page of an event's attendees for the console: accepted first, then the waitlist in order, then cancelled. */
export function searchAttendees(q: Q, organizationId: string, eventId: string, search: string, page: { limit: number; offset: number }) {
  return searching(attendeesQuery(q, organizationId, eventId), search)
    .select(ATTENDEE_COLUMNS)
    .orderBy(sql`case attendances.status when 'accepted' then 0 when 'waitlisted' then 1 else 2 end`)
    .orderBy('attendances.waitlist_position')
    .orderBy('attendances.created_at')
    .orderBy('attendances.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countAttendeesMatching(q: Q, organizationId: string, eventId: string, search: string): Promise<number> {
  const row = await searching(attendeesQuery(q, organizationId, eventId), search)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every attendee of an event for the CSV export, oldest first (streamed by the caller). */
export const attendeesForExport = (q: Q, organizationId: string, eventId: string) =>
  attendeesQuery(q, organizationId, eventId).select(ATTENDEE_COLUMNS).orderBy('attendances.created_at').orderBy('attendances.id');

/** One comparison from an API filter on events. */
export interface EventComparison {
  column: 'id' | 'created_at' | 'modified_at' | 'origin_system' | 'title' | 'start_at' | 'end_at';
  op: '=' | '<' | '>' | '>=';
  value: string;
}

function eventsMatching(q: Q, organizationId: string, where: Condition<EventComparison['column']>) {
  let query = q.selectFrom('events').where('organization_id', '=', organizationId);
  query = query.where(conditionSql(where));
  return query;
}

/** One page of an organization's events for the API, oldest first. */
export const listEvents = (q: Q, organizationId: string, where: Condition<EventComparison['column']>, page: { limit: number; offset: number }) =>
  eventsMatching(q, organizationId, where).selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();

export async function countEvents(q: Q, organizationId: string, where: Condition<EventComparison['column']>): Promise<number> {
  const row = await eventsMatching(q, organizationId, where).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface AttendanceComparison {
  column: 'id' | 'created_at' | 'modified_at';
  op: '=' | '<' | '>' | '>=';
  value: string;
}

export type AttendanceOwner = { eventId: string } | { personId: string };

function attendancesMatching(q: Q, organizationId: string, by: AttendanceOwner, where: Condition<AttendanceComparison['column']>) {
  let query = q.selectFrom('attendances').where('organization_id', '=', organizationId);
  query = 'eventId' in by ? query.where('event_id', '=', by.eventId) : query.where('person_id', '=', by.personId);
  query = query.where(conditionSql(where));
  return query;
}

export const listAttendances = (q: Q, organizationId: string, by: AttendanceOwner, where: Condition<AttendanceComparison['column']>, page: { limit: number; offset: number }) =>
  attendancesMatching(q, organizationId, by, where).selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();

export async function countAttendances(q: Q, organizationId: string, by: AttendanceOwner, where: Condition<AttendanceComparison['column']>): Promise<number> {
  const row = await attendancesMatching(q, organizationId, by, where).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** An attendance, only if it belongs to the organization and to the event or person named. */
export const findAttendanceIn = (q: Q, organizationId: string, by: AttendanceOwner, id: string) =>
  attendancesMatching(q, organizationId, by, { all: [] }).selectAll().where('id', '=', id).executeTakeFirst();

/**
 * An erased person hosted events: their name and email typed into the host form (or given by
 * the API) go. The events stay, with their RSVPs and counts; without an email no host mail is sent.
 */
export async function clearHostOf(q: Q, organizationId: string, email: string, now: string): Promise<number> {
  const r = await q
    .updateTable('events')
    .set({ host_name: null, host_email: null, modified_at: now })
    .where('organization_id', '=', organizationId)
    .where(sql<boolean>`lower(host_email) = ${email.toLowerCase()}`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** An organization's events that have not ended, soonest first, for the dashboard. */
export const upcomingEventsOf = (q: Q, organizationId: string, now: string, limit = 20) =>
  q
    .selectFrom('events')
    .select(['id', 'title', 'start_at', 'end_at', 'timezone', 'status', 'capacity', 'accepted_count', 'waitlist_count'])
    .where('organization_id', '=', organizationId)
    .where('end_at', '>', now)
    .where('status', '!=', 'cancelled')
    .orderBy('start_at')
    .limit(limit)
    .execute();

/** Events by id, of any organization, as a partner's list of partnerships shows them. */
export const eventsByIds = (q: Q, ids: readonly string[]) =>
  q.selectFrom('events').select(['id', 'slug', 'title', 'accepted_count']).where('id', 'in', [...ids]).execute();

/** The sponsor's RSVPs to an event that are not cancelled, by `?source=` code. */
export const attendancesBySource = (q: Q, sponsorId: string, eventId: string) =>
  q
    .selectFrom('attendances')
    .select(['source', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organization_id', '=', sponsorId)
    .where('event_id', '=', eventId)
    .where('status', '!=', 'cancelled')
    .groupBy('source')
    .execute();

/** RSVPs to an event copied to each partner organization (attendees who ticked its box). */
export const attendancesSharedWith = (q: Q, sponsorId: string, eventId: string) =>
  q
    .selectFrom('attendances')
    .select(['organization_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('event_id', '=', eventId)
    .where('organization_id', '!=', sponsorId)
    .groupBy('organization_id')
    .execute();

/** A person's RSVPs in the organization, newest first, with their events. */
export const attendancesOfPerson = (q: Q, organizationId: string, personId: string) =>
  q
    .selectFrom('attendances')
    .innerJoin('events', 'events.id', 'attendances.event_id')
    .select([
      'attendances.id',
      'events.id as event_id',
      'events.title as event_title',
      'events.slug as event_slug',
      'attendances.status',
      'attendances.attended',
      'attendances.waitlist_position',
      'attendances.phone',
      'attendances.comment',
      'attendances.source',
      'attendances.referrer',
      'attendances.language',
      'attendances.shared_with',
      'attendances.created_at',
      'attendances.modified_at',
      'attendances.cancelled_at',
    ])
    .where('attendances.organization_id', '=', organizationId)
    .where('events.organization_id', '=', organizationId)
    .where('attendances.person_id', '=', personId)
    .orderBy('attendances.created_at', 'desc')
    .orderBy('attendances.id', 'desc')
    .execute();

/** An organization's event with its proof-of-work setting (another organization's is missing). */
export function findEventChallenge(q: Kysely<Database>, organizationId: string, id: string) {
  return q.selectFrom('events').select(['id', 'slug', 'challenge']).where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export async function setEventChallenge(q: Kysely<Database>, organizationId: string, id: string, mode: 'off' | 'automatic' | 'always', now: string) {
  await q.updateTable('events').set({ challenge: mode, modified_at: now }).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}
