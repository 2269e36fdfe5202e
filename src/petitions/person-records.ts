import type { Context, PersonRecords } from '../context.ts';
import { parseShares } from '../actions/partners.ts';
import { signaturesOfPerson } from './repository.ts';

/** A person's signatures: the lines of their page in the console, and the `signatures` of their export. */
export async function signatureRecords(ctx: Context, organizationId: string, personId: string): Promise<PersonRecords> {
  const rows = await signaturesOfPerson(ctx.database.db, organizationId, personId);
  return {
    key: 'signatures',
    noun: { one: 'petition signature', other: 'petition signatures' },
    actions: rows.map((a) => ({
      id: a.id,
      label: `Signed the petition “${a.action_title}”${a.invalidated_at ? ' (invalidated: not counted)' : ''}`,
      comments: a.comments,
      source: a.source,
      referrer: a.referrer,
      confirmed: a.confirmed_at !== null,
      created_at: a.created_at,
    })),
    exported: rows.map((a) => ({
      id: a.id,
      petition: { id: a.action_id, title: a.action_title, slug: a.action_slug },
      comments: a.comments,
      source: a.source,
      referrer: a.referrer,
      language: a.language,
      confirmed_at: a.confirmed_at,
      shares_awaiting_confirmation: parseShares(a.shared_with),
      // A keyed hash of the connection they signed from (never the address), and whether an organizer invalidated it.
      client_key: a.client_key,
      invalidated_at: a.invalidated_at,
      created_at: a.created_at,
      modified_at: a.modified_at,
    })),
  };
}
