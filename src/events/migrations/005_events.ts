import type { Kysely } from 'kysely';

// Events, their attendances (RSVPs with a waitlist), event campaigns (a week of action) and
// the hosts an organization trusts.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('event_campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // open | closed
    .addColumn('origin_system', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('campaign_id', 'text', (c) => c.references('event_campaigns.id').onDelete('set null'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('instructions', 'text', (c) => c.notNull())
    .addColumn('start_at', 'text', (c) => c.notNull())
    .addColumn('end_at', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('online', 'integer', (c) => c.notNull())
    .addColumn('join_url', 'text')
    .addColumn('venue', 'text')
    .addColumn('address_lines', 'text', (c) => c.notNull()) // JSON array
    .addColumn('locality', 'text')
    .addColumn('region', 'text')
    .addColumn('postal_code', 'text')
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('latitude', 'double precision')
    .addColumn('longitude', 'double precision')
    .addColumn('capacity', 'integer')
    .addColumn('visibility', 'text', (c) => c.notNull()) // public | unlisted
    .addColumn('status', 'text', (c) => c.notNull()) // pending | confirmed | rejected | cancelled
    .addColumn('reminders', 'text', (c) => c.notNull()) // JSON array of minutes before the start
    .addColumn('host_name', 'text')
    .addColumn('host_email', 'text')
    .addColumn('host_email_confirmed_at', 'text')
    .addColumn('host_link_version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('accepted_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('waitlist_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attended_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('origin_system', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_org_start').on('events').columns(['organization_id', 'start_at']).execute();
  await db.schema.createIndex('events_campaign').on('events').columns(['campaign_id', 'start_at']).execute();

  await db.schema
    .createTable('attendances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull()) // accepted | waitlisted | cancelled
    .addColumn('attended', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('waitlist_position', 'integer')
    .addColumn('phone', 'text')
    .addColumn('comment', 'text')
    .addColumn('source', 'text')
    .addColumn('referrer', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('shared_with', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .addColumn('cancelled_at', 'text')
    .addUniqueConstraint('attendances_event_person_unique', ['event_id', 'person_id'])
    .execute();
  await db.schema.createIndex('attendances_event_status').on('attendances').columns(['event_id', 'status', 'waitlist_position']).execute();
  await db.schema.createIndex('attendances_person').on('attendances').column('person_id').execute();

  await db.schema
    .createTable('trusted_hosts')
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('trusted_hosts_pk', ['organization_id', 'email'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['trusted_hosts', 'attendances', 'events', 'event_campaigns']) await db.schema.dropTable(t).ifExists().execute();
}
