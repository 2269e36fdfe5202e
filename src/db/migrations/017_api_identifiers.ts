import type { Kysely } from 'kysely';

// Identifiers other systems give turnout's records through the API (`"identifiers":
// ["mycal:123"]`), for any resource: a calendar sync finds the event it made last time by
// filtering on its own identifier. One identifier names one record per organization.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_identifiers')
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('api_identifiers_pkey', ['organization_id', 'identifier'])
    .execute();
  await db.schema.createIndex('api_identifiers_resource').on('api_identifiers').columns(['organization_id', 'resource_type', 'resource_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_identifiers').execute();
}
