// The console's event form as data: what the organizer typed, the event's fields as the form
// holds them, and checkEvent's messages on the form's fields, in English. Shared by the events'
// console and the event campaigns' (adding an event to a campaign, importing events from CSV).
import { translator, type MessageKey } from '../../i18n/index.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import type { EventRow } from '../tables.ts';
import { inputOf, type EventInput, DEFAULT_REMINDERS } from '../fields.ts';
import type { EventForm, EventFormErrors } from './event-form-page.tsx';

type Body = Record<string, unknown>;

const en = translator('en');

export function text(body: Body | undefined, name: string): string {
  const value = body?.[name];
  return typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
}

/** The event form as the organizer typed it. */
export function readEventForm(body: Body | undefined): EventForm {
  const ticked = body?.reminders;
  const reminders = (Array.isArray(ticked) ? ticked : ticked === undefined ? [] : [ticked])
    .filter((v): v is string => typeof v === 'string' && /^\d{1,6}$/.test(v))
    .map(Number);
  return {
    title: text(body, 'title'),
    slug: text(body, 'slug').toLowerCase(),
    description: text(body, 'description'),
    title_es: text(body, 'title_es'),
    description_es: text(body, 'description_es'),
    instructions: text(body, 'instructions'),
    start_date: text(body, 'start_date'),
    start_time: text(body, 'start_time'),
    end_date: text(body, 'end_date'),
    end_time: text(body, 'end_time'),
    timezone: text(body, 'timezone'),
    capacity: text(body, 'capacity'),
    location_type: text(body, 'location_type'),
    join_url: text(body, 'join_url'),
    venue: text(body, 'venue'),
    address_line1: text(body, 'address_line1'),
    address_line2: text(body, 'address_line2'),
    address_public: text(body, 'address_public') === 'yes',
    locality: text(body, 'locality'),
    region: text(body, 'region'),
    postal_code: text(body, 'postal_code'),
    country: text(body, 'country').toUpperCase(),
    visibility: text(body, 'visibility'),
    reminders,
  };
}

export function eventFormOf(event: EventRow): EventForm {
  const i = inputOf(event);
  return {
    title: i.title,
    slug: event.slug,
    description: i.description,
    instructions: i.instructions,
    start_date: i.startDate,
    start_time: i.startTime,
    end_date: i.endDate,
    end_time: i.endTime,
    timezone: i.timezone,
    capacity: i.capacity === null ? '' : String(i.capacity),
    location_type: i.online ? 'online' : 'in_person',
    join_url: i.joinUrl,
    venue: i.venue,
    address_line1: i.addressLines[0] ?? '',
    address_line2: i.addressLines.slice(1).join(', '),
    address_public: i.addressPublic === true,
    locality: i.locality,
    region: i.region,
    postal_code: i.postalCode,
    country: i.country,
    visibility: i.visibility,
    reminders: i.reminders,
    title_es: i.titleEs ?? '',
    description_es: i.descriptionEs ?? '',
  };
}

export const blankForm = (): EventForm => ({
  ...readEventForm({}),
  timezone: 'America/Chicago',
  start_time: '18:00',
  end_time: '20:00',
  location_type: 'in_person',
  country: 'US',
  visibility: 'public',
  reminders: [...DEFAULT_REMINDERS],
});

export function inputFrom(form: EventForm, current?: EventRow): EventInput {
  return {
    title: form.title,
    description: form.description,
    instructions: form.instructions,
    startDate: form.start_date,
    startTime: form.start_time,
    endDate: form.end_date,
    endTime: form.end_time,
    timezone: form.timezone,
    capacity: form.capacity,
    online: form.location_type === 'online' ? true : form.location_type === 'in_person' ? false : null,
    joinUrl: form.join_url,
    venue: form.venue,
    addressLines: [form.address_line1, form.address_line2],
    addressPublic: form.address_public,
    locality: form.locality,
    region: form.region,
    postalCode: form.postal_code,
    country: form.country,
    // The form has no map: coordinates set through the API stay while the place does.
    latitude: current?.latitude ?? null,
    longitude: current?.longitude ?? null,
    visibility: form.visibility,
    reminders: form.reminders,
    titleEs: form.title_es,
    descriptionEs: form.description_es,
  };
}

// Where each of checkEvent's fields is on the form.
const FORM_FIELD: Record<string, keyof EventForm> = { address_lines: 'address_line1', coordinates: 'address_line1' };

/** The service's message keys in English, on the form's fields, in the order of the page. */
export function formErrors(errors: FieldErrors): EventFormErrors {
  const out: EventFormErrors = {};
  for (const [field, error] of Object.entries(errors)) {
    if (!error) continue;
    const values = { ...error.values };
    if (typeof values.field === 'string') values.field = en(values.field as MessageKey);
    const message = en(error.key, values);
    out[FORM_FIELD[field] ?? (field as keyof EventForm)] = message.charAt(0).toUpperCase() + message.slice(1);
  }
  const order = Object.keys(blankForm()) as (keyof EventForm)[];
  return Object.fromEntries(order.filter((f) => out[f]).map((f) => [f, out[f]])) as EventFormErrors;
}

