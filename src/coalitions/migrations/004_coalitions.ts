import type { Kysely } from 'kysely';

// Coalitions: an action's partner organizations, and which partners each signer chose to share with.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('action_partners')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('action_type', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text', (c) => c.notNull())
    .addColumn('sponsor_organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('partner_organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull()) // invited | accepted | declined
    .addColumn('source_code', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('responded_at', 'text')
    .addUniqueConstraint('action_partners_unique', ['action_type', 'action_id', 'partner_organization_id'])
    .execute();
  await db.schema.createIndex('action_partners_partner').on('action_partners').column('partner_organization_id').execute();
  // JSON array of { id, wording }: the partners a signer chose to share with, kept until the signature counts.
  await db.schema.alterTable('signatures').addColumn('shared_with', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('signatures').dropColumn('shared_with').execute();
  await db.schema.dropTable('action_partners').ifExists().execute();
}
