import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Db } from '../db/connect.ts';
import { csvText } from '../util/csv.ts';
import { signaturesForExport } from './repository.ts';

/** Column names follow Action Network's exports where it has one, so organizers' sheets and tools read them. */
export const SIGNATURE_COLUMNS = [
  'uuid',
  'first_name',
  'last_name',
  'email',
  'zip_code',
  'can2_country',
  'can2_subscription_status',
  'comments',
  'source',
  'referrer',
  'language',
  'created_at',
  'confirmed_at',
] as const;

/**
 * Streams a petition's signatures as CSV, oldest first, a thousand rows at a time: read in
 * chunks (`Db.readChunks`), turned into CSV and written with the output's backpressure, so
 * memory stays flat however many there are.
 */
export async function exportSignaturesCsv(database: Db, organizationId: string, petitionId: string, out: Writable) {
  let header: readonly string[] | undefined = SIGNATURE_COLUMNS;
  for await (const rows of database.readChunks(signaturesForExport(database.db, organizationId, petitionId), CHUNK)) {
    // The query selects the columns in the file's order; the id is written as Action Network writes its own.
    for (const row of rows) row[0] = `turnout:${row[0] as string}`;
    const text = csvText(rows, header);
    header = undefined;
    // `once` rejects if the output fails, so an error never leaves the export waiting for 'drain'.
    if (!out.write(text)) await once(out, 'drain');
  }
  if (header) out.write(csvText([], header));
}

const CHUNK = 1000;
