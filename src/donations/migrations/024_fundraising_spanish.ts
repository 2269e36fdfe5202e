import type { Kysely } from 'kysely';

// A fundraising page's own words in Spanish beside the main (English) ones, as migration 021
// gave petitions: each nullable `_es` column is the Spanish version of the column it names; null
// (or empty) shows the main text to everyone, marked with its language (src/kits/pages/localized.ts).
const COLUMNS = ['title_es', 'description_es'];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of COLUMNS) await db.schema.alterTable('fundraising_pages').addColumn(column, 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of [...COLUMNS].reverse()) await db.schema.alterTable('fundraising_pages').dropColumn(column).execute();
}
