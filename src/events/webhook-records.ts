import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { withPeople } from '../kits/api/embedded.ts';
import { findAttendance } from './repository.ts';
import { presentAttendance } from './api/attendances.ts';

/** Attendances (RSVPs) as a webhook carries them (`osdi:attendance`): the API's resource with the attendee embedded. */
export async function presentAttendances(db: Kysely<Database>, baseUrl: string, organizationId: string, ids: readonly string[]) {
  const rows = await Promise.all(ids.map((id) => findAttendance(db, id)));
  return withPeople(db, baseUrl, organizationId, rows, (a) => presentAttendance(baseUrl, a));
}
