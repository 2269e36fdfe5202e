import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { createDeliveriesTable } from '../../kits/delivery/tables.ts';

// Open letters, their signatures (organizations and individuals), the logos re-encoded from
// uploads, the organizations a sponsor trusts, and the deliveries table the delivery kit shares
// with petitions (created here unless petitions' 011 made it first).

export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`;
  await db.schema
    .createTable('open_letters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('letter_text', 'text', (c) => c.notNull())
    .addColumn('targets', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text')
    .addColumn('allow_individuals', 'integer', (c) => c.notNull())
    .addColumn('hold_until_count', 'integer')
    .addColumn('hold_until_date', 'text')
    .addColumn('list_order', 'text', (c) => c.notNull())
    .addColumn('featured_first', 'integer', (c) => c.notNull())
    .addColumn('groups', 'text', (c) => c.notNull())
    .addColumn('organization_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('individual_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('origin_system', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('open_letters_org').on('open_letters').columns(['organization_id', 'created_at']).execute();

  await db.schema
    .createTable('open_letter_signatures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('open_letter_id', 'text', (c) => c.notNull().references('open_letters.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('org_name', 'text')
    .addColumn('org_key', 'text', (c) => c.notNull())
    .addColumn('org_website', 'text')
    .addColumn('org_domain', 'text')
    .addColumn('city', 'text')
    .addColumn('region', 'text')
    .addColumn('country', 'text')
    .addColumn('signer_role', 'text')
    .addColumn('show_signer', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('moderation_reason', 'text')
    .addColumn('moderated_at', 'text')
    .addColumn('merged_into', 'text')
    .addColumn('group_name', 'text')
    .addColumn('featured', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('trusted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('source', 'text')
    .addColumn('referrer', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('shared_with', 'text')
    .addColumn('client_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    // One signature per person and organization name (org_key is '' for a person signing as themselves).
    .addUniqueConstraint('open_letter_signatures_once', ['open_letter_id', 'person_id', 'org_key'])
    .execute();
  await db.schema.createIndex('open_letter_signatures_letter').on('open_letter_signatures').columns(['open_letter_id', 'status']).execute();
  await db.schema.createIndex('open_letter_signatures_person').on('open_letter_signatures').columns(['organization_id', 'person_id']).execute();

  await db.schema
    .createTable('open_letter_logos')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('signature_id', 'text', (c) => c.notNull().unique().references('open_letter_signatures.id').onDelete('cascade'))
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('bytes', bytes, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('open_letter_trusted')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('org_key', 'text', (c) => c.notNull())
    .addColumn('org_domain', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('open_letter_trusted_once', ['organization_id', 'org_key'])
    .execute();

  await createDeliveriesTable(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['open_letter_trusted', 'open_letter_logos', 'open_letter_signatures', 'open_letters']) await db.schema.dropTable(table).execute();
  // The deliveries table stays when petitions' migration made it too; its open letters' rows go.
  await sql`delete from deliveries where action_type = 'open_letter'`.execute(db);
}
