import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';

type Q = Kysely<Database> | Transaction<Database>;

/** Changes what a PUT through the API may change of a signature (its comments and referral codes). */
export async function updateSignatureFields(q: Q, organizationId: string, id: string, changes: { comments?: string | null; source?: string | null; referrer?: string | null; modified_at: string }) {
  await q.updateTable('signatures').set(changes).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}
