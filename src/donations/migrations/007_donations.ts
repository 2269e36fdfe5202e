import type { Kysely } from 'kysely';

// Fundraising pages, the donors' checkouts, recurring gifts, gifts, the Stripe events applied,
// and each organization's donation settings.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('fundraising_pages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('goal_minor', 'bigint')
    .addColumn('amounts', 'text', (c) => c.notNull())
    .addColumn('min_minor', 'bigint', (c) => c.notNull())
    .addColumn('max_minor', 'bigint', (c) => c.notNull())
    .addColumn('allow_monthly', 'integer', (c) => c.notNull())
    .addColumn('offer_fee_cover', 'integer', (c) => c.notNull())
    .addColumn('processor', 'text', (c) => c.notNull()) // stripe | actblue | pledge
    .addColumn('actblue_form', 'text')
    .addColumn('actblue_refcode', 'text')
    .addColumn('status', 'text', (c) => c.notNull()) // open | closed
    .addColumn('origin_system', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('fundraising_pages_org').on('fundraising_pages').columns(['organization_id', 'created_at']).execute();

  await db.schema
    .createTable('donation_checkouts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('fundraising_page_id', 'text', (c) => c.notNull().references('fundraising_pages.id').onDelete('cascade'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('fee_cover_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('recurring', 'integer', (c) => c.notNull())
    .addColumn('stripe_session_id', 'text', (c) => c.unique())
    .addColumn('stripe_session_url', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('referrer', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('shared_with', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('donation_checkouts_person').on('donation_checkouts').columns(['organization_id', 'person_id']).execute();

  await db.schema
    .createTable('recurring_donations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('fundraising_page_id', 'text', (c) => c.references('fundraising_pages.id').onDelete('set null'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('checkout_id', 'text', (c) => c.references('donation_checkouts.id').onDelete('set null'))
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('processor', 'text', (c) => c.notNull())
    .addColumn('processor_ref', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failed_payments', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .addColumn('canceled_at', 'text')
    .addUniqueConstraint('recurring_donations_ref', ['processor', 'processor_ref'])
    .execute();
  await db.schema.createIndex('recurring_donations_person').on('recurring_donations').columns(['organization_id', 'person_id']).execute();

  await db.schema
    .createTable('donations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('fundraising_page_id', 'text', (c) => c.references('fundraising_pages.id').onDelete('set null'))
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('recurring_id', 'text', (c) => c.references('recurring_donations.id').onDelete('set null'))
    .addColumn('checkout_id', 'text', (c) => c.references('donation_checkouts.id').onDelete('set null'))
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('fee_cover_minor', 'bigint', (c) => c.notNull())
    .addColumn('refunded_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // paid | refunded | disputed | pledged
    .addColumn('processor', 'text', (c) => c.notNull())
    .addColumn('processor_ref', 'text', (c) => c.notNull())
    .addColumn('payment_intent', 'text')
    .addColumn('source', 'text')
    .addColumn('referrer', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('donations_ref', ['processor', 'processor_ref'])
    .execute();
  await db.schema.createIndex('donations_page').on('donations').columns(['fundraising_page_id', 'status']).execute();
  await db.schema.createIndex('donations_org_created').on('donations').columns(['organization_id', 'created_at']).execute();
  await db.schema.createIndex('donations_person').on('donations').columns(['organization_id', 'person_id']).execute();
  await db.schema.createIndex('donations_payment_intent').on('donations').column('payment_intent').execute();

  await db.schema
    .createTable('stripe_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('donation_settings')
    .addColumn('organization_id', 'text', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
    .addColumn('tax_wording', 'text', (c) => c.notNull())
    .addColumn('actblue_username', 'text')
    .addColumn('actblue_password_hash', 'text')
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['donation_settings', 'stripe_events', 'donations', 'recurring_donations', 'donation_checkouts', 'fundraising_pages']) {
    await db.schema.dropTable(table).execute();
  }
}
