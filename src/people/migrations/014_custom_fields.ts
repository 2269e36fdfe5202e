import type { Kysely } from 'kysely';

// A person's custom fields (Action Network's `custom_fields`): per organization and person, a
// name and its text value. Forms store their answers here; the API reads and writes them.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('person_custom_fields')
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('person_custom_fields_pk', ['organization_id', 'person_id', 'name'])
    .execute();
  // The organization's field names (the API's custom field metadata).
  await db.schema.createIndex('person_custom_fields_org_name').on('person_custom_fields').columns(['organization_id', 'name']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('person_custom_fields').execute();
}
