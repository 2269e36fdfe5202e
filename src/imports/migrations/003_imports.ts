import { PostgresAdapter, sql, type Kysely } from 'kysely';

// CSV imports of people: the import and its progress, the uploaded file (in pieces, so any
// web or worker process can read it), and the first rejected rows with their reasons.

export async function up(db: Kysely<unknown>): Promise<void> {
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`;

  await db.schema
    .createTable('imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('created_by', 'text')
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_size', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // mapping | queued | running | done | failed
    .addColumn('columns', 'text', (c) => c.notNull()) // JSON array of the header row's cells
    .addColumn('preview', 'text', (c) => c.notNull()) // JSON array of the first rows
    .addColumn('total_rows', 'integer', (c) => c.notNull())
    .addColumn('mapping', 'text') // JSON array: one field per column
    .addColumn('tag', 'text')
    .addColumn('subscribe', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('added', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('merged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reasons', 'text', (c) => c.notNull().defaultTo('{}')) // JSON object: rejected rows by reason
    .addColumn('runner_job_id', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('imports_org_created').on('imports').columns(['organization_id', 'created_at']).execute();

  await db.schema
    .createTable('import_file_pieces')
    .addColumn('import_id', 'text', (c) => c.notNull().references('imports.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('import_file_pieces_pk', ['import_id', 'seq'])
    .execute();

  await db.schema
    .createTable('import_rejections')
    .addColumn('import_id', 'text', (c) => c.notNull().references('imports.id').onDelete('cascade'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('cells', 'text', (c) => c.notNull()) // JSON array: the row as it was in the file
    .addPrimaryKeyConstraint('import_rejections_pk', ['import_id', 'line'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['import_rejections', 'import_file_pieces', 'imports']) await db.schema.dropTable(t).ifExists().execute();
}
