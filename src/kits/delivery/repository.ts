import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { NewDelivery } from './tables.ts';
import './tables.ts';

type Q = Kysely<Database> | Transaction<Database>;

export async function insertDelivery(q: Q, row: NewDelivery) {
  await q.insertInto('deliveries').values(row).execute();
}

/** An action's deliveries, newest first, within the organization. */
export function deliveriesOf(q: Q, organizationId: string, actionType: string, actionId: string) {
  return q
    .selectFrom('deliveries')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('action_type', '=', actionType)
    .where('action_id', '=', actionId)
    .orderBy('delivered_on', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}

/** The deliveries an action's public page shows. */
export function shownDeliveriesOf(q: Q, actionType: string, actionId: string) {
  return q
    .selectFrom('deliveries')
    .select(['delivered_on', 'recipient', 'method'])
    .where('action_type', '=', actionType)
    .where('action_id', '=', actionId)
    .where('shown', '=', 1)
    .orderBy('delivered_on', 'desc')
    .execute();
}

export async function deleteDelivery(q: Q, organizationId: string, actionType: string, actionId: string, id: string): Promise<boolean> {
  const r = await q
    .deleteFrom('deliveries')
    .where('organization_id', '=', organizationId)
    .where('action_type', '=', actionType)
    .where('action_id', '=', actionId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
