import { finished } from 'node:stream/promises';
import { parse, CsvError, type CastingContext, type Info } from 'csv-parse';
import countries from 'i18n-iso-countries';
import { hasVisibleText, isCleanText, isCountryCode, isValidEmail, normalizeEmail, normalizePostalCode } from '../actions/people/normalize.ts';
import { LIMITS } from '../actions/people/validate.ts';
import { normalizePhone } from '../kits/api/person-input.ts';

/** The largest file an organizer may upload. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
export const MAX_COLUMNS = 200;
export const PREVIEW_ROWS = 5;
/** Longest record csv-parse will hold: far above any row of people, far below the file size. */
const MAX_RECORD_CHARS = 1_000_000;

/** What a column of the file becomes. Several columns may be phones: the first valid number of a row is kept. */
export const FIELDS = ['ignore', 'email', 'given_name', 'family_name', 'postal_code', 'country', 'phone', 'tag'] as const;
export type Field = (typeof FIELDS)[number];

export const FIELD_LABELS: Record<Field, string> = {
  ignore: 'Ignore this column',
  email: 'Email',
  given_name: 'First name',
  family_name: 'Last name',
  postal_code: 'ZIP or postal code',
  country: 'Country',
  phone: 'Phone',
  tag: 'Tag (several separated by commas)',
};

/** Fields at most one column may hold; `tag`, `phone` and `ignore` may be given to several. */
export const SINGLE_FIELDS: readonly Field[] = ['email', 'given_name', 'family_name', 'postal_code', 'country'];

export function isField(value: unknown): value is Field {
  return typeof value === 'string' && (FIELDS as readonly string[]).includes(value);
}

/** A problem with the file as a whole, in words for the organizer who uploaded it. */
export class ImportFileError extends Error {}

/** One row of the file: its cells and the line it starts on (the header is line 1). */
export interface CsvRow {
  cells: string[];
  line: number;
  /** Where the row ends: the byte offset just after it and its last line, to read on from there. */
  end: FilePosition;
}

/** A place in a file between two rows: the byte offset, and the line just before it (0 at the start). */
export interface FilePosition {
  offset: number;
  line: number;
}

// Header names from Action Network's exports and the usual spreadsheet variants.
const GUESSES: Record<string, Field> = {};
for (const [field, names] of [
  ['email', ['email', 'email_address', 'e_mail', 'emailaddress', 'e_mail_address', 'email_addresses']],
  ['given_name', ['first_name', 'firstname', 'given_name', 'first', 'fname', 'forename']],
  ['family_name', ['last_name', 'lastname', 'family_name', 'surname', 'last', 'lname']],
  ['postal_code', ['zip_code', 'zip', 'zipcode', 'postal_code', 'postcode', 'postal', 'zip_postal_code', 'postal_zip_code']],
  ['country', ['can2_country', 'country', 'country_code']],
  ['phone', ['phone', 'phone_number', 'can2_phone', 'can2_sms_phone', 'mobile', 'mobile_phone', 'mobile_number', 'cell', 'cell_phone', 'sms']],
  ['tag', ['tag', 'tags', 'can2_tags']],
] as const) {
  for (const name of names) GUESSES[name] = field;
}

const headerKey = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

/** The field each column probably is, from its header; a field held by an earlier column is not guessed twice. */
export function guessMapping(header: string[]): Field[] {
  const taken = new Set<Field>();
  return header.map((h) => {
    const field = GUESSES[headerKey(h)] ?? 'ignore';
    if (SINGLE_FIELDS.includes(field)) {
      if (taken.has(field)) return 'ignore';
      taken.add(field);
    }
    return field;
  });
}

/** A problem with the organizer's choice of columns, or null when it can be imported. */
export function mappingProblem(mapping: Field[]): string | null {
  if (!mapping.includes('email')) return 'Choose the column that holds email addresses: people are matched by email.';
  for (const field of SINGLE_FIELDS) {
    if (mapping.filter((f) => f === field).length > 1) return `Only one column can be “${FIELD_LABELS[field]}”: choose “Ignore this column” for the others.`;
  }
  return null;
}

/** Passes the file's bytes on, refusing anything that is not UTF-8 text. */
async function* utf8Text(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const notUtf8 = () =>
    new ImportFileError('This file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8 (comma delimited)” and upload that file.');
  for await (const chunk of chunks) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw notUtf8();
    }
    if (text.includes('\u0000')) throw new ImportFileError('This file is not a text file. Upload a CSV file: in your spreadsheet, save it as “CSV UTF-8 (comma delimited)”.');
    yield chunk;
  }
  try {
    decoder.decode();
  } catch {
    throw notUtf8();
  }
}

/** Cuts the file into pieces small enough that parsing one never holds the event loop for long. */
async function* slices(chunks: AsyncIterable<Buffer>, size = 64 * 1024): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i += size) yield chunk.subarray(i, i + size);
  }
}

function count(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) n++;
  return n;
}

function quotingMessage(error: CsvError, line: number): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
    case 'CSV_MAX_RECORD_SIZE':
      return `The quoting in this file is broken: a quoted cell that starts on line ${line} is never closed. Check the quote marks on that line, save the file and upload it again.`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `The quoting in this file is broken on line ${line}: text follows the quote mark that closes a cell. A quote mark inside a quoted cell must be doubled (""). Fix that line and upload the file again.`;
    case 'INVALID_OPENING_QUOTE':
      return `The quoting in this file is broken on line ${line}: a quote mark appears inside a cell that does not start with one. Put the cell in quotes and double the quote marks inside it, then upload the file again.`;
    default:
      return `This file cannot be read as CSV (line ${line}). Save it from your spreadsheet as “CSV UTF-8 (comma delimited)” and upload it again.`;
  }
}

/**
 * Reads a CSV file given as chunks of bytes, yielding its rows a few hundred at a time (one
 * promise per row would cost more than the parsing), each with the line it starts on. Throws
 * ImportFileError, naming the line, for a file that is not UTF-8 text or whose quoting is
 * broken. Rows whose cells are all empty (the trailing ",,," of spreadsheets) are skipped.
 */
export async function* readCsv(chunks: AsyncIterable<Buffer>, from: FilePosition = { offset: 0, line: 0 }): AsyncGenerator<CsvRow[]> {
  // Rows are taken as csv-parse reads them (its on_record hook, returning null so nothing is
  // queued in the stream): the batch is ready as soon as a write returns, and when it fails the
  // line of the last row it read is known. It counts a CRLF inside a quoted cell as two lines:
  // `extra` takes those back.
  let extra = 0;
  let lastEnd = from.line;
  let ready: CsvRow[] = [];
  // The context is the parser's info at the record (its types leave out `bytes`, which it has).
  const located = (cells: string[], context: CastingContext): null => {
    const { lines, bytes } = context as CastingContext & Info;
    let newlines = 0;
    for (const cell of cells) {
      if (cell.includes('\r')) extra += count(cell, '\r\n');
      if (cell.includes('\n')) newlines += count(cell, '\n');
    }
    lastEnd = from.line + lines - extra;
    if (!cells.every((cell) => cell === '')) ready.push({ cells, line: lastEnd - newlines, end: { offset: from.offset + bytes, line: lastEnd } });
    return null;
  };
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, max_record_size: MAX_RECORD_CHARS, on_record: located });
  parser.resume();
  const failed = () => {
    const e = parser.errored;
    if (!e) return;
    if (e instanceof CsvError) {
      const unclosed = e.code === 'CSV_QUOTE_NOT_CLOSED' || e.code === 'CSV_MAX_RECORD_SIZE';
      const line = unclosed || e.lines === undefined ? lastEnd + 1 : from.line + Number(e.lines) - extra;
      throw new ImportFileError(quotingMessage(e, line));
    }
    throw e;
  };
  try {
    for await (const chunk of utf8Text(slices(chunks))) {
      parser.write(chunk);
      failed();
      if (ready.length > 0) {
        const batch = ready;
        ready = [];
        yield batch;
      }
    }
    parser.end();
    await finished(parser).catch(() => {});
    failed();
    if (ready.length > 0) yield ready;
  } finally {
    parser.destroy();
  }
}

/** What an upload holds, found by reading it through once. */
export interface Scan {
  header: string[];
  preview: string[][];
  /** Rows after the header. */
  rows: number;
}

/** Reads a whole upload: refuses what cannot be imported, and keeps the header, the first rows and the count. */
export async function scanCsv(chunks: AsyncIterable<Buffer>): Promise<Scan> {
  let header: string[] | null = null;
  const preview: string[][] = [];
  let rows = 0;
  for await (const batch of readCsv(chunks)) {
    for (const row of batch) {
      if (row.cells.length > MAX_COLUMNS) {
        throw new ImportFileError(
          `This file has ${row.cells.length} columns${header ? ` on line ${row.line}` : ''}; turnout imports files of up to ${MAX_COLUMNS} columns. Delete the columns you do not need and upload the file again.`,
        );
      }
      if (!header) {
        header = row.cells.map((c) => c.trim());
        continue;
      }
      rows++;
      if (preview.length < PREVIEW_ROWS) preview.push(row.cells.map((c) => c.slice(0, 200)));
    }
  }
  if (!header) throw new ImportFileError('This file is empty. Upload a CSV file with a header row and one person on each row after it.');
  if (rows === 0) throw new ImportFileError('This file has a header row but no people after it. Upload a file with one person on each row.');
  return { header, preview, rows };
}

/** A person read from one row, ready to be written. */
export interface ImportedPerson {
  email: string;
  givenName: string | null;
  familyName: string | null;
  postalCode: string | null;
  country: string | null;
  /** Digits, with the `+` of an international number; null when the row has none. */
  phoneNumber: string | null;
  tags: string[];
}

export const TAG_MAX = 100;

/** A tag name an organizer typed for the whole import, or the reason it cannot be one. */
export function tagProblem(tag: string): string | null {
  if (!isCleanText(tag)) return 'The tag contains characters that cannot be stored: use letters, numbers and punctuation.';
  if (!hasVisibleText(tag)) return 'The tag has no letters or numbers that show: use letters, numbers and punctuation.';
  if (tag.length > TAG_MAX) return `The tag is longer than ${TAG_MAX} characters.`;
  return null;
}

function countryCode(raw: string): string | null {
  const v = raw.trim();
  if (/^[A-Za-z]{2}$/.test(v)) return isCountryCode(v.toUpperCase()) ? v.toUpperCase() : null;
  if (/^[A-Za-z]{3}$/.test(v)) return countries.alpha3ToAlpha2(v.toUpperCase()) ?? null;
  return countries.getAlpha2Code(v, 'en') ?? null;
}

function postalCode(raw: string, country: string | null): string | null {
  // Spreadsheets drop the leading zero of New England ZIPs (02134 becomes 2134).
  const v = country === 'US' && /^\d{4}(-\d{4})?$/.test(raw) ? `0${raw}` : raw;
  if (country) return normalizePostalCode(v, country);
  return normalizePostalCode(v, 'US') ?? normalizePostalCode(v, 'ZZ');
}

/**
 * Reads one row with the organizer's mapping: a person, or the reason the row is rejected. The
 * rules are those of the public forms: an email in the right shape, no control characters,
 * names of at most 100 characters, a ZIP or postal code in the right shape for the country.
 */
export function readPerson(cells: string[], mapping: Field[]): { person: ImportedPerson } | { reason: string } {
  if (cells.length > mapping.length && cells.slice(mapping.length).some((c) => c.trim() !== '')) {
    return { reason: `This row has ${cells.length} cells; the header row has ${mapping.length}.` };
  }
  const values: Partial<Record<Field, string>> = {};
  const tags: string[] = [];
  const phones: string[] = [];
  for (let i = 0; i < mapping.length; i++) {
    const field = mapping[i]!;
    if (field === 'ignore') continue;
    const value = (cells[i] ?? '').trim();
    if (!value) continue;
    if (!isCleanText(value)) return { reason: `Bad characters in ${FIELD_LABELS[field].toLowerCase()} (control characters or invalid text).` };
    // A cell of invisible characters only (zero-width spaces) is an empty cell.
    if (!hasVisibleText(value)) continue;
    if (field === 'phone') phones.push(value);
    else if (field === 'tag') {
      for (const tag of value.split(',').map((t) => t.trim())) {
        if (tag.length > TAG_MAX) return { reason: `A tag is longer than ${TAG_MAX} characters.` };
        if (tag && hasVisibleText(tag)) tags.push(tag);
      }
    } else values[field] = value;
  }
  const emailRaw = values.email ?? '';
  if (!emailRaw) return { reason: 'No email address.' };
  if (emailRaw.length > LIMITS.email) return { reason: `Email address longer than ${LIMITS.email} characters.` };
  const email = normalizeEmail(emailRaw);
  if (!isValidEmail(email)) return { reason: 'Invalid email address.' };
  for (const field of ['given_name', 'family_name'] as const) {
    if ((values[field]?.length ?? 0) > LIMITS.name) return { reason: `${FIELD_LABELS[field]} longer than ${LIMITS.name} characters.` };
  }
  let country: string | null = null;
  if (values.country) {
    country = countryCode(values.country);
    if (!country) return { reason: 'Country not recognised: use a two-letter code such as US, or the country’s English name.' };
  }
  let postal: string | null = null;
  if (values.postal_code) {
    postal = values.postal_code.length > LIMITS.postalCode + 8 ? null : postalCode(values.postal_code, country);
    if (!postal) return { reason: country === 'US' || !country ? 'ZIP or postal code not valid.' : `Postal code not valid for ${country}.` };
  }
  // The first phone cell that holds a number; one that holds something else is refused, as a bad ZIP is.
  let phoneNumber: string | null = null;
  for (const raw of phones) {
    const phone = normalizePhone(raw);
    if (!phone) return { reason: 'Phone number not valid: use 7 to 15 digits, with + and the country code for a number abroad.' };
    phoneNumber ??= phone;
  }
  return {
    person: {
      email,
      givenName: values.given_name ?? null,
      familyName: values.family_name ?? null,
      postalCode: postal,
      country,
      phoneNumber,
      tags,
    },
  };
}
