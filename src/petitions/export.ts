import { stringify } from 'csv-stringify';
import type { Kysely } from 'kysely';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
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
 * so memory stays flat however many there are.
 */
export async function exportSignaturesCsv(db: Kysely<Database>, organizationId: string, petitionId: string, out: Writable) {
  const rows = signaturesWithPeople(db, organizationId, petitionId).orderBy('signatures.created_at').orderBy('signatures.id').stream(1000);
  async function* records() {
    for await (const r of rows) {
      yield [
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
      ];
    }
  }
  await pipeline(
    Readable.from(records()),
    stringify({ header: true, columns: [...SIGNATURE_COLUMNS], cast: { string: neutralizeFormula } }),
    out,
    { end: false },
  );
}
