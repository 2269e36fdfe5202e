import type { Context, PersonRecords } from '../context.ts';
import { outreachesOfPerson } from './repository.ts';

/** A person's letters: the lines of their page in the console, and the `outreaches` of their export. */
export async function outreachRecords(ctx: Context, organizationId: string, personId: string): Promise<PersonRecords> {
  const rows = await outreachesOfPerson(ctx.database.db, organizationId, personId);
  return {
    key: 'outreaches',
    noun: { one: 'letter to decision-makers', other: 'letters to decision-makers' },
    actions: rows.map((o) => ({
      id: o.id,
      label: `Wrote the letter “${o.campaign_title}”`,
      comments: null,
      source: o.source,
      referrer: o.referrer,
      confirmed: null,
      created_at: o.created_at,
    })),
    exported: rows.map((o) => ({
      id: o.id,
      advocacy_campaign: { id: o.campaign_id, title: o.campaign_title, slug: o.campaign_slug },
      subject: o.subject,
      message: o.body,
      signature: o.signature,
      street_address: o.street_address,
      postal_code: o.postal_code,
      state: o.state,
      source: o.source,
      referrer: o.referrer,
      language: o.language,
      created_at: o.created_at,
      modified_at: o.modified_at,
    })),
  };
}
