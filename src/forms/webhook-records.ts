import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { withPeople } from '../kits/api/embedded.ts';
import { findSubmission } from './repository.ts';
import { presentSubmission } from './api/presenters.ts';

/** Submissions as a webhook carries them (`osdi:submission`): the API's resource with the person embedded. */
export async function presentSubmissions(db: Kysely<Database>, baseUrl: string, organizationId: string, ids: readonly string[]) {
  const rows = await Promise.all(ids.map((id) => findSubmission(db, id)));
  return withPeople(db, baseUrl, organizationId, rows, (s) => presentSubmission(baseUrl, s));
}
