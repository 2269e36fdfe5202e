// An event's attendees in the console: the searchable, paged list with check-in. Moved out of
// pages.tsx, which re-exports it, to keep that file short.
import { AdminLayout, CsrfField, Pager, type AdminPage } from '../../kits/console/layout.tsx';
import type { EventRow } from '../tables.ts';

const number = (n: number) => n.toLocaleString('en-US');
const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');

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
  const link = (n: number) => {
    const q = new URLSearchParams();
    if (props.search) q.set('q', props.search);
    if (n > 1) q.set('page', String(n));
    const qs = q.toString();
    return `/admin/events/${event.id}/attendees${qs ? `?${qs}` : ''}`;
  };
  const name = (r: AttendeeRow) => [r.given_name, r.family_name].filter(Boolean).join(' ');
  const back = link(props.pageNumber);
  return (
    <AdminLayout page={page} title={`Attendees: ${event.title}`}>
      <p>
        <a href={`/admin/events/${event.id}`}>Back to the event</a>
      </p>
      <h1 safe>{`Attendees: ${event.title}`}</h1>
      <form method="get" action={`/admin/events/${event.id}/attendees`} class="inline">
        <label for="q">Search by name or email</label>
        <input type="text" id="q" name="q" value={props.search} />
        <button type="submit" class="secondary">
          Search
        </button>
      </form>
      <p role="status" safe>
        {props.search ? `${number(props.matching)} matching “${props.search}”.` : `${number(props.matching)} ${props.matching === 1 ? 'RSVP' : 'RSVPs'}: going first, then the waitlist in order.`}
      </p>
      {props.rows.length === 0 ? (
        ''
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">ZIP</th>
              <th scope="col">Phone</th>
              <th scope="col">Status</th>
              <th scope="col">RSVP'd (UTC)</th>
              <th scope="col">Checked in</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <td safe>{name(r)}</td>
                <td safe>{r.email ?? '(erased)'}</td>
                <td safe>{r.postal_code ?? ''}</td>
                <td safe>{r.phone ?? ''}</td>
                <td>{r.status === 'waitlisted' ? 'waitlist' : r.status === 'accepted' ? 'going' : 'cancelled'}</td>
                <td safe>{minute(r.created_at)}</td>
                <td>
                  {props.canCheckIn && r.status !== 'cancelled' ? (
                    <form method="post" action={`/admin/events/${event.id}/attendances/${r.id}/check-in`} class="inline">
                      <CsrfField token={page.csrf} />
                      <input type="hidden" name="attended" value={r.attended ? 'no' : 'yes'} />
                      <input type="hidden" name="back" value={back} />
                      <span>{r.attended ? 'yes ' : 'no '}</span>
                      <button type="submit" class="secondary" aria-label={`${r.attended ? 'Undo check-in of' : 'Check in'} ${name(r) || r.email || 'this person'}`}>
                        {r.attended ? 'Undo' : 'Check in'}
                      </button>
                    </form>
                  ) : (
                    <span>{r.attended ? 'yes' : 'no'}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Pages of attendees" page={props.pageNumber} pages={props.pages} link={link} />
    </AdminLayout>
  );
}
