import type { Kysely } from 'kysely';

// Abuse (issue #14): the proof-of-work challenge on an event's RSVP form, as on a petition's:
// off, automatic (while RSVPs look automated) or always.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').addColumn('challenge', 'text', (c) => c.notNull().defaultTo('automatic')).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').dropColumn('challenge').execute();
}
