import type { Kysely } from 'kysely';

// Letters to decision-makers (Action Network's advocacy campaigns): the campaigns, their targets
// (a fixed list or a CSV list matched by state or ZIP), the supporters' letters (outreaches) and
// each letter's delivery to each of its targets, paced per target.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('letter_campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('subject_editable', 'integer', (c) => c.notNull())
    .addColumn('letter_opening', 'text', (c) => c.notNull())
    .addColumn('letter_body', 'text', (c) => c.notNull())
    .addColumn('body_editable', 'integer', (c) => c.notNull())
    .addColumn('letter_closing', 'text', (c) => c.notNull())
    .addColumn('body_max_length', 'integer', (c) => c.notNull())
    .addColumn('ask_address', 'integer', (c) => c.notNull())
    .addColumn('target_mode', 'text', (c) => c.notNull()) // fixed | matched
    .addColumn('hourly_cap', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull()) // HH:MM on the campaign's clock
    .addColumn('window_end', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // open | closed
    .addColumn('outreach_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('origin_system', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('letter_campaigns_org').on('letter_campaigns').columns(['organization_id', 'created_at']).execute();

  await db.schema
    .createTable('letter_targets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('letter_campaigns.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull()) // fixed | listed | fallback
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('target_organization', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('state', 'text')
    .addColumn('zip_codes', 'text') // space-separated 5-digit ZIP codes, or null
    .addColumn('district', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // active | paused | bounced | removed
    .addColumn('bounce_reason', 'text')
    .addColumn('bounced_at', 'text')
    .addColumn('next_slot_at', 'text')
    .addColumn('pacer_job_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('letter_targets_campaign').on('letter_targets').columns(['campaign_id', 'status', 'position']).execute();

  await db.schema
    .createTable('outreaches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('letter_campaigns.id').onDelete('cascade'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('subject', 'text')
    .addColumn('body', 'text')
    .addColumn('signature', 'text')
    .addColumn('street_address', 'text')
    .addColumn('postal_code', 'text')
    .addColumn('state', 'text')
    .addColumn('source', 'text')
    .addColumn('referrer', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('targets_matched', 'integer', (c) => c.notNull())
    .addColumn('copied_from', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outreaches_campaign_person').on('outreaches').columns(['campaign_id', 'person_id']).unique().execute();
  await db.schema.createIndex('outreaches_org_created').on('outreaches').columns(['organization_id', 'created_at']).execute();
  await db.schema.createIndex('outreaches_person').on('outreaches').columns(['organization_id', 'person_id']).execute();

  await db.schema
    .createTable('letter_sends')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('letter_campaigns.id').onDelete('cascade'))
    .addColumn('outreach_id', 'text', (c) => c.notNull().references('outreaches.id').onDelete('cascade'))
    .addColumn('target_id', 'text', (c) => c.notNull().references('letter_targets.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull()) // queued | sending | sent | bounced | failed | cancelled
    .addColumn('slot_at', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sent_at', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('letter_sends_pace').on('letter_sends').columns(['target_id', 'status', 'created_at']).execute();
  await db.schema.createIndex('letter_sends_outreach').on('letter_sends').columns(['outreach_id', 'target_id']).unique().execute();
  await db.schema.createIndex('letter_sends_campaign').on('letter_sends').columns(['campaign_id', 'status']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['letter_sends', 'outreaches', 'letter_targets', 'letter_campaigns']) await db.schema.dropTable(table).ifExists().execute();
}
