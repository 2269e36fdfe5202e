import { AdminLayout, CsrfField, ErrorSummary, Input, Pager, TextArea, type AdminPage } from '../../kits/console/layout.tsx';
import type { EventRow } from '../../db/schema.ts';
import { eventWhen, placeLines } from '../format.ts';

/** What the event form holds, as typed: kept as it is when the form comes back with errors. */
export interface EventForm {
  title: string;
  slug: string;
  description: string;
  instructions: string;
  start_date: string;
  start_time: string;
  end_date: string;
  end_time: string;
  timezone: string;
  capacity: string;
  location_type: string;
  join_url: string;
  venue: string;
  address_line1: string;
  address_line2: string;
  locality: string;
  region: string;
  postal_code: string;
  country: string;
  visibility: string;
  reminders: number[];
}

export type EventFormErrors = Partial<Record<keyof EventForm, string>>;

/** Reminder offsets offered as boxes; others set through the API stay listed and ticked. */
export const REMINDER_CHOICES: [number, string][] = [
  [10080, 'A week before'],
  [2880, 'Two days before'],
  [1440, 'A day before'],
  [180, 'Three hours before'],
  [60, 'An hour before'],
];

/** US zones first, as organizers here mostly need them; every other zone follows. */
const US_ZONES: [string, string][] = [
  ['America/New_York', 'Eastern (New York)'],
  ['America/Chicago', 'Central (Chicago)'],
  ['America/Denver', 'Mountain (Denver)'],
  ['America/Phoenix', 'Arizona (Phoenix)'],
  ['America/Los_Angeles', 'Pacific (Los Angeles)'],
  ['America/Anchorage', 'Alaska (Anchorage)'],
  ['Pacific/Honolulu', 'Hawaii (Honolulu)'],
  ['America/Puerto_Rico', 'Atlantic (Puerto Rico)'],
];
let otherZones: string[] | undefined;
const allZones = () => (otherZones ??= Intl.supportedValuesOf('timeZone').filter((z) => !US_ZONES.some(([u]) => u === z)));

const STATUS_TEXT: Record<EventRow['status'], string> = { pending: 'awaiting approval', confirmed: 'confirmed', rejected: 'rejected', cancelled: 'cancelled' };
const number = (n: number) => n.toLocaleString('en-US');
const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');

type ListedEvent = Pick<EventRow, 'id' | 'title' | 'start_at' | 'end_at' | 'timezone' | 'status' | 'visibility' | 'capacity' | 'accepted_count' | 'waitlist_count' | 'attended_count'>;

export function EventsListPage(props: { page: AdminPage; events: ListedEvent[]; canCreate: boolean }): JSX.Element {
  return (
    <AdminLayout page={props.page} title="Events">
      <h1>Events</h1>
      {props.canCreate ? (
        <p>
          <a href="/admin/events/new">New event</a>
        </p>
      ) : (
        ''
      )}
      {props.events.length === 0 ? (
        <p>No events yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">When (its own time zone)</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Going
              </th>
              <th scope="col" class="num">
                Waitlist
              </th>
              <th scope="col" class="num">
                Checked in
              </th>
            </tr>
          </thead>
          <tbody>
            {props.events.map((e) => (
              <tr>
                <th scope="row">
                  <a href={`/admin/events/${e.id}`} safe>
                    {e.title}
                  </a>
                </th>
                <td safe>{eventWhen(e, 'en')}</td>
                <td safe>{`${STATUS_TEXT[e.status]}${e.visibility === 'unlisted' ? ', unlisted' : ''}`}</td>
                <td class="num" safe>
                  {e.capacity === null ? number(e.accepted_count) : `${number(e.accepted_count)} of ${number(e.capacity)}`}
                </td>
                <td class="num" safe>
                  {number(e.waitlist_count)}
                </td>
                <td class="num" safe>
                  {number(e.attended_count)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminLayout>
  );
}

function Radios(props: { name: keyof EventForm; legend: string; value: string; error?: string; options: [string, string][] }): JSX.Element {
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <fieldset aria-describedby={props.error ? `${props.name}-error` : undefined}>
        <legend safe>{props.legend}</legend>
        {props.error ? (
          <span class="error-message" id={`${props.name}-error`} safe>
            {props.error}
          </span>
        ) : (
          ''
        )}
        {props.options.map(([value, label], i) => (
          <div class="checkbox">
            <input type="radio" id={i === 0 ? props.name : `${props.name}-${value}`} name={props.name} value={value} checked={props.value === value} />
            <label for={i === 0 ? props.name : `${props.name}-${value}`} safe>
              {label}
            </label>
          </div>
        ))}
      </fieldset>
    </div>
  );
}

export function EventFormPage(props: { page: AdminPage; event?: Pick<EventRow, 'id' | 'title' | 'slug'>; form: EventForm; errors: EventFormErrors }): JSX.Element {
  const { page, event, form, errors } = props;
  const action = event ? `/admin/events/${event.id}/edit` : '/admin/events/new';
  const heading = event ? `Edit: ${event.title}` : 'New event';
  const wrong = Object.values(errors).some(Boolean);
  const zoneError = errors.timezone;
  const reminderChoices = [...REMINDER_CHOICES, ...form.reminders.filter((m) => !REMINDER_CHOICES.some(([c]) => c === m)).map((m): [number, string] => [m, `${number(m)} minutes before`])];
  return (
    <AdminLayout page={page} title={wrong ? `Error: ${heading}` : heading}>
      <p>{event ? <a href={`/admin/events/${event.id}`}>Back to the event</a> : <a href="/admin/events">Back to events</a>}</p>
      <h1 safe>{heading}</h1>
      {event ? <p class="hint">Attendees are emailed when you change the time or the place.</p> : ''}
      <ErrorSummary errors={errors} />
      <form method="post" action={action} novalidate>
        <CsrfField token={page.csrf} />
        <Input name="title" label="Title" value={form.title} error={errors.title} hint="Up to 200 characters, shown as the page's heading." required />
        {event ? (
          ''
        ) : (
          <Input
            name="slug"
            label="Web address (optional)"
            value={form.slug}
            error={errors.slug}
            hint="The end of the event's address, like vigil-for-privacy in /events/vigil-for-privacy. Leave it empty to make one from the title."
          />
        )}
        <TextArea name="description" label="Description (optional)" value={form.description} error={errors.description} hint="Shown on the public page, in Markdown." rows={5} />
        <TextArea
          name="instructions"
          label="Instructions for attendees (optional)"
          value={form.instructions}
          error={errors.instructions}
          hint="Sent with the address to people who RSVP, never shown on the public page: which door, what to bring."
          rows={4}
        />
        <Input name="start_date" label="Start date" type="date" value={form.start_date} error={errors.start_date} hint="Like 2026-03-14." required />
        <Input name="start_time" label="Start time" type="time" value={form.start_time} error={errors.start_time} hint="On the clock of the event's time zone, like 18:00." required />
        <Input name="end_date" label="End date" type="date" value={form.end_date} error={errors.end_date} required />
        <Input name="end_time" label="End time" type="time" value={form.end_time} error={errors.end_time} required />
        <div class={zoneError ? 'field has-error' : 'field'}>
          <label for="timezone">Time zone</label>
          <span class="hint" id="timezone-hint">
            Where the event happens: its times are shown to everyone on this clock.
          </span>
          {zoneError ? (
            <span class="error-message" id="timezone-error" safe>
              {zoneError}
            </span>
          ) : (
            ''
          )}
          <select id="timezone" name="timezone" aria-describedby={zoneError ? 'timezone-hint timezone-error' : 'timezone-hint'}>
            <optgroup label="United States">
              {US_ZONES.map(([zone, label]) => (
                <option value={zone} selected={form.timezone === zone} safe>
                  {label}
                </option>
              ))}
            </optgroup>
            <optgroup label="Everywhere">
              {allZones().map((zone) => (
                <option value={zone} selected={form.timezone === zone} safe>
                  {zone}
                </option>
              ))}
            </optgroup>
          </select>
        </div>
        <Input name="capacity" label="Capacity (optional)" value={form.capacity} error={errors.capacity} inputmode="numeric" hint="How many people can come. Leave it empty for no limit; once full, RSVPs join a waitlist." />
        <Radios
          name="location_type"
          legend="Where"
          value={form.location_type}
          error={errors.location_type}
          options={[
            ['in_person', 'In person'],
            ['online', 'Online'],
          ]}
        />
        <Input name="join_url" label="Link to join (online events)" type="url" value={form.join_url} error={errors.join_url} hint="Sent only to people who RSVP, never shown on the public page." />
        <Input name="venue" label="Venue (in person, optional)" value={form.venue} error={errors.venue} hint="A building or a room, like Harold Washington Library." />
        <Input name="address_line1" label="Street address (in person)" value={form.address_line1} error={errors.address_line1} autocomplete="address-line1" hint="Sent only to people who RSVP; the public page shows the city, state and ZIP." />
        <Input name="address_line2" label="Address line 2 (optional)" value={form.address_line2} autocomplete="address-line2" />
        <Input name="locality" label="City" value={form.locality} error={errors.locality} autocomplete="address-level2" />
        <Input name="region" label="State" value={form.region} error={errors.region} autocomplete="address-level1" hint="Two letters, like IL." />
        <Input name="postal_code" label="ZIP code" value={form.postal_code} error={errors.postal_code} autocomplete="postal-code" />
        <Input name="country" label="Country" value={form.country} error={errors.country} hint="Two letters, like US." />
        <Radios
          name="visibility"
          legend="Who can find it"
          value={form.visibility}
          error={errors.visibility}
          options={[
            ['public', 'Public: listed on this site'],
            ['unlisted', 'Unlisted: only people with the link'],
          ]}
        />
        <div class={errors.reminders ? 'field has-error' : 'field'}>
          <fieldset aria-describedby={errors.reminders ? 'reminders-error' : undefined}>
            <legend>Email reminders to attendees</legend>
            {errors.reminders ? (
              <span class="error-message" id="reminders-error" safe>
                {errors.reminders}
              </span>
            ) : (
              ''
            )}
            {reminderChoices.map(([minutes, label], i) => (
              <div class="checkbox">
                <input type="checkbox" id={i === 0 ? 'reminders' : `reminders-${minutes}`} name="reminders" value={String(minutes)} checked={form.reminders.includes(minutes)} />
                <label for={i === 0 ? 'reminders' : `reminders-${minutes}`} safe>
                  {label}
                </label>
              </div>
            ))}
          </fieldset>
        </div>
        <button type="submit">Save event</button>
      </form>
    </AdminLayout>
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
    <AdminLayout page={page} title={e.title}>
      <p>
        <a href="/admin/events">Back to events</a>
      </p>
      <h1 safe>{e.title}</h1>
      <dl class="facts">
        <dt>Status</dt>
        <dd safe>{`${STATUS_TEXT[e.status]}${e.visibility === 'unlisted' ? ', unlisted (reachable only by its link)' : ', public'}`}</dd>
        <dt>When</dt>
        <dd safe>{eventWhen(e, 'en')}</dd>
        <dt>Where</dt>
        {e.online ? (
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
        )}
        <dt>Going</dt>
        <dd id="going" safe>
          {e.capacity === null ? `${number(e.accepted_count)} (no limit)` : `${number(e.accepted_count)} of ${number(e.capacity)}`}
        </dd>
        <dt>Waitlist</dt>
        <dd id="waitlist" safe>
          {number(e.waitlist_count)}
        </dd>
        <dt>Checked in</dt>
        <dd id="attended" safe>
          {number(e.attended_count)}
        </dd>
        <dt>Public page</dt>
        <dd>
          <a href={publicPath} safe>
            {publicPath}
          </a>
        </dd>
      </dl>
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
    </AdminLayout>
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

export function EventNotFoundPage(props: { page: AdminPage }): JSX.Element {
  return (
    <AdminLayout page={props.page} title="Event not found">
      <h1>Event not found</h1>
      <p>
        There is no such event in this organization. <a href="/admin/events">Go to the list of events</a>.
      </p>
    </AdminLayout>
  );
}
