import type { Kysely } from 'kysely';

// The letter's own words in Spanish beside the main (English) ones, as migration 021 gave
// petitions: each nullable `_es` column is the Spanish version of the column it names; null
// shows the main text to everyone, marked with its language (src/kits/pages/localized.ts).
// `groups_es` is a JSON array of the list's group names in Spanish, in the order of `groups`.
const COLUMNS = ['title_es', 'description_es', 'letter_text_es', 'groups_es'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of COLUMNS) await db.schema.alterTable('open_letters').addColumn(column, 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of [...COLUMNS].reverse()) await db.schema.alterTable('open_letters').dropColumn(column).execute();
}
