import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { EmbedOrigin } from './tables.ts';

type Q = Kysely<Database> | Transaction<Database>;

export const listOrigins = (q: Q, organizationId: string) =>
  q.selectFrom('embed_origins').selectAll().where('organization_id', '=', organizationId).orderBy('origin').execute();

/** Adds an origin; false when the organization lists it already. */
export async function addOrigin(q: Q, row: EmbedOrigin): Promise<boolean> {
  const r = await q.insertInto('embed_origins').values(row).onConflict((oc) => oc.columns(['organization_id', 'origin']).doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export const removeOrigin = (q: Q, organizationId: string, id: string) =>
  q.deleteFrom('embed_origins').where('organization_id', '=', organizationId).where('id', '=', id).returningAll().executeTakeFirst();
