import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { PersonalData } from '../../context.ts';

// The record of an action handed to its target (a petition, an open letter): when, to whom, how.
// One table for every action type, keyed by the type and the action's id, so the kit names no
// capability; each capability that delivers lists a migration that calls `createDeliveriesTable`.

export type DeliveryMethod = 'email' | 'in_person' | 'other';

export interface DeliveryTable {
  id: string;
  organization_id: string;
  /** `petition`, `open_letter` … */
  action_type: string;
  action_id: string;
  /** The day it was delivered, YYYY-MM-DD. */
  delivered_on: string;
  recipient: string;
  method: DeliveryMethod;
  note: string;
  /** 1 when the action's public page shows it. */
  shown: number;
  created_by: string | null;
  created_at: string;
}

declare module '../../db/schema.ts' {
  interface Database {
    deliveries: DeliveryTable;
  }
}

export type Delivery = Selectable<DeliveryTable>;
export type NewDelivery = Insertable<DeliveryTable>;

/** Creates the deliveries table unless it is there: every capability that delivers may call it from its own migration. */
export async function createDeliveriesTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deliveries')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('action_type', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text', (c) => c.notNull())
    .addColumn('delivered_on', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('shown', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await sql`create index if not exists deliveries_action on deliveries (action_type, action_id, delivered_on)`.execute(db);
}

/** What the deliveries table holds, for erasure: an organizer's record, nothing about supporters. */
export const DELIVERIES_PERSONAL_DATA: PersonalData = {
  deliveries: {
    rows: 'none',
    columns: Object.fromEntries(
      ['id', 'organization_id', 'action_type', 'action_id', 'delivered_on', 'recipient', 'method', 'note', 'shown', 'created_by', 'created_at'].map((c) => [c, 'plain' as const]),
    ),
  },
};
