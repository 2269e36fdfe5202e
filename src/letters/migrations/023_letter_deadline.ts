import type { Kysely } from 'kysely';

// A letter campaign's optional closing time: after it the campaign takes no new letters
// (letters already taken are still delivered at the campaign's pace).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('letter_campaigns').addColumn('closes_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('letter_campaigns').dropColumn('closes_at').execute();
}
