import type { Context, PersonRecords } from '../context.ts';
import { bouncesOfPerson, recipientsOfPerson } from './repository.ts';

/** A person's copies of mailings and delivery reports: not actions they took, but what their export holds under `mailings`. */
export async function mailingRecords(ctx: Context, organizationId: string, personId: string): Promise<PersonRecords> {
  const db = ctx.database.db;
  const [copies, bounces] = await Promise.all([recipientsOfPerson(db, organizationId, personId), bouncesOfPerson(db, organizationId, personId)]);
  return {
    key: 'mailings',
    noun: { one: 'email received', other: 'emails received' },
    actions: copies
      .filter((c) => c.unsubscribed === 1)
      .map((c) => ({ id: c.mailing_id, label: `Unsubscribed through the mailing \u201c${c.title}\u201d`, comments: null, source: null, referrer: null, confirmed: null, created_at: c.sent_at ?? c.created_at })),
    exported: [
      ...copies.map((c) => ({ mailing: { id: c.mailing_id, title: c.title }, state: c.state, subject_variant: c.variant, sent_at: c.sent_at, unsubscribed_through_it: c.unsubscribed === 1, error: c.error })),
      ...bounces.map((b) => ({ delivery_report: { kind: b.kind, source: b.source, detail: b.detail, mailing_id: b.mailing_id, created_at: b.created_at } })),
    ],
  };
}
