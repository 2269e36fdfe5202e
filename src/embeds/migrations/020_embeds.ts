import type { Kysely } from 'kysely';

// The origins (https://host[:port]) whose pages may embed an organization's actions: the embed
// script's endpoints answer CORS only for them, and the iframe pages allow framing only by them.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('embed_origins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('embed_origins_unique', ['organization_id', 'origin'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('embed_origins').ifExists().execute();
}
