// An event's attendees in the console: the searchable, paged list with check-in. Moved out of
// pages.tsx, which re-exports it, to keep that file short.
import { AdminLayout, CsrfField, type AdminPage } from '../../kits/console/layout.tsx';
import { fullName, PeopleList, personColumns, searchLink } from '../../kits/console/list-pages.tsx';
import { minute, number } from '../../kits/console/format.ts';
import type { EventRow } from '../tables.ts';

export interface AttendeeRow {
  id: string;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  postal_code: string | null;
  phone: string | null;
  status: 'accepted' | 'waitlisted' | 'cancelled';
  waitlist_position: number | null;
  attended: number;
  created_at: string;
}

export function AttendeesPage(props: {
  page: AdminPage;
  event: Pick<EventRow, 'id' | 'title'>;
  rows: AttendeeRow[];
  search: string;
  pageNumber: number;
  pages: number;
  matching: number;
  canCheckIn: boolean;
}): JSX.Element {
  const { page, event } = props;
  const link = (n: number) => searchLink(`/admin/events/${event.id}/attendees`, props.search, n);
  const back = link(props.pageNumber);
  return (
    <AdminLayout page={page} title={`Attendees: ${event.title}`}>
      <p>
        <a href={`/admin/events/${event.id}`}>Back to the event</a>
      </p>
      <h1 safe>{`Attendees: ${event.title}`}</h1>
      <PeopleList
        action={`/admin/events/${event.id}/attendees`}
        search={props.search}
        status={props.search ? `${number(props.matching)} matching “${props.search}”.` : `${number(props.matching)} ${props.matching === 1 ? 'RSVP' : 'RSVPs'}: going first, then the waitlist in order.`}
        rows={props.rows}
        columns={[
          ...personColumns<AttendeeRow>(),
          { label: 'Phone', text: (r) => r.phone ?? '' },
          { label: 'Status', text: (r) => (r.status === 'waitlisted' ? 'waitlist' : r.status === 'accepted' ? 'going' : 'cancelled') },
          { label: "RSVP'd (UTC)", text: (r) => minute(r.created_at) },
          {
            label: 'Checked in',
            cell: (r) =>
              props.canCheckIn && r.status !== 'cancelled' ? (
                <form method="post" action={`/admin/events/${event.id}/attendances/${r.id}/check-in`} class="inline">
                  <CsrfField token={page.csrf} />
                  <input type="hidden" name="attended" value={r.attended ? 'no' : 'yes'} />
                  <input type="hidden" name="back" value={back} />
                  <span>{r.attended ? 'yes ' : 'no '}</span>
                  <button type="submit" class="secondary" aria-label={`${r.attended ? 'Undo check-in of' : 'Check in'} ${fullName(r) || r.email || 'this person'}`}>
                    {r.attended ? 'Undo' : 'Check in'}
                  </button>
                </form>
              ) : (
                <span>{r.attended ? 'yes' : 'no'}</span>
              ),
          },
        ]}
        pager={{ label: 'Pages of attendees', page: props.pageNumber, pages: props.pages, link }}
      />
    </AdminLayout>
  );
}
