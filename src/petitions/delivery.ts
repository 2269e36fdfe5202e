import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { zipcodes } from '../kits/places/zipcodes.ts';
import type { Db } from '../db/connect.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { csvText } from '../util/csv.ts';
import { markdownParagraphs, startPdf } from '../kits/delivery/pdf.ts';
import type { Petition } from './tables.ts';
import { targetsOf } from './service.ts';

// What is handed to a petition's target: the petition, its count, the count by state (from the
// signers' ZIP codes) and the signers' names and places, never their emails; as a PDF and as a
// CSV. Counted signatures only (confirmed, not invalidated), the sponsor's (not partners' copies),
// read a thousand at a time, so a petition of any size is written with flat memory.

type Q = Kysely<Database>;

function countedSigners(q: Q, petition: Pick<Petition, 'id' | 'organization_id'>) {
  return q
    .selectFrom('signatures')
    .innerJoin('people', 'people.id', 'signatures.person_id')
    .where('signatures.organization_id', '=', petition.organization_id)
    .where('signatures.petition_id', '=', petition.id)
    .where('signatures.confirmed_at', 'is not', null)
    .where('signatures.invalidated_at', 'is', null);
}

/** The state of a US ZIP code, by its first five digits; null elsewhere or when unknown. */
export function placeOfZip(postalCode: string | null, country: string | null): { city: string; state: string } | null {
  if (!postalCode || (country && country !== 'US')) return null;
  const z = zipcodes().lookup(postalCode.slice(0, 5));
  return z && z.country === 'US' ? { city: z.city, state: z.state } : null;
}

/** Counted signatures by state (US), then by country for the rest; the ZIP codes are grouped in the database. */
export async function countsByState(q: Q, petition: Pick<Petition, 'id' | 'organization_id'>): Promise<[string, number][]> {
  const rows = await countedSigners(q, petition)
    .select(['people.postal_code', 'people.country', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['people.postal_code', 'people.country'])
    .execute();
  const counts = new Map<string, number>();
  for (const r of rows) {
    const place = placeOfZip(r.postal_code, r.country);
    const key = place ? place.state : r.country && r.country !== 'US' ? r.country : 'Unknown';
    counts.set(key, (counts.get(key) ?? 0) + Number(r.n));
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

const signerRows = (q: Q, petition: Pick<Petition, 'id' | 'organization_id'>) =>
  countedSigners(q, petition)
    .select(['people.given_name', 'people.family_name', 'people.postal_code', 'people.country', 'signatures.created_at'])
    .orderBy('signatures.created_at')
    .orderBy('signatures.id');

type SignerRow = [string | null, string | null, string | null, string | null, string];

function placeText(row: SignerRow): string {
  const place = placeOfZip(row[2], row[3]);
  return place ? `${place.city}, ${place.state}` : row[3] && row[3] !== 'US' ? row[3] : '';
}

/** The petition, its count, the counts by state and the signers' names and places, as a PDF written to `out`. */
export async function writePetitionPdf(database: Db, petition: Petition, sponsor: string, out: Writable, now: string): Promise<void> {
  const db = database.db;
  const byState = await countsByState(db, petition);
  const total = byState.reduce((sum, [, n]) => sum + n, 0);
  const pdf = await startPdf(out, { title: petition.title, author: sponsor });
  pdf.title(petition.title);
  pdf.byline(`${sponsor} · ${now.slice(0, 10)}`);
  const targets = targetsOf(petition);
  if (targets.length > 0) pdf.paragraph(`To: ${targets.map((t) => t.name).join('; ')}`);
  if (petition.description) pdf.paragraph(petition.description);
  for (const p of markdownParagraphs(petition.petition_text)) pdf.paragraph(p);
  pdf.heading('Signatures');
  pdf.facts([
    ['Signatures', total.toLocaleString('en-US')],
    ['As of', `${now.slice(0, 16).replace('T', ' ')} UTC`],
  ]);
  pdf.heading('Signatures by state');
  pdf.facts(byState.map(([state, n]) => [state, n.toLocaleString('en-US')]));
  pdf.heading('Signers');
  for await (const rows of database.readChunks(signerRows(db, petition), 1000)) {
    for (const row of rows as SignerRow[]) {
      const name = [row[0], row[1]].filter(Boolean).join(' ') || '(name withheld)';
      const place = placeText(row);
      pdf.entry(name, place ? `(${place})` : undefined);
    }
    await pdf.flush();
  }
  await pdf.end();
}

export const PETITION_DELIVERY_COLUMNS = ['first_name', 'last_name', 'city', 'state', 'country', 'signed_at'] as const;

/** The signers' names and places (no emails, no ZIP codes) as CSV, oldest first. */
export async function writePetitionDeliveryCsv(database: Db, petition: Petition, out: Writable): Promise<void> {
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(csvText([], PETITION_DELIVERY_COLUMNS));
  for await (const rows of database.readChunks(signerRows(database.db, petition), 1000)) {
    await write(
      csvText(
        (rows as SignerRow[]).map((r) => {
          const place = placeOfZip(r[2], r[3]);
          return [r[0], r[1], place?.city ?? '', place?.state ?? '', r[3] ?? '', r[4]];
        }),
      ),
    );
  }
}
