import type { Kysely } from 'kysely';

// Finding events: whether the organizer made the street address public (OSDI's
// `location.public`). The venue's name is public anyway; the street stays with attendees unless
// this is set.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').addColumn('address_public', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').dropColumn('address_public').execute();
}
