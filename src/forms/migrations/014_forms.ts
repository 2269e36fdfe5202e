import type { Kysely } from 'kysely';

// Forms (the simplest action: a page of questions) and their submissions.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('forms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull()) // Markdown
    .addColumn('questions', 'text', (c) => c.notNull()) // JSON array of questions (src/forms/questions.ts)
    .addColumn('status', 'text', (c) => c.notNull()) // open | closed
    .addColumn('submission_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('challenge', 'text', (c) => c.notNull().defaultTo('automatic')) // off | automatic | always
    .addColumn('origin_system', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('forms_org_created').on('forms').columns(['organization_id', 'created_at']).execute();

  await db.schema
    .createTable('submissions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('form_id', 'text', (c) => c.notNull().references('forms.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('answers', 'text') // JSON object: question id to text or list of texts; null once erased
    .addColumn('source', 'text')
    .addColumn('referrer', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('client_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('submissions_form_created').on('submissions').columns(['form_id', 'created_at']).execute();
  await db.schema.createIndex('submissions_person').on('submissions').columns(['organization_id', 'person_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('submissions').execute();
  await db.schema.dropTable('forms').execute();
}
