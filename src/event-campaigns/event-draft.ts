import type { MessageKey } from '../i18n/index.ts';
import './messages.ts';
import type { EventRow } from '../events/index.ts';
import { hasVisibleText, isCleanText, isValidEmail, normalizeEmail } from '../actions/people/normalize.ts';
import type { FieldErrors } from '../actions/people/validate.ts';
import { checkEvent, inputOf, type EventColumns, type EventInput, DEFAULT_REMINDERS } from '../events/index.ts';
import { canadianShape, lookupPostal, lookupZip, zipShape } from './places.ts';

/** US time zones a host can choose, west to east; the label key names each in the page's language. */
export const TIMEZONES: [string, MessageKey][] = [
  ['Pacific/Honolulu', 'tz.hawaii'],
  ['America/Anchorage', 'tz.alaska'],
  ['America/Los_Angeles', 'tz.pacific'],
  ['America/Phoenix', 'tz.arizona'],
  ['America/Denver', 'tz.mountain'],
  ['America/Chicago', 'tz.central'],
  ['America/New_York', 'tz.eastern'],
  ['America/Puerto_Rico', 'tz.atlantic'],
];

/** Zones outside the US a host can choose (Canada first), named by their IANA name. */
export const OTHER_TIMEZONES = [
  'America/St_Johns', 'America/Halifax', 'America/Toronto', 'America/Winnipeg', 'America/Regina', 'America/Edmonton', 'America/Vancouver',
  'America/Mexico_City', 'America/Bogota', 'America/Sao_Paulo', 'Europe/London', 'Europe/Dublin', 'Europe/Lisbon', 'Europe/Madrid',
  'Europe/Paris', 'Europe/Berlin', 'Europe/Rome', 'Europe/Warsaw', 'Europe/Athens', 'Africa/Lagos', 'Africa/Nairobi', 'Asia/Kolkata',
  'Asia/Manila', 'Asia/Tokyo', 'Australia/Sydney', 'Pacific/Auckland', 'UTC',
] as const;

export const HOST_NAME_MAX = 100;

/**
 * The fields of the host's event form, named as the events service names its errors, so each
 * message lands next to its field. One day: an event of the host form starts and ends on the
 * same date.
 */
export const EVENT_FORM_FIELDS = ['title', 'description', 'start_date', 'start_time', 'end_time', 'timezone', 'location_type', 'venue', 'address_lines', 'locality', 'region', 'postal_code', 'country', 'join_url', 'capacity'] as const;
export type EventFormValues = Partial<Record<(typeof EVENT_FORM_FIELDS)[number], string>>;

const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 25_000) : '');

/** The form's values for an existing event, on the event's own clock. */
export function valuesOf(event: EventRow): EventFormValues {
  const input = inputOf(event);
  return {
    title: input.title,
    description: input.description,
    start_date: input.startDate,
    start_time: input.startTime,
    end_time: input.endTime,
    timezone: input.timezone,
    location_type: input.online ? 'online' : 'in_person',
    venue: input.venue,
    address_lines: input.addressLines.join(', '),
    locality: input.locality,
    region: input.country === 'US' ? '' : input.region,
    postal_code: input.postalCode,
    country: input.country,
    join_url: input.joinUrl,
    capacity: input.capacity === null ? '' : String(input.capacity),
  };
}

/**
 * Checks an event as a host typed it, by the events service's own rules (checkEvent), plus
 * what the public form adds: the event must start in the future, and an event in person needs
 * a postal code. In the US it must be a ZIP that exists, which gives its state, its city when
 * none was typed, and its place on the map; in Canada a postal code the offline table knows,
 * which gives the province and the place; elsewhere the postal code as the country writes it and
 * the city typed, with no place for distance search (the event is still listed). `base` is the
 * event being changed (fields the form does not show keep their value).
 */
export function checkHostEvent(body: Record<string, unknown>, now: string, base?: EventRow): { columns?: EventColumns; values: EventFormValues; errors: FieldErrors } {
  const values: EventFormValues = {};
  for (const f of EVENT_FORM_FIELDS) values[f] = str(body[f]);
  const where = values.location_type;
  const online = where === 'online' ? true : where === 'in_person' ? false : null;
  const zipErrors: FieldErrors = {};
  const country = (values.country || 'US').trim().toUpperCase();
  let place: ReturnType<typeof lookupZip> = null;
  if (online === false) {
    const raw = values.postal_code!.trim();
    if (country === 'US') {
      const five = zipShape(raw);
      if (!raw) zipErrors.postal_code = { key: 'event_form.error.required', values: { field: 'event_form.noun.zip' } };
      else if (!five) zipErrors.postal_code = { key: 'search.error.zip_format' };
      else if (!(place = lookupZip(five))) zipErrors.postal_code = { key: 'search.error.zip_unknown', values: { zip: five } };
    } else if (country === 'CA') {
      const code = canadianShape(raw);
      if (!raw) zipErrors.postal_code = { key: 'event_form.error.required', values: { field: 'event_form.noun.postal_code' } };
      else if (!code) zipErrors.postal_code = { key: 'event_form.error.postal_ca' };
      else if (!(place = lookupPostal(code, 'CA'))) zipErrors.postal_code = { key: 'search.error.zip_unknown', values: { zip: code } };
    } else if (!raw) zipErrors.postal_code = { key: 'event_form.error.required', values: { field: 'event_form.noun.postal_code' } };
  }
  const kept = base ? inputOf(base) : null;
  const input: EventInput = {
    title: values.title!,
    description: values.description!,
    instructions: kept?.instructions ?? '',
    startDate: values.start_date!,
    startTime: values.start_time!,
    endDate: values.start_date!,
    endTime: values.end_time!,
    timezone: values.timezone!,
    capacity: values.capacity!,
    online,
    joinUrl: values.join_url!,
    venue: values.venue!,
    addressLines: values.address_lines ? [values.address_lines] : [],
    // Only a US city from the table is trusted: Canadian areas are named by their neighbourhoods.
    locality: values.locality!.trim() || (place && country === 'US' ? titleCase(place.city) : ''),
    region: place?.state ?? (country === 'US' ? '' : values.region!),
    postalCode: place?.zip ?? values.postal_code!,
    country,
    latitude: place?.latitude ?? null,
    longitude: place?.longitude ?? null,
    visibility: kept?.visibility ?? 'public',
    reminders: kept?.reminders ?? DEFAULT_REMINDERS,
  };
  const checked = checkEvent(input);
  const errors: FieldErrors = { ...checked.errors };
  // One date on this form: the end date's problem is the start date's.
  if (errors.end_date && !errors.start_date) errors.start_date = errors.end_date;
  delete errors.end_date;
  // In the US and Canada the state comes from the postal code: a postal code problem is the one to explain.
  if (country === 'US' || country === 'CA') delete errors.region;
  if (errors.locality && country !== 'US') errors.locality = { key: 'event_form.error.required', values: { field: 'event_form.noun.locality' } };
  if (zipErrors.postal_code) errors.postal_code = zipErrors.postal_code;
  if (checked.columns && !errors.start_date && checked.columns.start_at <= now) errors.start_date = { key: 'event_form.error.past' };
  if (Object.keys(errors).length > 0) return { values, errors };
  return { columns: checked.columns, values, errors };
}

/** The host's name and email from the public host form. */
export function parseHost(body: Record<string, unknown>): { name: string; email: string; values: { host_name: string; host_email: string }; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const nameRaw = str(body.host_name).trim();
  const emailRaw = str(body.host_email).trim();
  if (!nameRaw) errors.host_name = { key: 'form.error.required', values: { field: 'event_form.noun.host_name' } };
  else if (!isCleanText(nameRaw)) errors.host_name = { key: 'form.error.invalid_text', values: { field: 'event_form.noun.host_name' } };
  else if (!hasVisibleText(nameRaw)) errors.host_name = { key: 'form.error.invisible', values: { field: 'event_form.noun.host_name' } };
  else if (nameRaw.length > HOST_NAME_MAX) errors.host_name = { key: 'form.error.too_long', values: { field: 'event_form.noun.host_name', max: HOST_NAME_MAX } };
  const email = normalizeEmail(emailRaw);
  if (!emailRaw) errors.host_email = { key: 'form.error.required', values: { field: 'field.email' } };
  else if (!isValidEmail(email)) errors.host_email = { key: 'form.error.email' };
  return { name: nameRaw, email, values: { host_name: str(body.host_name).slice(0, 500), host_email: str(body.host_email).slice(0, 500) }, errors };
}

// The ZIP table spells some cities in capitals: shown as "Chicago".
function titleCase(city: string): string {
  return city.toLowerCase().replace(/(^|[\s-])\p{L}/gu, (m) => m.toUpperCase());
}
