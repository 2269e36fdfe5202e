import type { Context, PersonRecords } from '../context.ts';
import { parseShares } from '../actions/partners.ts';
import { signaturesOfPerson } from './repository.ts';

/** A person's signatures on open letters: the lines of their page in the console, and the `open_letter_signatures` of their export. */
export async function openLetterRecords(ctx: Context, organizationId: string, personId: string): Promise<PersonRecords> {
  const rows = await signaturesOfPerson(ctx.database.db, organizationId, personId);
  return {
    key: 'open_letter_signatures',
    noun: { one: 'open-letter signature', other: 'open-letter signatures' },
    actions: rows.map((r) => ({
      id: r.id,
      label: r.kind === 'organization' ? `Signed the open letter “${r.letter_title}” for ${r.org_name}` : `Signed the open letter “${r.letter_title}”`,
      comments: null,
      source: r.source,
      referrer: r.referrer,
      confirmed: r.confirmed_at !== null,
      created_at: r.created_at,
    })),
    exported: rows.map((r) => ({
      id: r.id,
      open_letter: { id: r.letter_id, title: r.letter_title, slug: r.letter_slug },
      signed_as: r.kind,
      organization: r.kind === 'organization' ? { name: r.org_name, website: r.org_website, city: r.city, region: r.region, country: r.country } : null,
      role: r.signer_role,
      name_and_role_shown: r.show_signer === 1,
      status: r.status,
      source: r.source,
      referrer: r.referrer,
      language: r.language,
      confirmed_at: r.confirmed_at,
      shares_awaiting_confirmation: r.confirmed_at === null ? parseShares(r.shared_with) : [],
      created_at: r.created_at,
      modified_at: r.modified_at,
    })),
  };
}
