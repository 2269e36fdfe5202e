import { sql, type Kysely, type Transaction, type Insertable, type Updateable } from 'kysely';
import type { AttendanceTable, Database, EventTable } from '../db/schema.ts';
import type { Dialect } from '../db/connect.ts';

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

export async function insertEvent(q: Q, event: Insertable<EventTable>) {
  await q.insertInto('events').values(event).execute();
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
