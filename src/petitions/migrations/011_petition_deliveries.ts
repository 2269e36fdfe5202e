import type { Kysely } from 'kysely';
import { createDeliveriesTable } from '../../kits/delivery/tables.ts';

// The record of a petition handed to its target: the delivery kit's shared table (keyed by the
// action's type and id), made here unless another capability's migration made it first.

export async function up(db: Kysely<unknown>): Promise<void> {
  await createDeliveriesTable(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.deleteFrom('deliveries' as never).where('action_type' as never, '=', 'petition' as never).execute();
}
