import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { withPeople } from '../kits/api/embedded.ts';
import { findSignature } from './repository.ts';
import { presentSignature } from './api/presenters.ts';

/** Signatures as a webhook carries them (`osdi:signature`): the API's resource with the signer embedded. */
export async function presentSignatures(db: Kysely<Database>, baseUrl: string, organizationId: string, ids: readonly string[]) {
  const rows = await Promise.all(ids.map((id) => findSignature(db, id)));
  return withPeople(db, baseUrl, organizationId, rows, (s) => presentSignature(baseUrl, s));
}
