import { sql, type Kysely } from 'kysely';
import { newId } from '../../util/ids.ts';

// Action Network's person fields that turnout did not keep yet (street address lines, city,
// region, phone number), and an identifier for each tagging, so that `/tags/:id/taggings/:id`
// can name one (src/kits/api/README.md).

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('people').addColumn('address_lines', 'text').execute();
  await db.schema.alterTable('people').addColumn('locality', 'text').execute();
  await db.schema.alterTable('people').addColumn('region', 'text').execute();
  await db.schema.alterTable('people').addColumn('phone_number', 'text').execute();
  await db.schema.createIndex('people_org_phone').on('people').columns(['organization_id', 'phone_number']).execute();

  await db.schema.alterTable('taggings').addColumn('id', 'text').execute();
  // Taggings made before: each gets its identifier now, a batch at a time.
  for (;;) {
    const rows = await sql<{ tag_id: string; person_id: string }>`select tag_id, person_id from taggings where id is null limit 500`.execute(db);
    if (rows.rows.length === 0) break;
    for (const r of rows.rows) {
      await sql`update taggings set id = ${newId()} where tag_id = ${r.tag_id} and person_id = ${r.person_id}`.execute(db);
    }
  }
  await db.schema.createIndex('taggings_id_unique').on('taggings').column('id').unique().execute();
  await db.schema.createIndex('taggings_person').on('taggings').columns(['person_id', 'tag_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('taggings_person').execute();
  await db.schema.dropIndex('taggings_id_unique').execute();
  await db.schema.alterTable('taggings').dropColumn('id').execute();
  await db.schema.dropIndex('people_org_phone').execute();
  for (const column of ['phone_number', 'region', 'locality', 'address_lines']) await db.schema.alterTable('people').dropColumn(column).execute();
}
