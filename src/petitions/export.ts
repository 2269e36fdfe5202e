import { stringify } from 'csv-stringify/sync';
import type { Kysely } from 'kysely';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Database } from '../db/schema.ts';
import { signaturesWithPeople } from './repository.ts';

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

/** A spreadsheet runs a cell that starts like a formula; a leading apostrophe makes it text (OWASP's advice). */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * Streams a petition's signatures as CSV, oldest first, reading the database with a cursor
 * so memory stays flat however many there are. Rows are turned into CSV a thousand at a time
 * and written with the output's backpressure: one stream step per row made a million rows
 * cost more in stream machinery than in the query.
 */
export async function exportSignaturesCsv(db: Kysely<Database>, organizationId: string, petitionId: string, out: Writable) {
  const rows = signaturesWithPeople(db, organizationId, petitionId).orderBy('signatures.created_at').orderBy('signatures.id').stream(CHUNK);
  const options = { columns: [...SIGNATURE_COLUMNS], cast: { string: neutralizeFormula } };
  let records: string[][] = [];
  let header = true;
  const write = async () => {
    const text = stringify(records, { ...options, header });
    header = false;
    records = [];
    // `once` rejects if the output fails, so an error never leaves the export waiting for 'drain'.
    if (!out.write(text)) await once(out, 'drain');
  };
  for await (const r of rows) {
    records.push([
      `turnout:${r.id}`,
      r.given_name ?? '',
      r.family_name ?? '',
      r.email ?? '',
      r.postal_code ?? '',
      r.country ?? '',
      r.email_status,
      r.comments ?? '',
      r.source ?? '',
      r.referrer ?? '',
      r.language,
      r.created_at,
      r.confirmed_at ?? '',
    ]);
    if (records.length === CHUNK) await write();
  }
  if (records.length > 0 || header) await write();
}

const CHUNK = 1000;
