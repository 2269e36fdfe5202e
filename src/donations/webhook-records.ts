import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { withPeople } from '../kits/api/embedded.ts';
import { listDonations } from './api/repository.ts';
import { presentDonation } from './api/presenters.ts';

/** Gifts as a webhook carries them (`osdi:donation`): the API's resource with the donor embedded. */
export async function presentDonations(db: Kysely<Database>, baseUrl: string, organizationId: string, ids: readonly string[]) {
  const rows = await Promise.all(
    ids.map(async (id) => (await listDonations(db, organizationId, null, { column: 'id', op: '=', value: id }, { limit: 1, offset: 0 }))[0]),
  );
  return withPeople(db, baseUrl, organizationId, rows, (d) => presentDonation(baseUrl, d));
}
