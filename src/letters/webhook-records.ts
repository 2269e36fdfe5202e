import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { withPeople } from '../kits/api/embedded.ts';
import { findOutreachById, sendsOfOutreaches } from './repository.ts';
import { presentOutreach } from './api/presenters.ts';

/** Outreaches (a letter sent to its targets) as a webhook carries them (`action_network:outreach`), with the writer embedded. */
export async function presentOutreaches(db: Kysely<Database>, baseUrl: string, organizationId: string, ids: readonly string[]) {
  const rows = await Promise.all(ids.map((id) => findOutreachById(db, id)));
  const sends = await sendsOfOutreaches(db, rows.flatMap((r) => (r && r.organization_id === organizationId ? [r.id] : [])));
  return withPeople(db, baseUrl, organizationId, rows, (o) => presentOutreach(baseUrl, o, sends));
}
