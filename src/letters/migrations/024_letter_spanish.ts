import type { Kysely } from 'kysely';

// A letter campaign's own words in Spanish beside the main (English) ones, as migration 021 gives
// petitions: each nullable `_es` column is the Spanish version of the column it names; null shows
// the main text to everyone, marked with its language (src/kits/pages/localized.ts).
const COLUMNS = ['title_es', 'description_es', 'subject_es', 'letter_opening_es', 'letter_body_es', 'letter_closing_es'];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of COLUMNS) await db.schema.alterTable('letter_campaigns').addColumn(column, 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of [...COLUMNS].reverse()) await db.schema.alterTable('letter_campaigns').dropColumn(column).execute();
}
