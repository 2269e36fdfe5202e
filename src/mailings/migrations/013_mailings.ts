import type { Kysely } from 'kysely';

// Mailings: the organization's sending settings, the mailings, one row per recipient (unique per
// mailing and person, so nobody gets two), delivery reports, click counts per link, sends per day.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mailing_settings')
    .addColumn('organization_id', 'text', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
    .addColumn('sender_name', 'text', (c) => c.notNull())
    .addColumn('reply_to', 'text', (c) => c.notNull())
    .addColumn('postal_address', 'text', (c) => c.notNull())
    .addColumn('rate_per_second', 'integer', (c) => c.notNull())
    .addColumn('daily_cap', 'integer', (c) => c.notNull())
    .addColumn('click_counting', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('America/New_York'))
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mailings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('subject_en', 'text', (c) => c.notNull())
    .addColumn('preheader_en', 'text', (c) => c.notNull())
    .addColumn('body_en', 'text', (c) => c.notNull())
    .addColumn('subject_es', 'text', (c) => c.notNull())
    .addColumn('preheader_es', 'text', (c) => c.notNull())
    .addColumn('body_es', 'text', (c) => c.notNull())
    .addColumn('test_subjects', 'text', (c) => c.notNull())
    .addColumn('test_share', 'integer', (c) => c.notNull())
    .addColumn('test_wait_minutes', 'integer', (c) => c.notNull())
    .addColumn('test_winner', 'integer')
    .addColumn('test_ends_at', 'text')
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('sender_name', 'text')
    .addColumn('reply_to', 'text')
    .addColumn('scheduled_at', 'text')
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('next_chunk', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('total_recipients', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('origin_system', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mailings_org_created').on('mailings').columns(['organization_id', 'created_at']).execute();

  await db.schema
    .createTable('mailing_recipients')
    .addColumn('mailing_id', 'text', (c) => c.notNull().references('mailings.id').onDelete('cascade'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('variant', 'integer')
    .addColumn('claim', 'text')
    .addColumn('claimed_at', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sent_at', 'text')
    .addColumn('sent_batch', 'integer')
    .addColumn('error', 'text')
    .addColumn('unsubscribed', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('mailing_recipients_pk', ['mailing_id', 'person_id'])
    .execute();
  // The chunk's claim reads queued rows in order; counts read by state.
  await db.schema.createIndex('mailing_recipients_state_seq').on('mailing_recipients').columns(['mailing_id', 'state', 'seq']).execute();
  await db.schema.createIndex('mailing_recipients_person').on('mailing_recipients').column('person_id').execute();

  await db.schema
    .createTable('mail_bounces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('mailing_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mail_bounces_person').on('mail_bounces').columns(['person_id', 'kind']).execute();

  await db.schema
    .createTable('mailing_links')
    .addColumn('mailing_id', 'text', (c) => c.notNull().references('mailings.id').onDelete('cascade'))
    .addColumn('link', 'integer', (c) => c.notNull())
    .addColumn('variant', 'integer', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('clicks', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('mailing_links_pk', ['mailing_id', 'link', 'variant'])
    .execute();

  await db.schema
    .createTable('mailing_days')
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('mailing_days_pk', ['organization_id', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['mailing_days', 'mailing_links', 'mail_bounces', 'mailing_recipients', 'mailings', 'mailing_settings']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
