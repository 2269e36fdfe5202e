import type { Kysely } from 'kysely';

// The language an organizer reads turnout's emails to them in (the review digest): `en`, `es`,
// or null for the organization's default (English). The console itself is in English.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('language', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('language').execute();
}
