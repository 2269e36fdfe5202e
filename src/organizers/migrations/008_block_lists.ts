import type { Kysely } from 'kysely';

// An organization's block lists: email domains and client keys whose new actions the public
// forms refuse (src/actions/block-list.ts). One table for every capability's forms.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('blocked_senders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull()) // email_domain | client_key
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('refusals', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addUniqueConstraint('blocked_senders_unique', ['organization_id', 'kind', 'value'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('blocked_senders').ifExists().execute();
}
