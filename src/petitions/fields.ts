// The rules for a petition's fields: the checks the console and the API share before
// createPetition/updatePetition (service.ts) write anything. What is wrong is said in message
// keys (messages.ts) that each surface turns into its answer: the console in English beside
// the fields, the API as the `{ error }` texts it has always given (api/input.ts).
import './messages.ts';
import type { en } from './messages.ts';
import type { FieldError } from '../actions/people/validate.ts';
import { isCleanText } from '../actions/people/normalize.ts';
import { parseClosesAt } from '../actions/closing-time.ts';
import { checkSpanishVersion } from '../actions/spanish-version.ts';
import type { Petition } from './tables.ts';
import { isValidSlug, PETITION_LIMITS, targetsOf, type PetitionFields } from './service.ts';

/** Bounds on a petition's fields; `originSystem` is set only through the API. */
export const PETITION_FIELD_LIMITS = { ...PETITION_LIMITS, originSystem: 100 } as const;

/** A petition as typed into the console or sent to the API, before it is checked. */
export interface PetitionInput {
  title: string;
  /** The web address wanted: '' for one made from the title; absent where it cannot be chosen (the API). */
  slug?: string;
  description: string;
  petitionText: string;
  /** One name each, as typed; the console drops blank lines before. */
  targets: string[];
  /** A whole number from the API, the text of the form's field ('' for none), or null for none. */
  goal: string | number | null;
  confirmationRequired: boolean;
  status: string;
  /** The system the petition comes from (API only); absent keeps the stored one. */
  originSystem?: string;
  /** When it closes by itself: a day (`2026-06-30`, at its end) or a day and a time in UTC; '' or null for never; absent keeps the stored one. */
  closesAt?: string | null;
  /** The Spanish versions ('' or null for none); absent keeps the stored ones. */
  titleEs?: string | null;
  descriptionEs?: string | null;
  petitionTextEs?: string | null;
}

/** The fields checkPetition names, with the form's and the API's meaning. */
export type PetitionField = 'title' | 'slug' | 'description' | 'petition_text' | 'targets' | 'goal' | 'status' | 'origin_system' | 'closes_at' | 'title_es' | 'description_es' | 'petition_text_es';

/** The messages of petitionedit.error.*: everything checkPetition (and the slug's availability) can say. */
export type PetitionErrorKey = Extract<keyof typeof en, `petitionedit.error.${string}`>;

export type PetitionFieldError = FieldError & { key: PetitionErrorKey };
export type PetitionFieldErrors = Partial<Record<PetitionField, PetitionFieldError>>;

export interface PetitionCheckOptions {
  /** The petition being edited: its web address may not be left blank. */
  current?: Pick<Petition, 'slug'>;
  /** Whether the petition text may be empty (the API, whose clients may import petitions without one). */
  textOptional?: boolean;
}

/** What the form and the API start from for a petition as it is stored: the reverse of checkPetition. */
export function petitionInputOf(p: Petition): PetitionInput {
  return {
    title: p.title,
    slug: p.slug,
    description: p.description,
    petitionText: p.petition_text,
    targets: targetsOf(p).map((t) => t.name),
    goal: p.goal,
    confirmationRequired: p.confirmation_required === 1,
    status: p.status,
    closesAt: p.closes_at,
    titleEs: p.title_es,
    descriptionEs: p.description_es,
    petitionTextEs: p.petition_text_es,
  };
}

/** A closing time as typed (src/actions/closing-time.ts): fundraising pages and letter campaigns read it the same way. */
export { parseClosesAt };

const chars = (s: string) => [...s].length;
const multiline = (raw: string) => raw.replace(/\r\n?/g, '\n').trim();

interface LineKeys {
  required: PetitionErrorKey;
  tooLong: PetitionErrorKey;
  invalid: PetitionErrorKey;
}

/** A one-line field: empty, then too long, then unclean. */
function checkLine(errors: PetitionFieldErrors, field: PetitionField, raw: string, max: number, keys: LineKeys): string {
  const v = raw.trim();
  if (!v) errors[field] = { key: keys.required };
  else if (chars(v) > max) errors[field] = { key: keys.tooLong, values: { max, count: chars(v) } };
  else if (!isCleanText(v)) errors[field] = { key: keys.invalid };
  return v;
}

/** A text that may run over several lines; `required` names the message for an empty one. */
function checkText(errors: PetitionFieldErrors, field: PetitionField, raw: string, keys: Omit<LineKeys, 'required'> & { required?: PetitionErrorKey }): string {
  const v = multiline(raw);
  const max = PETITION_FIELD_LIMITS.text;
  if (!v && keys.required) errors[field] = { key: keys.required };
  else if (chars(v) > max) errors[field] = { key: keys.tooLong, values: { max, count: chars(v) } };
  else if (!isCleanText(v, true)) errors[field] = { key: keys.invalid };
  return v;
}

/** A Spanish version (src/actions/spanish-version.ts), its problem said in this field's keys. */
function checkSpanish(errors: PetitionFieldErrors, field: PetitionField, raw: string | null | undefined, max: number, oneLine: boolean, keys: Omit<LineKeys, 'required'>): string | null | undefined {
  const { value, error } = checkSpanishVersion(raw, max, oneLine);
  if (error) errors[field] = error.problem === 'too_long' ? { key: keys.tooLong, values: { max: error.max, count: error.count } } : { key: keys.invalid };
  return value;
}

function checkTargets(errors: PetitionFieldErrors, raw: string[]): string[] {
  const { targets: max, targetName } = PETITION_FIELD_LIMITS;
  if (raw.length > max) {
    errors.targets = { key: 'petitionedit.error.targets_too_many', values: { max, count: raw.length } };
    return [];
  }
  const names = raw.map((t) => t.trim());
  for (const [index, name] of names.entries()) {
    if (!name) errors.targets = { key: 'petitionedit.error.target_empty', values: { index } };
    else if (chars(name) > targetName) errors.targets = { key: 'petitionedit.error.target_too_long', values: { max: targetName, index } };
    else if (!isCleanText(name)) errors.targets = { key: 'petitionedit.error.target_invalid', values: { index } };
    if (errors.targets) break;
  }
  return names;
}

function checkGoal(errors: PetitionFieldErrors, raw: string | number | null): number | null {
  const max = PETITION_FIELD_LIMITS.goal;
  if (raw === null) return null;
  let goal: number;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw)) {
      errors.goal = { key: 'petitionedit.error.goal_whole' };
      return null;
    }
    goal = raw;
  } else {
    const digits = raw.replace(/[\s,_]/g, '');
    if (!digits) return null;
    if (/^-\d+$/.test(digits)) goal = -1;
    else if (!/^\d+$/.test(digits)) {
      errors.goal = { key: 'petitionedit.error.goal_whole' };
      return null;
    } else goal = Number(digits);
  }
  if (goal < 1) errors.goal = { key: 'petitionedit.error.goal_min' };
  else if (goal > max) errors.goal = { key: 'petitionedit.error.goal_max', values: { max } };
  return errors.goal ? null : goal;
}

/**
 * Checks a petition field by field, in the order of the console's form, and says what is wrong
 * with each in message keys the console (English) and the API (its own texts) turn into their
 * answer. Whether a web address is free is the caller's to ask; nothing is written here.
 */
export function checkPetition(input: PetitionInput, options: PetitionCheckOptions = {}): { errors: PetitionFieldErrors; fields?: PetitionFields } {
  const errors: PetitionFieldErrors = {};
  const title = checkLine(errors, 'title', input.title, PETITION_FIELD_LIMITS.title, {
    required: 'petitionedit.error.title_required',
    tooLong: 'petitionedit.error.title_too_long',
    invalid: 'petitionedit.error.title_invalid',
  });

  const slug = input.slug?.trim();
  if (slug === undefined) {
    // Not chosen here: the stored one stays, a new petition's is made from its title.
  } else if (!slug) {
    if (options.current) errors.slug = { key: 'petitionedit.error.slug_required' };
  } else if (slug.length > PETITION_FIELD_LIMITS.slug) errors.slug = { key: 'petitionedit.error.slug_too_long', values: { max: PETITION_FIELD_LIMITS.slug } };
  else if (!isValidSlug(slug)) errors.slug = { key: 'petitionedit.error.slug_invalid' };

  const description = checkText(errors, 'description', input.description, {
    tooLong: 'petitionedit.error.description_too_long',
    invalid: 'petitionedit.error.description_invalid',
  });
  const petitionText = checkText(errors, 'petition_text', input.petitionText, {
    required: options.textOptional ? undefined : 'petitionedit.error.text_required',
    tooLong: 'petitionedit.error.text_too_long',
    invalid: 'petitionedit.error.text_invalid',
  });
  const titleEs = checkSpanish(errors, 'title_es', input.titleEs, PETITION_FIELD_LIMITS.title, true, {
    tooLong: 'petitionedit.error.title_es_too_long',
    invalid: 'petitionedit.error.title_es_invalid',
  });
  const descriptionEs = checkSpanish(errors, 'description_es', input.descriptionEs, PETITION_FIELD_LIMITS.text, false, {
    tooLong: 'petitionedit.error.description_es_too_long',
    invalid: 'petitionedit.error.description_es_invalid',
  });
  const petitionTextEs = checkSpanish(errors, 'petition_text_es', input.petitionTextEs, PETITION_FIELD_LIMITS.text, false, {
    tooLong: 'petitionedit.error.text_es_too_long',
    invalid: 'petitionedit.error.text_es_invalid',
  });
  const targets = checkTargets(errors, input.targets);
  const goal = checkGoal(errors, input.goal);
  const status = input.status === 'open' || input.status === 'closed' ? input.status : null;
  let closesAt: string | null | undefined = input.closesAt === undefined ? undefined : null;
  if (typeof input.closesAt === 'string' && input.closesAt.trim()) {
    closesAt = parseClosesAt(input.closesAt);
    if (!closesAt) errors.closes_at = { key: 'petitionedit.error.closes_at' };
  }
  if (!status) errors.status = { key: 'petitionedit.error.status' };
  const originSystem =
    input.originSystem === undefined
      ? undefined
      : checkLine(errors, 'origin_system', input.originSystem, PETITION_FIELD_LIMITS.originSystem, {
          required: 'petitionedit.error.origin_required',
          tooLong: 'petitionedit.error.origin_too_long',
          invalid: 'petitionedit.error.origin_invalid',
        });

  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    fields: {
      title,
      slug: slug || undefined,
      description,
      petition_text: petitionText,
      targets: targets.map((name) => ({ name })),
      goal,
      confirmation_required: input.confirmationRequired,
      status: status!,
      ...(originSystem === undefined ? {} : { origin_system: originSystem }),
      ...(closesAt === undefined ? {} : { closes_at: closesAt }),
      ...(titleEs === undefined ? {} : { title_es: titleEs }),
      ...(descriptionEs === undefined ? {} : { description_es: descriptionEs }),
      ...(petitionTextEs === undefined ? {} : { petition_text_es: petitionTextEs }),
    },
  };
}
