import type { Kysely } from 'kysely';

// The campaign's own words in Spanish beside the main (English) ones: each nullable `_es`
// column is the Spanish version of the column it names; null (or empty) shows the main text to
// everyone, marked with its language (src/kits/pages/localized.ts).
const COLUMNS: Record<string, string[]> = {
  petitions: ['title_es', 'description_es', 'petition_text_es'],
  events: ['title_es', 'description_es'],
  event_campaigns: ['title_es', 'description_es'],
  forms: ['title_es', 'description_es'],
};

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, columns] of Object.entries(COLUMNS)) {
    for (const column of columns) await db.schema.alterTable(table).addColumn(column, 'text').execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table, columns] of Object.entries(COLUMNS)) {
    for (const column of [...columns].reverse()) await db.schema.alterTable(table).dropColumn(column).execute();
  }
}
