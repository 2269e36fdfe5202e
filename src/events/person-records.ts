import type { Context, PersonRecords } from '../context.ts';
import { parseShares } from '../actions/partners.ts';
import { attendancesOfPerson } from './repository.ts';

const STATUS: Record<string, string> = {
  accepted: 'RSVPed to',
  waitlisted: 'On the waitlist for',
  cancelled: 'Cancelled their RSVP to',
};

/** A person's RSVPs: the lines of their page in the console, and the `attendances` of their export. */
export async function attendanceRecords(ctx: Context, organizationId: string, personId: string): Promise<PersonRecords> {
  const rows = await attendancesOfPerson(ctx.database.db, organizationId, personId);
  return {
    key: 'attendances',
    noun: { one: 'event RSVP', other: 'event RSVPs' },
    actions: rows.map((a) => ({
      id: a.id,
      label: `${STATUS[a.status] ?? `${a.status}:`} the event “${a.event_title}”${a.attended ? ' (attended)' : ''}`,
      comments: a.comment,
      source: a.source,
      referrer: a.referrer,
      confirmed: null,
      created_at: a.created_at,
    })),
    exported: rows.map((a) => ({
      id: a.id,
      event: { id: a.event_id, title: a.event_title, slug: a.event_slug },
      status: a.status,
      attended: a.attended === 1,
      waitlist_position: a.waitlist_position,
      phone: a.phone,
      comment: a.comment,
      source: a.source,
      referrer: a.referrer,
      language: a.language,
      shares_awaiting_confirmation: parseShares(a.shared_with),
      created_at: a.created_at,
      modified_at: a.modified_at,
      cancelled_at: a.cancelled_at,
    })),
  };
}
