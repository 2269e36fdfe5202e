import { parse } from 'csv-parse/sync';
import { CsvError } from 'csv-parse';
import type { FieldErrors } from '../actions/people/validate.ts';
import { hasVisibleText, isCleanText, isValidEmail, normalizeEmail } from '../actions/people/normalize.ts';
import { checkEvent, DEFAULT_REMINDERS, type EventColumns, type EventInput } from '../events/index.ts';
import { translator, type MessageKey } from '../i18n/index.ts';
import { csvText } from '../util/csv.ts';
import { HOST_NAME_MAX } from './event-draft.ts';
import { withPlace } from './places.ts';

// Events imported into a week of action from a CSV file: read whole (a file of events is small),
// each row checked by checkEvent like the console's form, refused rows named with their line and
// reason, repeats reported. Nothing here writes.

/** The largest file and the most events one import takes: a week of action's list, not a data dump. */
export const MAX_EVENTS_FILE_BYTES = 2 * 1024 * 1024;
export const MAX_EVENT_ROWS = 1000;

/** The columns of the template, in its order. */
export const EVENT_CSV_COLUMNS = [
  'title', 'description', 'instructions', 'start_date', 'start_time', 'end_date', 'end_time', 'timezone', 'capacity',
  'location_type', 'join_url', 'venue', 'address_line1', 'address_line2', 'city', 'state', 'postal_code', 'country',
  'address_public', 'visibility', 'host_name', 'host_email',
] as const;
type Column = (typeof EVENT_CSV_COLUMNS)[number];
const REQUIRED: Column[] = ['title', 'start_date', 'start_time', 'end_time', 'timezone'];
const ALIASES: Record<string, Column> = { locality: 'city', region: 'state', province: 'state', zip: 'postal_code', zip_code: 'postal_code', postcode: 'postal_code', address: 'address_line1' };

/** A file refused as a whole, in words for the organizer. */
export class EventFileError extends Error {}

export interface AcceptedRow {
  line: number;
  columns: EventColumns;
  host: { name: string; email: string } | null;
}
export interface RefusedRow {
  line: number;
  title: string;
  reasons: string[];
}
export interface EventFileCheck {
  accepted: AcceptedRow[];
  refused: RefusedRow[];
}

/** The template an organizer fills in: the header and one example row. */
export function eventCsvTemplate(): string {
  const example: Record<Column, string> = {
    title: 'Privacy teach-in', description: 'Bring a friend. **Everyone** is welcome.', instructions: 'Use the side door.',
    start_date: '2030-06-07', start_time: '18:30', end_date: '2030-06-07', end_time: '20:00', timezone: 'America/Chicago', capacity: '40',
    location_type: 'in_person', join_url: '', venue: 'Evanston Public Library', address_line1: '1703 Orrington Ave', address_line2: '',
    city: 'Evanston', state: 'IL', postal_code: '60201', country: 'US', address_public: 'no', visibility: 'public', host_name: 'Rosa Parks', host_email: 'rosa@example.org',
  };
  return csvText([EVENT_CSV_COLUMNS.map((c) => example[c])], EVENT_CSV_COLUMNS);
}

/** The file's text, or a refusal when it is not UTF-8 text (a spreadsheet's binary, an image, NUL bytes). */
export function fileText(bytes: Buffer): string {
  if (bytes.length === 0) throw new EventFileError('The file is empty. Fill in the template and upload it.');
  if (bytes.length > MAX_EVENTS_FILE_BYTES) throw new EventFileError(`This file is larger than ${MAX_EVENTS_FILE_BYTES / 1024 / 1024} MB. Import at most ${MAX_EVENT_ROWS.toLocaleString('en-US')} events at a time.`);
  if (bytes.includes(0)) throw new EventFileError('This is not a CSV text file (it holds NUL bytes). Save the spreadsheet as “CSV UTF-8” and upload that.');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new EventFileError('This file is not UTF-8 text. Save the spreadsheet as “CSV UTF-8” and upload that.');
  }
  return text.replace(/^\uFEFF/, '');
}

const headerName = (raw: string) => {
  const v = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return (EVENT_CSV_COLUMNS as readonly string[]).includes(v) ? (v as Column) : (ALIASES[v] ?? null);
};

const YES = new Set(['yes', 'y', 'true', '1', 'public']);
const NO = new Set(['', 'no', 'n', 'false', '0', 'private']);
const en = translator('en');

/** checkEvent's messages in English, each named by the template's column. */
function reasonsOf(errors: FieldErrors): string[] {
  const column: Record<string, string> = { address_lines: 'address_line1', locality: 'city', region: 'state', coordinates: 'postal_code', location_type: 'location_type' };
  return Object.entries(errors).flatMap(([field, e]) => {
    if (!e) return [];
    const values = { ...e.values };
    if (typeof values.field === 'string') values.field = en(values.field as MessageKey);
    return [`${column[field] ?? field}: ${en(e.key, values)}`];
  });
}

/**
 * Reads and checks a file of events. The file is refused whole (EventFileError, nothing
 * accepted) when it is not text, its quoting is broken, a column is unknown or a needed one is
 * missing, or it has no rows or more than MAX_EVENT_ROWS. Otherwise every row is accepted or
 * refused with its reasons; a row that repeats an earlier one (same title, start and place) or
 * an event already in the campaign (`existing`: title and start) is refused and says which.
 */
export function checkEventFile(bytes: Buffer, opts: { now: string; existing: { title: string; start_at: string }[] }): EventFileCheck {
  const text = fileText(bytes);
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true, max_record_size: 100_000 }) as string[][];
  } catch (e) {
    if (e instanceof CsvError) throw new EventFileError(`The file could not be read as CSV near line ${(e as CsvError & { lines?: number }).lines ?? '?'}: check its quotes. Save the spreadsheet as “CSV UTF-8” and upload it again.`);
    throw e;
  }
  const [header, ...rows] = records;
  if (!header) throw new EventFileError('The file is empty. Fill in the template and upload it.');
  const columns = header.map(headerName);
  const unknown = header.filter((_, i) => columns[i] === null).map((h) => `“${h.slice(0, 40)}”`);
  if (unknown.length > 0) throw new EventFileError(`Unknown column${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).join(', ')}. Use the template’s columns: ${EVENT_CSV_COLUMNS.join(', ')}.`);
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (missing.length > 0) throw new EventFileError(`The file has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}. Use the template’s columns.`);
  if (rows.length === 0) throw new EventFileError('The file has a header but no events. Add one event per row.');
  if (rows.length > MAX_EVENT_ROWS) throw new EventFileError(`This file has more than ${MAX_EVENT_ROWS.toLocaleString('en-US')} events: import at most ${MAX_EVENT_ROWS.toLocaleString('en-US')} at a time. Split it into smaller files.`);

  const seen = new Map<string, number>();
  const existing = new Set(opts.existing.map((e) => `${e.title.trim().toLowerCase()}\u0000${e.start_at}`));
  const out: EventFileCheck = { accepted: [], refused: [] };
  rows.forEach((cells, i) => {
    const line = i + 2;
    const cell = (c: Column) => {
      const at = columns.indexOf(c);
      return at >= 0 ? (cells[at] ?? '').trim() : '';
    };
    const reasons: string[] = [];
    if (cells.length > header.length && cells.slice(header.length).some((v) => v.trim() !== '')) reasons.push(`the row has ${cells.length} cells, the header ${header.length}`);
    const where = cell('location_type').toLowerCase().replace(/[\s-]+/g, '_');
    const online = where === 'online' ? true : where === 'in_person' || (where === '' && cell('address_line1') !== '') ? false : where === '' && cell('join_url') !== '' ? true : null;
    const publicRaw = cell('address_public').toLowerCase();
    if (!YES.has(publicRaw) && !NO.has(publicRaw)) reasons.push('address_public: write yes or no');
    const country = cell('country').toUpperCase() || 'US';
    const input: EventInput = {
      title: cell('title'), description: cell('description'), instructions: cell('instructions'),
      startDate: cell('start_date'), startTime: cell('start_time'), endDate: cell('end_date') || cell('start_date'), endTime: cell('end_time'),
      timezone: cell('timezone'), capacity: cell('capacity'), online, joinUrl: cell('join_url'), venue: cell('venue'),
      addressLines: [cell('address_line1'), cell('address_line2')], addressPublic: YES.has(publicRaw),
      locality: cell('city'), region: cell('state'), postalCode: cell('postal_code'), country,
      visibility: (cell('visibility') || 'public').toLowerCase(), reminders: [...DEFAULT_REMINDERS],
    };
    const checked = checkEvent(input);
    reasons.push(...reasonsOf(checked.errors));
    const host = checkHost(cell('host_name'), cell('host_email'), reasons);
    let columnsOut = checked.columns;
    if (columnsOut) {
      if (columnsOut.start_at <= opts.now) reasons.push('start_date: the event must start in the future');
      columnsOut = withPlace(columnsOut);
      const key = `${columnsOut.title.toLowerCase()}\u0000${columnsOut.start_at}`;
      const place = `${key}\u0000${columnsOut.online ? columnsOut.join_url : `${columnsOut.postal_code ?? ''}\u0000${columnsOut.address_lines}`}`;
      const earlier = seen.get(place);
      if (earlier !== undefined) reasons.push(`repeats row ${earlier} (same title, start and place)`);
      else seen.set(place, line);
      if (existing.has(key)) reasons.push('already in this campaign (an event with this title and start)');
    }
    if (reasons.length > 0 || !columnsOut) out.refused.push({ line, title: cell('title').slice(0, 200), reasons });
    else out.accepted.push({ line, columns: columnsOut, host });
  });
  return out;
}

function checkHost(name: string, emailRaw: string, reasons: string[]): { name: string; email: string } | null {
  if (!name && !emailRaw) return null;
  if (!emailRaw) {
    reasons.push('host_email: give the host’s email with their name, or neither');
    return null;
  }
  const email = normalizeEmail(emailRaw);
  if (!isValidEmail(email)) reasons.push('host_email: not an email address');
  if (!name) reasons.push('host_name: give the host’s name with their email');
  else if (!isCleanText(name) || !hasVisibleText(name)) reasons.push('host_name: contains control or invalid characters');
  else if (name.length > HOST_NAME_MAX) reasons.push(`host_name: at most ${HOST_NAME_MAX} characters`);
  return { name, email };
}
