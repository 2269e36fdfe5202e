// What an event is made of, and the rules for its fields: the limits, the wall-clock times
// in the event's own time zone (stored as UTC instants), and the checks the console, the API
// and the host form share before createEvent/updateEvent (service.ts) write anything.
import { DateTime, IANAZone } from 'luxon';
import './messages.ts';
import type { FieldErrors } from '../actions/people/validate.ts';
import { isCleanText, isCountryCode, normalizePostalCode } from '../actions/people/normalize.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { EventRow } from './tables.ts';

export const DEFAULT_REMINDERS = [1440, 180];

export function reminderMinutes(event: Pick<EventRow, 'reminders'>): number[] {
  try {
    const v: unknown = JSON.parse(event.reminders);
    return Array.isArray(v) ? v.filter((m): m is number => Number.isInteger(m) && m > 0 && m <= 60 * 24 * 28) : [];
  } catch {
    return [];
  }
}

/** Bounds on an event's fields, the same for the console and the API. */
export const EVENT_FIELD_LIMITS = {
  title: 200,
  text: 20_000,
  line: 200,
  locality: 100,
  addressLines: 3,
  joinUrl: 2000,
  capacity: 1_000_000,
  reminders: 5,
  reminderMinutes: 60 * 24 * 28,
  slug: 60,
} as const;

/** An event as typed into the console or sent to the API, before it is checked. */
export interface EventInput {
  title: string;
  description: string;
  instructions: string;
  /** Wall-clock day and time (`2026-03-14`, `18:00`) in `timezone`. */
  startDate: string;
  startTime: string;
  endDate: string;
  endTime: string;
  timezone: string;
  /** '' or null for no limit. */
  capacity: string | number | null;
  online: boolean | null;
  joinUrl: string;
  venue: string;
  addressLines: string[];
  /** Whether the street address is shown to everyone (OSDI `location.public`); false when absent. */
  addressPublic?: boolean;
  locality: string;
  region: string;
  postalCode: string;
  country: string;
  latitude?: number | null;
  longitude?: number | null;
  visibility: string;
  /** Minutes before the start. */
  reminders: number[];
  /** The Spanish versions of the title and description ('' or null for none); absent keeps the stored ones. */
  titleEs?: string | null;
  descriptionEs?: string | null;
}

/** The columns of an event that its organizer describes (counts, status and ids are not here). */
export interface EventColumns {
  title: string;
  description: string;
  instructions: string;
  start_at: string;
  end_at: string;
  timezone: string;
  capacity: number | null;
  online: number;
  join_url: string | null;
  venue: string | null;
  address_lines: string;
  address_public: number;
  locality: string | null;
  region: string | null;
  postal_code: string | null;
  country: string;
  latitude: number | null;
  longitude: number | null;
  visibility: 'public' | 'unlisted';
  reminders: string;
  /** The Spanish versions (null: none); absent keeps them as they are. */
  title_es?: string | null;
  description_es?: string | null;
}

/** The canonical name of an IANA time zone (`america/chicago` → `America/Chicago`), or null if there is none. */
export function canonicalZone(name: string): string | null {
  const v = name.trim();
  if (!v || !/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(v) || !IANAZone.isValidZone(v)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: v }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

type WallClock = { instant: string } | { error: 'date' | 'time' | 'gap' };

/** A day and time on the clock of `zone` as a UTC instant; a time the clocks skip (DST) is an error, not moved. */
export function wallClockToUtc(date: string, time: string, zone: string): WallClock {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (!d || Number(d[1]) < 2000 || Number(d[1]) > 2100) return { error: 'date' };
  const t = /^(\d{1,2}):(\d{2})(?::00)?$/.exec(time.trim());
  if (!t || Number(t[1]) > 23 || Number(t[2]) > 59) return { error: 'time' };
  const wanted = { year: Number(d[1]), month: Number(d[2]), day: Number(d[3]), hour: Number(t[1]), minute: Number(t[2]) };
  const probe = DateTime.fromObject({ year: wanted.year, month: wanted.month, day: wanted.day }, { zone: 'UTC' });
  if (!probe.isValid || probe.month !== wanted.month || probe.day !== wanted.day) return { error: 'date' };
  const at = DateTime.fromObject(wanted, { zone });
  if (!at.isValid) return { error: 'date' };
  if (at.hour !== wanted.hour || at.minute !== wanted.minute || at.day !== wanted.day) return { error: 'gap' };
  return { instant: at.toUTC().toISO()! };
}

/** An event's start or end as the wall-clock day and time of its own zone, for forms. */
export function utcToWallClock(instant: string, zone: string): { date: string; time: string } {
  const at = DateTime.fromISO(instant, { zone });
  return { date: at.toFormat('yyyy-MM-dd'), time: at.toFormat('HH:mm') };
}

export function addressLinesOf(event: Pick<EventRow, 'address_lines'>): string[] {
  try {
    const v: unknown = JSON.parse(event.address_lines);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** What an event's form holds for an existing event: the reverse of checkEvent. */
export function inputOf(event: EventRow): EventInput {
  const start = utcToWallClock(event.start_at, event.timezone);
  const end = utcToWallClock(event.end_at, event.timezone);
  return {
    title: event.title,
    description: event.description,
    instructions: event.instructions,
    startDate: start.date,
    startTime: start.time,
    endDate: end.date,
    endTime: end.time,
    timezone: event.timezone,
    capacity: event.capacity,
    online: event.online === 1,
    joinUrl: event.join_url ?? '',
    venue: event.venue ?? '',
    addressLines: addressLinesOf(event),
    addressPublic: event.address_public === 1,
    locality: event.locality ?? '',
    region: event.region ?? '',
    postalCode: event.postal_code ?? '',
    country: event.country,
    latitude: event.latitude,
    longitude: event.longitude,
    visibility: event.visibility,
    reminders: reminderMinutes(event),
    titleEs: event.title_es,
    descriptionEs: event.description_es,
  };
}

function checkLine(errors: FieldErrors, field: string, label: MessageKey, raw: string, max: number, requiredKey?: MessageKey): string {
  const v = raw.trim();
  if (!v) {
    if (requiredKey) errors[field] = { key: requiredKey };
  } else if (!isCleanText(v)) errors[field] = { key: 'form.error.invalid_text', values: { field: label } };
  else if ([...v].length > max) errors[field] = { key: 'form.error.too_long', values: { field: label, max } };
  return v;
}

function checkText(errors: FieldErrors, field: string, label: MessageKey, raw: string): string {
  const v = raw.replace(/\r\n?/g, '\n').trim();
  if (!isCleanText(v, true)) errors[field] = { key: 'form.error.invalid_text', values: { field: label } };
  else if ([...v].length > EVENT_FIELD_LIMITS.text) errors[field] = { key: 'form.error.too_long', values: { field: label, max: EVENT_FIELD_LIMITS.text } };
  return v;
}

export function isWebAddress(raw: string): boolean {
  if (raw.length > EVENT_FIELD_LIMITS.joinUrl || !isCleanText(raw) || /\s/.test(raw)) return false;
  try {
    const url = new URL(raw);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * Checks an event field by field and says what is wrong with each, in message keys the console
 * (English), the API (English) and any public form (the visitor's language) translate. Nothing
 * is written here.
 */
export function checkEvent(input: EventInput, opts: { placeOptional?: boolean } = {}): { errors: FieldErrors; columns?: EventColumns } {
  // The API, as Action Network, takes an in-person event without its street, city or ZIP (a place to be announced).
  const required = !opts.placeOptional;
  const errors: FieldErrors = {};
  const title = checkLine(errors, 'title', 'eventedit.field.title', input.title, EVENT_FIELD_LIMITS.title, 'eventedit.error.title');
  const description = checkText(errors, 'description', 'eventedit.field.description', input.description);
  const instructions = checkText(errors, 'instructions', 'eventedit.field.instructions', input.instructions);
  // The Spanish versions: optional, with the English fields' bounds; '' and null store null.
  const titleEs = input.titleEs === undefined ? undefined : checkLine(errors, 'title_es', 'eventedit.field.title_es', input.titleEs ?? '', EVENT_FIELD_LIMITS.title) || null;
  const descriptionEs = input.descriptionEs === undefined ? undefined : checkText(errors, 'description_es', 'eventedit.field.description_es', input.descriptionEs ?? '') || null;

  const timezone = canonicalZone(input.timezone);
  if (!timezone) errors.timezone = { key: 'eventedit.error.timezone' };
  let startAt = '';
  let endAt = '';
  const zone = timezone ?? 'UTC';
  const start = wallClockToUtc(input.startDate, input.startTime, zone);
  const end = wallClockToUtc(input.endDate, input.endTime, zone);
  for (const [which, at] of [['start', start], ['end', end]] as const) {
    if (!('error' in at)) continue;
    if (at.error === 'date') errors[`${which}_date`] = { key: which === 'start' ? 'eventedit.error.start_date' : 'eventedit.error.end_date' };
    else if (at.error === 'time') errors[`${which}_time`] = { key: which === 'start' ? 'eventedit.error.start_time' : 'eventedit.error.end_time' };
    else if (timezone) errors[`${which}_time`] = { key: 'eventedit.error.nonexistent_time', values: { zone: timezone } };
  }
  if ('instant' in start && 'instant' in end && timezone) {
    startAt = start.instant;
    endAt = end.instant;
    if (endAt <= startAt) errors.end_time = { key: 'eventedit.error.end_before_start' };
  }

  let capacity: number | null = null;
  if (typeof input.capacity === 'number') {
    if (Number.isInteger(input.capacity) && input.capacity >= 1 && input.capacity <= EVENT_FIELD_LIMITS.capacity) capacity = input.capacity;
    else errors.capacity = { key: 'eventedit.error.capacity' };
  } else if (typeof input.capacity === 'string' && input.capacity.trim() !== '') {
    const digits = input.capacity.trim().replace(/[\s,_]/g, '');
    if (/^\d{1,7}$/.test(digits) && Number(digits) >= 1 && Number(digits) <= EVENT_FIELD_LIMITS.capacity) capacity = Number(digits);
    else errors.capacity = { key: 'eventedit.error.capacity' };
  }

  if (input.online === null) errors.location_type = { key: 'eventedit.error.location_type' };
  const online = input.online === true;
  let joinUrl: string | null = null;
  let venue: string | null = null;
  let addressLines: string[] = [];
  let locality: string | null = null;
  let region: string | null = null;
  let postalCode: string | null = null;
  let country = input.country.trim().toUpperCase() || 'US';
  if (!isCountryCode(country)) {
    errors.country = { key: 'form.error.country' };
    country = 'US';
  }
  let latitude: number | null = null;
  let longitude: number | null = null;
  if (online) {
    const url = input.joinUrl.trim();
    if (!isWebAddress(url)) errors.join_url = { key: 'eventedit.error.join_url' };
    else joinUrl = url;
  } else if (input.online === false) {
    venue = checkLine(errors, 'venue', 'eventedit.field.venue', input.venue, EVENT_FIELD_LIMITS.line) || null;
    const lines = input.addressLines.map((l) => l.trim()).filter(Boolean);
    if (lines.length === 0) {
      if (required) errors.address_lines = { key: 'eventedit.error.address' };
    } else if (lines.length > EVENT_FIELD_LIMITS.addressLines) errors.address_lines = { key: 'eventedit.error.address_lines', values: { max: EVENT_FIELD_LIMITS.addressLines } };
    else {
      const lineErrors: FieldErrors = {};
      addressLines = lines.map((l) => checkLine(lineErrors, 'address_lines', 'eventedit.field.address', l, EVENT_FIELD_LIMITS.line));
      if (lineErrors.address_lines) errors.address_lines = lineErrors.address_lines;
    }
    locality = checkLine(errors, 'locality', 'eventedit.field.locality', input.locality, EVENT_FIELD_LIMITS.locality, required ? 'eventedit.error.locality' : undefined) || null;
    const regionRaw = checkLine(errors, 'region', 'eventedit.field.region', input.region, EVENT_FIELD_LIMITS.locality, country === 'US' && required ? 'eventedit.error.region' : undefined);
    region = regionRaw ? (regionRaw.length <= 3 ? regionRaw.toUpperCase() : regionRaw) : null;
    const postalRaw = input.postalCode.trim();
    if (postalRaw || (country === 'US' && required)) {
      const normalized = normalizePostalCode(postalRaw, country);
      if (normalized === null) errors.postal_code = { key: country === 'US' ? 'form.error.postal_code' : 'form.error.postal_code_any' };
      else postalCode = normalized;
    }
    const lat = input.latitude ?? null;
    const lon = input.longitude ?? null;
    if (lat !== null || lon !== null) {
      if (lat === null || lon === null || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
        errors.coordinates = { key: 'eventedit.error.coordinates' };
      } else {
        latitude = lat;
        longitude = lon;
      }
    }
  }

  const visibility = input.visibility === 'public' || input.visibility === 'unlisted' ? input.visibility : null;
  if (!visibility) errors.visibility = { key: 'eventedit.error.visibility' };

  const reminders = [...new Set(input.reminders)].sort((a, b) => b - a);
  if (reminders.length > EVENT_FIELD_LIMITS.reminders || reminders.some((m) => !Number.isInteger(m) || m < 1 || m > EVENT_FIELD_LIMITS.reminderMinutes)) {
    errors.reminders = { key: 'eventedit.error.reminders' };
  }

  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    columns: {
      title,
      description,
      instructions,
      start_at: startAt,
      end_at: endAt,
      timezone: timezone!,
      capacity,
      online: online ? 1 : 0,
      join_url: joinUrl,
      venue,
      address_lines: JSON.stringify(addressLines),
      address_public: !online && input.addressPublic === true ? 1 : 0,
      locality,
      region,
      postal_code: postalCode,
      country,
      latitude,
      longitude,
      visibility: visibility!,
      reminders: JSON.stringify(reminders),
      ...(titleEs === undefined ? {} : { title_es: titleEs }),
      ...(descriptionEs === undefined ? {} : { description_es: descriptionEs }),
    },
  };
}

/** A web address for an event from its title or a wanted slug: lower-case ASCII words joined by hyphens. */
export function eventSlug(wanted: string): string {
  const base = wanted
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, EVENT_FIELD_LIMITS.slug)
    .replace(/-+$/, '');
  return base || 'event';
}
