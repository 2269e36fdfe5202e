import { PostgresAdapter, sql, type Kysely } from 'kysely';

// What supporters see of who is behind an action and when it ends: an organization's accent
// colour and its logo (re-encoded PNG bytes, in their own table so reading an organization does
// not read its image), and a petition's optional closing time.
export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`;
  await db.schema.alterTable('organizations').addColumn('accent_color', 'text').execute();
  // Changes with each new logo: the logo's address carries it, so browsers may keep a logo for a year.
  await db.schema.alterTable('organizations').addColumn('logo_version', 'text').execute();
  await db.schema
    .createTable('organization_logos')
    .addColumn('organization_id', 'text', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('bytes', bytes, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('petitions').addColumn('closes_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('petitions').dropColumn('closes_at').execute();
  await db.schema.dropTable('organization_logos').execute();
  await db.schema.alterTable('organizations').dropColumn('logo_version').execute();
  await db.schema.alterTable('organizations').dropColumn('accent_color').execute();
}
