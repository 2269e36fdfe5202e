// The checks of what people type: a signature on the public form (translatable field errors,
// message keys the page says in the signer's language) and a letter in the console or the API
// (English sentences by field: only organizers and integrators read them; the Spanish versions'
// messages are keys in both catalogs, said here in English).
import './messages.ts';
import type { en as catalog } from './messages.ts';
import { translator } from '../i18n/index.ts';
import { requireText, validatePerson, type FieldErrors, type PersonInput } from '../actions/people/validate.ts';
import { hasVisibleText, isCleanText, isCountryCode } from '../actions/people/normalize.ts';
import { organizationKey, parseWebsite } from './names.ts';
import type { ListOrder, OpenLetter } from './tables.ts';
import { checkSpanishVersion } from '../actions/spanish-version.ts';

/** A web address chosen by an organizer: lower-case letters and digits in words joined by single hyphens. */
export function isValidSlug(slug: string): boolean {
  return slug.length <= 60 && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug);
}

export const SIGNATURE_LIMITS = { orgName: 200, place: 100, role: 120 } as const;

/** An organization's signature as checked: what the service writes. */
export interface OrganizationFields {
  name: string;
  key: string;
  website: string | null;
  domain: string | null;
  city: string;
  region: string | null;
  country: string;
  role: string | null;
  showSigner: boolean;
}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** An optional one-line field: clean, visible and short, or absent. */
function optionalLine(errors: FieldErrors, field: string, label: 'openletter.field.role' | 'openletter.field.region', value: unknown, max: number): string | null {
  const v = str(value);
  if (!v) return null;
  if (!isCleanText(v)) errors[field] = { key: 'form.error.invalid_text', values: { field: label } };
  else if (!hasVisibleText(v)) errors[field] = { key: 'form.error.invisible', values: { field: label } };
  else if (v.length > max) errors[field] = { key: 'form.error.too_long', values: { field: label, max } };
  return v;
}

/** The organization's part of a signature (name, website, city, state or country, the signer's role and choice to be shown). */
export function checkOrganizationFields(body: Record<string, unknown>): { organization: OrganizationFields; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = requireText(errors, 'org_name', 'openletter.field.org_name', body.org_name, SIGNATURE_LIMITS.orgName);
  const websiteRaw = str(body.website);
  const website = websiteRaw ? parseWebsite(websiteRaw) : null;
  if (websiteRaw && !website) errors.website = { key: 'openletter.error.website' };
  const city = requireText(errors, 'city', 'openletter.field.city', body.city, SIGNATURE_LIMITS.place);
  const country = str(body.country).toUpperCase() || 'US';
  if (!isCountryCode(country)) errors.country = { key: 'form.error.country' };
  const region = optionalLine(errors, 'region', 'openletter.field.region', body.region, SIGNATURE_LIMITS.place);
  if (!region && country === 'US' && !errors.region) errors.region = { key: 'openletter.error.region_us' };
  const role = optionalLine(errors, 'signer_role', 'openletter.field.role', body.signer_role, SIGNATURE_LIMITS.role);
  const key = organizationKey(name);
  // "Enter your organization name" reads badly in Spanish: the name gets its own sentence.
  if (!name && errors.org_name?.key === 'form.error.required') errors.org_name = { key: 'openletter.error.org_name_required' };
  if (name && !errors.org_name && !key) errors.org_name = { key: 'form.error.invisible', values: { field: 'openletter.field.org_name' } };
  const showSigner = body.show_signer === 'yes' || body.show_signer === true;
  return { organization: { name, key, website: website?.url ?? null, domain: website?.domain ?? null, city, region, country, role, showSigner }, errors };
}

/**
 * The organization form: the organization and the person signing for it (name, email). The
 * signer gives no postal code: the place is the organization's.
 */
export function checkOrganizationSignature(body: Record<string, unknown>): { person: PersonInput; organization: OrganizationFields; errors: FieldErrors } {
  const { organization, errors } = checkOrganizationFields(body);
  const checked = validatePerson({ given_name: body.given_name, family_name: body.family_name, email: body.email, postal_code: '00000', country: 'US' });
  const person: PersonInput = { ...checked.person, postalCode: '', country: '' };
  return { person, organization, errors: { ...errors, ...checked.errors } };
}

/** The individual form: a person as on a petition (name, email, postal code, country). */
export function checkIndividualSignature(body: Record<string, unknown>) {
  return validatePerson(body);
}

// ——— Letters, as the console and the API write them ———

export const LETTER_LIMITS = { title: 200, description: 2000, text: 20_000, targets: 50, targetName: 200, groups: 20, groupName: 100, hold: 10_000 } as const;

export interface LetterInput {
  title: string;
  /** '' for one made from the title; absent where it cannot be chosen (the API). */
  slug?: string;
  description: string;
  letterText: string;
  targets: string[];
  status: string;
  /** YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC), '' for none. */
  deadline: string;
  allowIndividuals: boolean;
  holdUntilCount: string;
  holdUntilDate: string;
  listOrder: string;
  featuredFirst: boolean;
  groups: string[];
  /** The Spanish versions ('' or null for none); absent keeps the stored ones. */
  titleEs?: string | null;
  descriptionEs?: string | null;
  letterTextEs?: string | null;
  /** The groups' Spanish names in the order of `groups` ([] or null for none); absent keeps the stored ones. */
  groupsEs?: string[] | null;
}

export interface LetterFields {
  title: string;
  slug?: string;
  description: string;
  letter_text: string;
  targets: { name: string }[];
  status: 'open' | 'closed';
  deadline: string | null;
  allow_individuals: number;
  hold_until_count: number | null;
  hold_until_date: string | null;
  list_order: ListOrder;
  featured_first: number;
  groups: string[];
  /** Null: no Spanish version; absent: the stored one stays. */
  title_es?: string | null;
  description_es?: string | null;
  letter_text_es?: string | null;
  groups_es?: string[] | null;
}

export type LetterErrors = Partial<
  Record<'title' | 'slug' | 'description' | 'letter_text' | 'targets' | 'status' | 'deadline' | 'hold_until_count' | 'hold_until_date' | 'list_order' | 'groups' | 'title_es' | 'description_es' | 'letter_text_es' | 'groups_es', string>
>;

/** The messages checkSpanish can give (both catalogs have them). */
export type LetterSpanishErrorKey = Extract<keyof typeof catalog, `openletteredit.error.${string}`>;

const english = translator('en');

/**
 * A Spanish version: optional, with the same bounds as the English text it translates; '' and
 * null store null, absent stays absent (the stored one is kept).
 */
function checkSpanish(errors: LetterErrors, field: 'title_es' | 'description_es' | 'letter_text_es', raw: string | null | undefined, max: number, oneLine: boolean): string | null | undefined {
  const { value, error } = checkSpanishVersion(raw, max, oneLine);
  if (error) errors[field] = english(`openletteredit.error.${field}_${error.problem}` as LetterSpanishErrorKey, error.problem === 'too_long' ? { max: error.max, count: error.count } : undefined);
  return value;
}

/** The groups' Spanish names: none at all, or one clean line for each group, in the same order. */
function checkSpanishGroups(errors: LetterErrors, raw: string[] | null | undefined, groups: string[]): string[] | null | undefined {
  if (raw === undefined) return undefined;
  const names = (raw ?? []).map((g) => g.trim());
  if (names.every((g) => !g)) return null;
  const max = LETTER_LIMITS.groupName;
  if (names.length !== groups.length || names.some((g) => !g)) errors.groups_es = english('openletteredit.error.groups_es_count', { groups: groups.length, names: names.filter(Boolean).length });
  else if (names.some((g) => g.length > max || !isCleanText(g))) errors.groups_es = english('openletteredit.error.groups_es_invalid', { max });
  return names;
}

/** A day or a minute, UTC, as an ISO time; null when it is not one. */
export function parseUtcTime(raw: string, endOfDay: boolean): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(raw);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m;
  const iso = `${y}-${mo}-${d}T${h ?? (endOfDay ? '23' : '00')}:${mi ?? (endOfDay ? '59' : '00')}:00.000Z`;
  const t = new Date(iso);
  if (Number.isNaN(t.getTime()) || t.toISOString() !== iso) return null;
  return iso;
}

function line(errors: LetterErrors, field: keyof LetterErrors, v: string, max: number, what: string, required: boolean): string {
  if (!v) {
    if (required) errors[field] = `Enter ${what}`;
  } else if (v.length > max) errors[field] = `${what[0]!.toUpperCase()}${what.slice(1)} must be ${max.toLocaleString('en-US')} characters or fewer (it has ${v.length.toLocaleString('en-US')})`;
  else if (!isCleanText(v)) errors[field] = `${what[0]!.toUpperCase()}${what.slice(1)} must be one line, without control characters`;
  return v;
}

/** Checks a letter field by field; `fields` only when nothing is wrong. `current` is the letter being edited. */
export function checkLetter(input: LetterInput, current?: Pick<OpenLetter, 'slug'>): { errors: LetterErrors; fields?: LetterFields } {
  const errors: LetterErrors = {};
  const title = line(errors, 'title', input.title.trim(), LETTER_LIMITS.title, 'a title', true);
  let slug: string | undefined;
  if (input.slug !== undefined) {
    slug = input.slug.trim().toLowerCase();
    if (!slug && current) errors.slug = 'Enter a web address for the letter, like end-face-surveillance';
    else if (slug && !isValidSlug(slug)) errors.slug = 'The web address can only contain lower-case letters, numbers and single hyphens, like end-face-surveillance (60 characters or fewer)';
  }
  const description = input.description.replace(/\r\n?/g, '\n').trim();
  if (description.length > LETTER_LIMITS.description) errors.description = `The description must be ${LETTER_LIMITS.description.toLocaleString('en-US')} characters or fewer`;
  else if (!isCleanText(description, true)) errors.description = 'The description contains control characters: remove them';
  const letterText = input.letterText.replace(/\r\n?/g, '\n').trim();
  if (!letterText) errors.letter_text = 'Enter the text of the letter';
  else if (letterText.length > LETTER_LIMITS.text) errors.letter_text = `The letter must be ${LETTER_LIMITS.text.toLocaleString('en-US')} characters or fewer (it has ${letterText.length.toLocaleString('en-US')})`;
  else if (!isCleanText(letterText, true)) errors.letter_text = 'The letter contains control characters: remove them';
  // In the console form's order: the Spanish versions follow the English texts.
  const titleEs = checkSpanish(errors, 'title_es', input.titleEs, LETTER_LIMITS.title, true);
  const descriptionEs = checkSpanish(errors, 'description_es', input.descriptionEs, LETTER_LIMITS.description, false);
  const letterTextEs = checkSpanish(errors, 'letter_text_es', input.letterTextEs, LETTER_LIMITS.text, false);
  const groupsEs = checkSpanishGroups(errors, input.groupsEs, input.groups.map((g) => g.trim()).filter(Boolean));
  const targets = input.targets.map((t) => t.trim()).filter(Boolean);
  if (targets.length > LETTER_LIMITS.targets) errors.targets = `Enter ${LETTER_LIMITS.targets} addressees or fewer`;
  else if (targets.some((t) => t.length > LETTER_LIMITS.targetName || !isCleanText(t))) errors.targets = `Each addressee must be one line of ${LETTER_LIMITS.targetName} characters or fewer`;
  if (input.status !== 'open' && input.status !== 'closed') errors.status = 'Choose whether the letter is open or closed';
  let deadline: string | null = null;
  if (input.deadline.trim()) {
    deadline = parseUtcTime(input.deadline.trim(), true);
    if (!deadline) errors.deadline = 'Enter the deadline as a day, like 2026-06-30, or a day and a time in UTC, like 2026-06-30T17:00';
  }
  let holdCount: number | null = null;
  if (input.holdUntilCount.trim()) {
    const n = input.holdUntilCount.trim();
    if (!/^\d{1,6}$/.test(n) || Number(n) < 1 || Number(n) > LETTER_LIMITS.hold) errors.hold_until_count = `Enter the number of organizations as a whole number from 1 to ${LETTER_LIMITS.hold.toLocaleString('en-US')}, or leave it empty`;
    else holdCount = Number(n);
  }
  let holdDate: string | null = null;
  if (input.holdUntilDate.trim()) {
    holdDate = parseUtcTime(input.holdUntilDate.trim(), false);
    if (!holdDate) errors.hold_until_date = 'Enter the day the names are published, like 2026-06-01, or a day and a time in UTC, or leave it empty';
  }
  if (input.listOrder !== 'alphabetical' && input.listOrder !== 'signed') errors.list_order = 'Choose the order of the list: alphabetical or by signing time';
  const groups = input.groups.map((g) => g.trim()).filter(Boolean);
  if (groups.length > LETTER_LIMITS.groups) errors.groups = `Enter ${LETTER_LIMITS.groups} groups or fewer`;
  else if (groups.some((g) => g.length > LETTER_LIMITS.groupName || !isCleanText(g))) errors.groups = `Each group must be one line of ${LETTER_LIMITS.groupName} characters or fewer`;
  else if (new Set(groups.map((g) => g.toLowerCase())).size !== groups.length) errors.groups = 'Each group must have a name of its own';
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    fields: {
      title,
      ...(slug ? { slug } : {}),
      description,
      letter_text: letterText,
      targets: targets.map((name) => ({ name })),
      status: input.status as 'open' | 'closed',
      deadline,
      allow_individuals: input.allowIndividuals ? 1 : 0,
      hold_until_count: holdCount,
      hold_until_date: holdDate,
      list_order: input.listOrder as ListOrder,
      featured_first: input.featuredFirst ? 1 : 0,
      groups,
      ...(titleEs === undefined ? {} : { title_es: titleEs }),
      ...(descriptionEs === undefined ? {} : { description_es: descriptionEs }),
      ...(letterTextEs === undefined ? {} : { letter_text_es: letterTextEs }),
      ...(groupsEs === undefined ? {} : { groups_es: groupsEs }),
    },
  };
}
