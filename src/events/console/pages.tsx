import { AdminLayout, CsrfField, type AdminPage } from '../../kits/console/layout.tsx';
import { ActionPage, Fact } from '../../kits/console/page.tsx';
import { ListPage, NotFoundPage } from '../../kits/console/list-pages.tsx';
import { number } from '../../kits/console/format.ts';
import type { EventRow } from '../tables.ts';
import { eventWhen, placeLines } from '../format.ts';

// The event form and the attendees list live in their own files; the routes import them from here.
export { EventFormPage, REMINDER_CHOICES, type EventForm, type EventFormErrors } from './event-form-page.tsx';
export { AttendeesPage, type AttendeeRow } from './attendees-page.tsx';

const STATUS_TEXT: Record<EventRow['status'], string> = { pending: 'awaiting approval', confirmed: 'confirmed', rejected: 'rejected', cancelled: 'cancelled' };

/** ", public", ", public once approved", ", unlisted (…)": what a visitor can reach, as the status allows. */
function statusVisibility(e: Pick<EventRow, 'status' | 'visibility'>): string {
  if (e.status === 'rejected') return ', not published';
  const seen = e.visibility === 'unlisted' ? 'unlisted (reachable only by its link)' : 'public';
  return e.status === 'pending' ? `, ${seen} once approved` : `, ${seen}`;
}

/** "12 going of 40", "2 going, 1 over the capacity of 1" (capacity lowered below those going), "3 going (no limit)". */
function goingText(e: Pick<EventRow, 'accepted_count' | 'capacity'>): string {
  if (e.capacity === null) return `${number(e.accepted_count)} (no limit)`;
  const over = e.accepted_count - e.capacity;
  if (over > 0) return `${number(e.accepted_count)} going, ${number(over)} over the capacity of ${number(e.capacity)}`;
  return `${number(e.accepted_count)} of ${number(e.capacity)}`;
}

/** The "Going" column of the list and the dashboard: "12 of 40", "2, 1 over the capacity of 1" (never "2 of 1"), "3" with no limit. */
export function goingCell(e: Pick<EventRow, 'accepted_count' | 'capacity'>): string {
  if (e.capacity === null) return number(e.accepted_count);
  const over = e.accepted_count - e.capacity;
  if (over > 0) return `${number(e.accepted_count)}, ${number(over)} over the capacity of ${number(e.capacity)}`;
  return `${number(e.accepted_count)} of ${number(e.capacity)}`;
}

type ListedEvent = Pick<EventRow, 'id' | 'title' | 'start_at' | 'end_at' | 'timezone' | 'status' | 'visibility' | 'capacity' | 'accepted_count' | 'waitlist_count' | 'attended_count'>;

export function EventsListPage(props: { page: AdminPage; events: ListedEvent[]; canCreate: boolean }): JSX.Element {
  return (
    <ListPage
      page={props.page}
      title="Events"
      create={props.canCreate ? { href: '/admin/events/new', label: 'New event' } : undefined}
      empty="No events yet."
      rows={props.events}
      columns={[
        { label: 'Event', head: true, text: (e) => e.title, href: (e) => `/admin/events/${e.id}` },
        { label: 'When (its own time zone)', text: (e) => eventWhen(e, 'en') },
        { label: 'Status', text: (e) => `${STATUS_TEXT[e.status]}${e.visibility === 'unlisted' ? ', unlisted' : ''}` },
        { label: 'Going', num: true, text: goingCell },
        { label: 'Waitlist', num: true, text: (e) => number(e.waitlist_count) },
        { label: 'Checked in', num: true, text: (e) => number(e.attended_count) },
      ]}
    />
  );
}

export function EventDetailPage(props: {
  page: AdminPage;
  event: EventRow;
  can: { manage: boolean; export: boolean; seePeople: boolean };
}): JSX.Element {
  const { page, event: e, can } = props;
  const publicPath = `/events/${e.slug}`;
  const open = e.status !== 'cancelled';
  return (
    <ActionPage
      page={page}
      title={e.title}
      back={{ href: '/admin/events', label: 'Back to events' }}
      facts={[
        <Fact label="Status" value={`${STATUS_TEXT[e.status]}${statusVisibility(e)}`} />,
        <Fact label="When" value={eventWhen(e, 'en')} />,
        <dt>Where</dt>,
        e.online ? (
          <dd>
            <span>Online: </span>
            <span safe>{e.join_url ?? ''}</span>
          </dd>
        ) : (
          <dd class="address">
            {placeLines(e).map((line) => (
              <>
                <span safe>{line}</span>
                <br />
              </>
            ))}
          </dd>
        ),
        <Fact label="Going" id="going" value={goingText(e)} />,
        <Fact label="Waitlist" id="waitlist" value={number(e.waitlist_count)} />,
        <Fact label="Checked in" id="attended" value={number(e.attended_count)} />,
        // A pending or rejected event has no public page yet (its link is a 404): its address is shown, not linked.
        e.status === 'pending' || e.status === 'rejected' ? (
          <Fact label="Public page" value={`${publicPath} (${e.status === 'pending' ? 'once approved' : 'not published'})`} />
        ) : (
          <Fact label="Public page" link={publicPath} />
        ),
      ]}
    >
      {can.manage && open ? (
        <div class="actions">
          <p>
            <a href={`/admin/events/${e.id}/edit`}>Edit the event</a>{' '}
            <a href={`/admin/events/${e.id}/partners`}>Partners</a>
          </p>
          <form method="post" action={`/admin/events/${e.id}/capacity`} class="inline">
            <CsrfField token={page.csrf} />
            <label for="capacity">Capacity</label>
            <input type="text" id="capacity" name="capacity" inputmode="numeric" value={e.capacity === null ? '' : String(e.capacity)} aria-describedby="capacity-hint" />
            <span class="hint" id="capacity-hint">
              Empty for no limit. A larger capacity gives places to the waitlist at once.
            </span>
            <button type="submit" class="secondary">
              Change capacity
            </button>
          </form>
          <form method="post" action={`/admin/events/${e.id}/challenge`}>
            <CsrfField token={page.csrf} />
            <fieldset>
              <legend>Proof-of-work challenge on the RSVP form</legend>
              {(
                [
                  ['off', 'Off: never'],
                  ['automatic', 'Automatic: on while RSVPs look automated'],
                  ['always', 'Always on (without JavaScript, 3 RSVPs per connection every 10 minutes)'],
                ] as const
              ).map(([mode, label]) => (
                <div class="field">
                  <input type="radio" id={`challenge-${mode}`} name="challenge" value={mode} checked={e.challenge === mode} />{' '}
                  <label for={`challenge-${mode}`}>{label}</label>
                </div>
              ))}
            </fieldset>
            <button type="submit" class="secondary">
              Save the challenge setting
            </button>
          </form>
          <p>
            <a href={`/admin/events/${e.id}/cancel`}>Cancel the event</a>
          </p>
        </div>
      ) : (
        ''
      )}
      {can.seePeople ? (
        <p>
          <a href={`/admin/events/${e.id}/attendees`}>Attendees and check-in</a>
        </p>
      ) : (
        ''
      )}
      {can.export ? (
        <p>
          <a href={`/admin/events/${e.id}/attendees.csv`}>Download the attendees (CSV)</a>
        </p>
      ) : (
        ''
      )}
    </ActionPage>
  );
}

export function CancelEventPage(props: { page: AdminPage; event: EventRow }): JSX.Element {
  const { page, event: e } = props;
  const people = e.accepted_count + e.waitlist_count;
  return (
    <AdminLayout page={page} title={`Cancel: ${e.title}`}>
      <p>
        <a href={`/admin/events/${e.id}`}>Back to the event</a>
      </p>
      <h1 safe>{`Cancel “${e.title}”?`}</h1>
      <p safe>{`Everyone who RSVP'd (${number(people)} ${people === 1 ? 'person' : 'people'}, with the waitlist) is emailed that it is cancelled, no reminder is sent, and the page stops taking RSVPs. This cannot be undone.`}</p>
      <form method="post" action={`/admin/events/${e.id}/cancel`}>
        <CsrfField token={page.csrf} />
        <button type="submit" class="danger">
          Cancel the event and email everyone
        </button>
      </form>
    </AdminLayout>
  );
}

export function EventNotFoundPage(props: { page: AdminPage }): JSX.Element {
  return NotFoundPage({
    page: props.page,
    title: 'Event not found',
    body: 'There is no such event in this organization.',
    back: { href: '/admin/events', label: 'Go to the list of events' },
  });
}
