import type { Kysely } from 'kysely';

// A fundraising page's optional closing time: after it the page takes no new gifts or pledges
// (a checkout started before it still counts when its webhook lands).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('fundraising_pages').addColumn('closes_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('fundraising_pages').dropColumn('closes_at').execute();
}
