import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Db } from '../db/connect.ts';
import { csvText } from '../util/csv.ts';

/** Column names follow Action Network's exports where it has one. */
export const OUTREACH_COLUMNS = [
  'uuid', 'first_name', 'last_name', 'email', 'zip_code', 'state', 'can2_subscription_status', 'subject', 'message', 'targets', 'delivery',
  'source', 'referrer', 'language', 'created_at',
] as const;

/** The query of one campaign's outreaches for the export, oldest first, with their targets and how each letter went. */
function outreachesForExport(database: Db, organizationId: string, campaignId: string) {
  const db = database.db;
  return db
    .selectFrom('outreaches')
    .innerJoin('people', 'people.id', 'outreaches.person_id')
    .select((eb) => [
      'outreaches.id', 'people.given_name', 'people.family_name', 'people.email', 'outreaches.postal_code', 'outreaches.state', 'people.email_status',
      'outreaches.subject', 'outreaches.body',
      eb
        .selectFrom('letter_sends')
        .innerJoin('letter_targets', 'letter_targets.id', 'letter_sends.target_id')
        .select((e) => e.fn.agg<string>(database.dialect === 'postgres' ? 'string_agg' : 'group_concat', [e.ref('letter_targets.name'), e.val('; ')]).as('t'))
        .whereRef('letter_sends.outreach_id', '=', 'outreaches.id')
        .as('targets'),
      eb
        .selectFrom('letter_sends')
        .select((e) => e.fn.agg<string>(database.dialect === 'postgres' ? 'string_agg' : 'group_concat', [e.ref('letter_sends.status'), e.val('; ')]).as('d'))
        .whereRef('letter_sends.outreach_id', '=', 'outreaches.id')
        .as('delivery'),
      'outreaches.source', 'outreaches.referrer', 'outreaches.language', 'outreaches.created_at',
    ])
    .where('outreaches.organization_id', '=', organizationId)
    .where('outreaches.campaign_id', '=', campaignId)
    .orderBy('outreaches.created_at')
    .orderBy('outreaches.id');
}

/** Streams a campaign's outreaches as CSV, a thousand at a time; cells that look like formulas are neutralized (csvText). */
export async function exportOutreachesCsv(database: Db, organizationId: string, campaignId: string, out: Writable) {
  await write(out, csvText([], OUTREACH_COLUMNS));
  for await (const rows of database.readChunks(outreachesForExport(database, organizationId, campaignId), 1000)) await write(out, csvText(rows));
}

async function write(out: Writable, data: string) {
  if (!out.write(data)) await once(out, 'drain');
}
