import { parse, CsvError } from 'csv-parse/sync';
import { zipcodes } from '../kits/places/zipcodes.ts';
import { hasVisibleText, isCleanText, isValidEmail, normalizeEmail } from '../actions/people/normalize.ts';
import type { LetterTarget, TargetMode } from './tables.ts';

// Targets: a campaign's fixed list typed in the console or sent through the API, and the target
// list an organizer uploads as CSV, from which each supporter's targets are chosen by ZIP code or
// state. Read with csv-parse, the project's CSV parser; a list with any problem is refused whole.

export const TARGET_LIMITS = { name: 200, title: 200, organization: 200, email: 254, district: 100, rows: 10_000, fileBytes: 2 * 1024 * 1024, fixed: 50 } as const;

/** The US states, DC and the territories, by their postal codes. */
export const STATES = new Set(
  'AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR VI'.split(' '),
);

/** A target as typed or read from a list, before it is stored. */
export interface TargetInput {
  name: string;
  title: string;
  organization: string;
  email: string;
  state: string | null;
  /** ZIP codes, 5 digits each; empty for the whole state. */
  zipCodes: string[];
  district: string | null;
}

/** One problem with a target list, on the line where it is. */
export interface ListProblem {
  line: number;
  message: string;
}

export class TargetListError extends Error {
  constructor(readonly problems: ListProblem[]) {
    super(problems.map((p) => (p.line > 0 ? `Line ${p.line}: ${p.message}` : p.message)).join('\n'));
  }
}

const HEADERS: Record<string, keyof TargetInput> = {
  name: 'name', full_name: 'name', target: 'name', target_name: 'name',
  title: 'title', position: 'title', office: 'title',
  organization: 'organization', organisation: 'organization', body: 'organization', chamber: 'organization',
  email: 'email', email_address: 'email', e_mail: 'email',
  state: 'state', region: 'state',
  zip: 'zipCodes', zips: 'zipCodes', zip_codes: 'zipCodes', zip_code: 'zipCodes', zipcodes: 'zipCodes', postal_codes: 'zipCodes',
  district: 'district',
};

const headerKey = (h: string) => h.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

function quotingProblem(e: CsvError): ListProblem {
  const line = Number((e as CsvError & { lines?: number }).lines ?? 0);
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') return { line, message: 'a quoted cell is never closed. Check the quote marks, save the file and upload it again.' };
  if (e.code === 'CSV_INVALID_CLOSING_QUOTE' || e.code === 'INVALID_OPENING_QUOTE' || e.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE') {
    return { line, message: 'the quoting is broken: a quote mark inside a cell must be doubled (""), and a quoted cell must start and end with one.' };
  }
  return { line, message: 'this line cannot be read as CSV. Save the file from your spreadsheet as “CSV UTF-8 (comma delimited)” and upload it again.' };
}

function cellProblem(label: string, value: string, max: number, required: boolean): string | null {
  if (!value) return required ? `the ${label} is missing` : null;
  if (!isCleanText(value)) return `the ${label} contains line breaks or control characters`;
  if (!hasVisibleText(value)) return `the ${label} has no letters or numbers that show`;
  if (value.length > max) return `the ${label} is longer than ${max} characters`;
  return null;
}

/** The 5-digit ZIP codes of a cell ("60601 60602", "60601;60602"), or null when one is not a ZIP. */
function zipList(cell: string): string[] | null {
  const parts = cell.split(/[\s,;]+/).filter(Boolean);
  const out: string[] = [];
  for (const p of parts) {
    const zip = /^\d{4}$/.test(p) ? `0${p}` : p;
    if (!/^\d{5}$/.test(zip)) return null;
    if (!out.includes(zip)) out.push(zip);
  }
  return out;
}

/**
 * Reads a target list (name, title, email, state, and optionally organization, ZIP codes and
 * district). Every problem is reported with its line: a missing or invalid email, a row that
 * repeats another, an unknown state, a cell that is not a ZIP code, broken quoting. Throws
 * TargetListError with all of them; returns the targets only when there is none.
 */
export function readTargetList(bytes: Buffer | string): TargetInput[] {
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
  if (size > TARGET_LIMITS.fileBytes) throw new TargetListError([{ line: 0, message: `The file is larger than ${TARGET_LIMITS.fileBytes / 1024 / 1024} MB. A target list is at most ${TARGET_LIMITS.rows.toLocaleString('en-US')} rows.` }]);
  let text: string;
  try {
    text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TargetListError([{ line: 0, message: 'This file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8 (comma delimited)” and upload that file.' }]);
  }
  if (text.includes('\u0000')) throw new TargetListError([{ line: 0, message: 'This file is not a text file. Upload a CSV file.' }]);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, info: true }) as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    if (e instanceof CsvError) throw new TargetListError([quotingProblem(e)]);
    throw e;
  }
  const rows = records.filter((r) => !r.record.every((c) => c.trim() === ''));
  if (rows.length === 0) throw new TargetListError([{ line: 0, message: 'The file is empty. Upload a CSV file with a header row (name, title, email, state) and one target on each row after it.' }]);
  const header = rows[0]!.record.map((h) => HEADERS[headerKey(h)] ?? null);
  const problems: ListProblem[] = [];
  for (const needed of ['name', 'email'] as const) {
    if (!header.includes(needed)) problems.push({ line: 1, message: `the header has no “${needed}” column. The columns are name, title, organization, email, state, zip_codes and district.` });
  }
  if (!header.includes('state') && !header.includes('zipCodes')) problems.push({ line: 1, message: 'the header needs a “state” or a “zip_codes” column, to match supporters to their targets.' });
  if (problems.length > 0) throw new TargetListError(problems);
  const body = rows.slice(1);
  if (body.length === 0) throw new TargetListError([{ line: 0, message: 'The file has a header row but no targets after it.' }]);
  if (body.length > TARGET_LIMITS.rows) throw new TargetListError([{ line: 0, message: `The file has ${body.length.toLocaleString('en-US')} targets; a list holds at most ${TARGET_LIMITS.rows.toLocaleString('en-US')}.` }]);
  const seen = new Map<string, number>();
  const out: TargetInput[] = [];
  for (const { record, info } of body) {
    const line = info.lines;
    const cell = (field: keyof TargetInput) => {
      const i = header.indexOf(field);
      return i >= 0 ? (record[i] ?? '').trim() : '';
    };
    const wrong: string[] = [];
    if (record.length > header.length && record.slice(header.length).some((c) => c.trim() !== '')) wrong.push(`it has more cells than the header has columns`);
    const name = cell('name');
    const title = cell('title');
    const organization = cell('organization');
    const district = cell('district');
    const email = normalizeEmail(cell('email'));
    for (const [label, value, max, required] of [
      ['name', name, TARGET_LIMITS.name, true],
      ['title', title, TARGET_LIMITS.title, false],
      ['organization', organization, TARGET_LIMITS.organization, false],
      ['district', district, TARGET_LIMITS.district, false],
    ] as const) {
      const p = cellProblem(label, value, max, required);
      if (p) wrong.push(p);
    }
    if (!email) wrong.push('the email is missing');
    else if (!isValidEmail(email) || email.length > TARGET_LIMITS.email) wrong.push(`“${email.slice(0, 80)}” is not an email address`);
    let state = cell('state').toUpperCase() || null;
    if (state && !STATES.has(state)) {
      wrong.push(`“${state.slice(0, 20)}” is not a US state code (like CA or NY)`);
      state = null;
    }
    const zips = zipList(cell('zipCodes'));
    if (zips === null) wrong.push('the ZIP codes must be 5-digit codes separated by spaces, commas or semicolons');
    else {
      const states = new Set(zips.map((z) => zipcodes().lookup(z)?.state).filter((s): s is string => Boolean(s)));
      if (!state && states.size === 1) state = [...states][0]!;
      if (!state && zips.length === 0) wrong.push('the state is missing (or give the ZIP codes this target answers for)');
    }
    const key = `${email}|${state ?? ''}|${(zips ?? []).join(' ')}|${district}`;
    const first = seen.get(key);
    if (first !== undefined && email) wrong.push(`it repeats line ${first} (the same email, state, ZIP codes and district)`);
    else seen.set(key, line);
    if (wrong.length > 0) problems.push({ line, message: `${wrong.join('; ')}.` });
    else out.push({ name, title, organization, email, state, zipCodes: zips ?? [], district: district || null });
  }
  if (problems.length > 0) throw new TargetListError(problems);
  return out;
}

/** The ZIP code's state, for a US supporter. */
export function stateOfZip(postalCode: string, country: string): string | null {
  if (country !== 'US') return null;
  return zipcodes().lookup(postalCode.slice(0, 5))?.state ?? null;
}

/** Whom one supporter writes to, and whether it is the organizer's fallback. */
export interface Matched {
  targets: LetterTarget[];
  fallback: boolean;
  state: string | null;
}

/**
 * A supporter's targets. Fixed: every fixed target. Matched: the listed targets whose ZIP codes
 * include the supporter's, and those of their state that list no ZIP codes (a senator); when
 * there are none, the fallback targets, if the organizer set one.
 */
export function matchTargets(mode: TargetMode, all: readonly LetterTarget[], supporter: { postalCode: string; country: string }): Matched {
  const live = all.filter((t) => t.status !== 'removed');
  const state = stateOfZip(supporter.postalCode, supporter.country);
  if (mode === 'fixed') return { targets: live.filter((t) => t.kind === 'fixed'), fallback: false, state };
  const zip = supporter.country === 'US' ? supporter.postalCode.slice(0, 5) : null;
  const matched = live.filter((t) => {
    if (t.kind !== 'listed') return false;
    if (t.zip_codes) return zip !== null && t.zip_codes.split(' ').includes(zip);
    return state !== null && t.state === state;
  });
  if (matched.length > 0) return { targets: matched, fallback: false, state };
  const fallback = live.filter((t) => t.kind === 'fallback');
  return { targets: fallback, fallback: fallback.length > 0, state };
}

/** The states a matched list covers, for the message to a supporter it has no one for. */
export function statesCovered(all: readonly LetterTarget[]): string[] {
  return [...new Set(all.filter((t) => t.kind === 'listed' && t.status !== 'removed' && t.state).map((t) => t.state!))].sort();
}

/**
 * A fixed list as the console's textarea has it: one target a line, "Name, Title, Organization,
 * email" (CSV, so a comma inside a name is quoted). Problems come back by line, as for a list.
 */
export function readFixedTargets(text: string): TargetInput[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const problems: ListProblem[] = [];
  const out: TargetInput[] = [];
  const emails = new Map<string, number>();
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    let cells: string[];
    try {
      cells = (parse(raw, { relax_column_count: true, trim: true }) as string[][])[0] ?? [];
    } catch {
      problems.push({ line, message: 'the quoting is broken: put a name with a comma in quotes, like "Smith, Jr., Ana"' });
      return;
    }
    if (cells.length < 2) {
      problems.push({ line, message: 'write the name, the title, the organization and the email, separated by commas' });
      return;
    }
    const email = normalizeEmail(cells[cells.length - 1]!);
    const [name = '', title = '', organization = ''] = cells.slice(0, -1);
    const wrong: string[] = [];
    for (const [label, value, max, required] of [
      ['name', name, TARGET_LIMITS.name, true],
      ['title', title, TARGET_LIMITS.title, false],
      ['organization', organization, TARGET_LIMITS.organization, false],
    ] as const) {
      const p = cellProblem(label, value, max, required);
      if (p) wrong.push(p);
    }
    if (!isValidEmail(email)) wrong.push(`the last value, “${email.slice(0, 80)}”, is not an email address`);
    else if (emails.has(email)) wrong.push(`it repeats the email of line ${emails.get(email)}`);
    else emails.set(email, line);
    if (wrong.length > 0) problems.push({ line, message: `${wrong.join('; ')}.` });
    else out.push({ name, title, organization, email, state: null, zipCodes: [], district: null });
  });
  if (out.length > TARGET_LIMITS.fixed) problems.push({ line: 0, message: `A fixed list holds at most ${TARGET_LIMITS.fixed} targets; upload a target list for more.` });
  if (problems.length > 0) throw new TargetListError(problems);
  return out;
}

/** A target's name with its title, as a salutation and a list show it: "Council Member Ana Ruiz". */
export const targetLabel = (t: Pick<LetterTarget, 'name' | 'title'>) => (t.title ? `${t.title} ${t.name}` : t.name);
