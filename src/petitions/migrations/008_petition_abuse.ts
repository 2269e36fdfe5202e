import { sql, type Kysely } from 'kysely';

// Abuse (issue #14): the proof-of-work setting of a petition, the client key stored with each
// signature, and invalidations (an organizer takes signatures out of the count, with a reason,
// and can undo it).

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('petitions').addColumn('challenge', 'text', (c) => c.notNull().defaultTo('automatic')).execute();
  await db.schema.alterTable('signatures').addColumn('client_key', 'text').execute();
  await db.schema.alterTable('signatures').addColumn('invalidated_at', 'text').execute();
  await db.schema.alterTable('signatures').addColumn('invalidation_id', 'text').execute();
  await db.schema
    .createTable('signature_invalidations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('petition_id', 'text', (c) => c.notNull().references('petitions.id').onDelete('cascade'))
    .addColumn('criteria', 'text', (c) => c.notNull()) // JSON: from, before, source, email_domain, client_key
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('signatures', 'integer', (c) => c.notNull())
    .addColumn('counted', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('undone_at', 'text')
    .addColumn('undone_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('signature_invalidations_petition').on('signature_invalidations').columns(['petition_id', 'created_at']).execute();
  // Undo finds its signatures by invalidation. Partial: a new signature (no invalidation) costs it nothing.
  await db.schema
    .createIndex('signatures_invalidation')
    .on('signatures')
    .column('invalidation_id')
    .where(sql.ref('invalidation_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('signature_invalidations').ifExists().execute();
  await db.schema.dropIndex('signatures_invalidation').ifExists().execute();
  for (const column of ['invalidation_id', 'invalidated_at', 'client_key']) await db.schema.alterTable('signatures').dropColumn(column).execute();
  await db.schema.alterTable('petitions').dropColumn('challenge').execute();
}
