import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { csvText } from '../util/csv.ts';
import { markdownParagraphs, startPdf } from '../kits/delivery/pdf.ts';
import { approvedOrganizations, findLetterById } from './repository.ts';
import { arrangeList, targetsOf } from './service.ts';
import type { OpenLetter } from './tables.ts';

// What is handed to the letter's target: the letter with its approved organizations (grouped
// and ordered as on the public page, merged and rejected ones left out), the date and the counts,
// as a PDF; and the same list as CSV. Nothing private: no email, and a signer's name and role
// only where they chose to show them.

type Approved = Awaited<ReturnType<typeof approvedOrganizations>>[number];

const signerOf = (o: Approved) => (o.show_signer === 1 ? [[o.given_name, o.family_name].filter(Boolean).join(' '), o.signer_role].filter(Boolean).join(', ') : '');
const placeOf = (o: Approved) => [o.city, o.region, o.country].filter(Boolean).join(', ');

async function load(db: Kysely<Database>, letter: OpenLetter) {
  const [full, organizations] = await Promise.all([findLetterById(db, letter.id), approvedOrganizations(db, letter.id)]);
  return { sponsor: full?.organization_name ?? '', sections: arrangeList(letter, organizations), count: organizations.length };
}

/** The letter and its signatories as a PDF, written to `out`. */
export async function writeLetterPdf(db: Kysely<Database>, letter: OpenLetter, out: Writable, now: string): Promise<void> {
  const { sponsor, sections, count } = await load(db, letter);
  const pdf = await startPdf(out, { title: letter.title, author: sponsor });
  pdf.title(letter.title);
  pdf.byline(`${sponsor} · ${now.slice(0, 10)}`);
  const targets = targetsOf(letter);
  if (targets.length > 0) pdf.paragraph(`To: ${targets.map((t) => t.name).join('; ')}`);
  if (letter.description) pdf.paragraph(letter.description);
  for (const p of markdownParagraphs(letter.letter_text)) pdf.paragraph(p);
  pdf.heading('Signatories');
  pdf.facts([
    ['Organizations', count.toLocaleString('en-US')],
    ...(letter.allow_individuals === 1 || letter.individual_count > 0 ? [['Individuals', letter.individual_count.toLocaleString('en-US')] as [string, string]] : []),
    ['As of', `${now.slice(0, 16).replace('T', ' ')} UTC`],
  ]);
  for (const s of sections) {
    if (s.group !== null || sections.length > 1) pdf.heading(s.group ?? 'Other signatories');
    for (const o of s.organizations) {
      const detail = [placeOf(o) ? `(${placeOf(o)})` : '', signerOf(o) ? `— ${signerOf(o)}` : ''].filter(Boolean).join(' ');
      pdf.entry(o.org_name ?? '', detail || undefined);
    }
  }
  if (letter.individual_count > 0) pdf.paragraph(`And ${letter.individual_count.toLocaleString('en-US')} individuals.`);
  await pdf.end();
}

export const LETTER_CSV_COLUMNS = ['organization', 'website', 'city', 'state', 'country', 'group', 'featured', 'signer', 'signed_at'] as const;

/** The approved organizations as CSV, in the order of the list. */
export async function writeLetterCsv(db: Kysely<Database>, letter: OpenLetter, out: Writable): Promise<void> {
  const { sections } = await load(db, letter);
  const rows = sections.flatMap((s) => s.organizations.map((o) => [o.org_name, o.org_website, o.city, o.region, o.country, o.group_name, o.featured === 1 ? 'yes' : 'no', signerOf(o), o.created_at]));
  if (!out.write(csvText(rows, LETTER_CSV_COLUMNS))) await once(out, 'drain');
}
