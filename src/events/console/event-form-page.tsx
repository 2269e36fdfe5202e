// The event form (new and edit) of the console: its fields as typed, the time zones and reminder
// choices it offers. Moved out of pages.tsx, which re-exports it, to keep that file short.
import { Checkbox, Input, Radios, SlugInput, TextArea, TitleInput, type AdminPage } from '../../kits/console/layout.tsx';
import { FormPage } from '../../kits/console/page.tsx';
import type { EventRow } from '../tables.ts';
import { SpanishFields } from '../../kits/console/spanish-fields.tsx';
import { TimeZoneSelect } from '../../kits/console/time-zones.tsx';

/** What the event form holds, as typed: kept as it is when the form comes back with errors. */
export interface EventForm {
  title: string;
  slug: string;
  description: string;
  /** The Spanish versions ('' for none). */
  title_es: string;
  description_es: string;
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
  /** Whether the street address is on the public page, the map's link and the public calendar file. */
  address_public: boolean;
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

const number = (n: number) => n.toLocaleString('en-US');

/**
 * The event form. `into` puts a new event somewhere else than the events list (a week of action's
 * page): its own action, heading, way back and fields before the event's (the host).
 */
export function EventFormPage(props: {
  page: AdminPage;
  event?: Pick<EventRow, 'id' | 'title' | 'slug'>;
  form: EventForm;
  errors: EventFormErrors;
  into?: { action: string; heading: string; back: { href: string; label: string }; intro?: string; fields?: JSX.Element };
}): JSX.Element {
  const { page, event, form, errors, into } = props;
  const action = event ? `/admin/events/${event.id}/edit` : (into?.action ?? '/admin/events/new');
  const heading = event ? `Edit: ${event.title}` : (into?.heading ?? 'New event');
  const zoneError = errors.timezone;
  const reminderChoices = [...REMINDER_CHOICES, ...form.reminders.filter((m) => !REMINDER_CHOICES.some(([c]) => c === m)).map((m): [number, string] => [m, `${number(m)} minutes before`])];
  return (
    <FormPage
      page={page}
      heading={heading}
      back={event ? { href: `/admin/events/${event.id}`, label: 'Back to the event' } : (into?.back ?? { href: '/admin/events', label: 'Back to events' })}
      errors={errors}
      action={action}
      intro={[event ? <p class="hint">Attendees are emailed when you change the time or the place.</p> : '', into?.intro ? <p safe>{into.intro}</p> : '']}
    >
      {(into?.fields ?? '') as 'safe'}
      <TitleInput value={form.title} error={errors.title} />
      {event ? '' : <SlugInput value={form.slug} error={errors.slug} noun="event" base="/events" example="vigil-for-privacy" />}
      <TextArea name="description" label="Description (optional)" value={form.description} error={errors.description} hint="Shown on the public page, in Markdown." rows={5} />
      <SpanishFields
        fields={[
          { name: 'title_es', label: 'Title', value: form.title_es, error: errors.title_es },
          { name: 'description_es', label: 'Description', value: form.description_es, error: errors.description_es, rows: 5 },
        ]}
      />
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
      <TimeZoneSelect name="timezone" label="Time zone" value={form.timezone} error={zoneError} hint="Where the event happens: its times are shown to everyone on this clock." />
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
      <Input name="address_line1" label="Street address (in person)" value={form.address_line1} error={errors.address_line1} autocomplete="address-line1" hint="Sent only to people who RSVP unless you make it public below; the public page shows the venue, city, state and ZIP." />
      <Input name="address_line2" label="Address line 2 (optional)" value={form.address_line2} autocomplete="address-line2" />
      <Input name="locality" label="City" value={form.locality} error={errors.locality} autocomplete="address-level2" />
      <Input name="region" label="State" value={form.region} error={errors.region} autocomplete="address-level1" hint="Two letters, like IL." />
      <Input name="postal_code" label="ZIP code" value={form.postal_code} error={errors.postal_code} autocomplete="postal-code" />
      <Input name="country" label="Country" value={form.country} error={errors.country} hint="Two letters, like US, CA or DE. Distance search and the map place events in the US and Canada (the map: the US); elsewhere the event is listed without them." />
      <Checkbox name="address_public" label="Show the street address on the public page (a public place, like a park or a library)" checked={form.address_public} />
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
    </FormPage>
  );
}
