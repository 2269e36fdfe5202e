// The rules for a fundraising page's fields, shared by the console and the API before
// createPage/updatePage (service.ts) write anything. Problems are message keys
// (messages.ts, `donationedit.error.*`) that each surface says its own way.
import './messages.ts';
import type { en } from './messages.ts';
import type { FieldError } from '../actions/people/validate.ts';
import { isCleanText } from '../actions/people/normalize.ts';
import { isCurrency, MAX_MINOR, parseAmount, decimalString } from './money.ts';
import type { FundraisingPage, Processor } from './tables.ts';
import { parseClosesAt } from '../actions/closing-time.ts';
import { checkSpanishVersion } from '../actions/spanish-version.ts';

/** A web address as turnout writes them: lower-case letters and digits in words joined by hyphens. */
const isValidSlug = (slug: string) => /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug);

export const PAGE_LIMITS = { title: 200, slug: 100, description: 20000, amounts: 8, actblueForm: 100 } as const;

/** A page as typed into the console or sent to the API, before it is checked. Amounts are decimal texts ("25", "10.50"). */
export interface PageInput {
  title: string;
  slug?: string;
  description: string;
  currency: string;
  goal: string;
  amounts: string[];
  minimum: string;
  maximum: string;
  allowMonthly: boolean;
  offerFeeCover: boolean;
  processor: string;
  actblueForm: string;
  actblueRefcode: string;
  status: string;
  originSystem?: string;
  /** The closing time as typed ('' for none); absent: left as it is (the API). */
  closesAt?: string | null;
  /** The Spanish versions ('' or null for none); absent keeps the stored ones. */
  titleEs?: string | null;
  descriptionEs?: string | null;
}

/** What createPage and updatePage write. */
export interface PageFields {
  title: string;
  slug?: string;
  description: string;
  currency: string;
  goal_minor: number | null;
  amounts: number[];
  min_minor: number;
  max_minor: number;
  allow_monthly: boolean;
  offer_fee_cover: boolean;
  processor: Processor;
  actblue_form: string | null;
  actblue_refcode: string | null;
  status: 'open' | 'closed';
  origin_system?: string;
  /** Absent: left as it is. */
  closes_at?: string | null;
  /** The Spanish versions (null: none); absent: left as they are. */
  title_es?: string | null;
  description_es?: string | null;
}

export type PageField = 'title' | 'slug' | 'description' | 'currency' | 'goal' | 'amounts' | 'minimum' | 'maximum' | 'processor' | 'actblue_form' | 'actblue_refcode' | 'status' | 'origin_system' | 'closes_at' | 'title_es' | 'description_es';
export type PageErrorKey = Extract<keyof typeof en, `donationedit.error.${string}`>;
export type PageFieldErrors = Partial<Record<PageField, FieldError & { key: PageErrorKey }>>;

const PROCESSORS: readonly Processor[] = ['stripe', 'actblue', 'pledge'];

export function pageInputOf(p: FundraisingPage): PageInput {
  return {
    title: p.title,
    slug: p.slug,
    description: p.description,
    currency: p.currency,
    goal: p.goal_minor === null ? '' : decimalString(p.goal_minor, p.currency),
    amounts: (JSON.parse(p.amounts) as number[]).map((a) => decimalString(a, p.currency)),
    minimum: decimalString(p.min_minor, p.currency),
    maximum: decimalString(p.max_minor, p.currency),
    allowMonthly: p.allow_monthly === 1,
    offerFeeCover: p.offer_fee_cover === 1,
    processor: p.processor,
    actblueForm: p.actblue_form ?? '',
    actblueRefcode: p.actblue_refcode ?? '',
    status: p.status,
    titleEs: p.title_es,
    descriptionEs: p.description_es,
  };
}

const chars = (s: string) => [...s].length;

/** A Spanish version (src/actions/spanish-version.ts), its problem said in this field's keys. */
function checkSpanish(
  errors: PageFieldErrors,
  field: 'title_es' | 'description_es',
  raw: string | null | undefined,
  max: number,
  oneLine: boolean,
  keys: { tooLong: PageErrorKey; invalid: PageErrorKey },
): string | null | undefined {
  const { value, error } = checkSpanishVersion(raw, max, oneLine);
  if (error) errors[field] = error.problem === 'too_long' ? { key: keys.tooLong, values: { max: error.max, count: error.count } } : { key: keys.invalid };
  return value;
}

/** A positive amount of the currency, at most MAX_MINOR; '' is none when `optional`. */
function amount(errors: PageFieldErrors, field: PageField, raw: string, currency: string, optional: boolean): number | null {
  const v = raw.trim();
  if (!v) {
    if (!optional) errors[field] = { key: 'donationedit.error.amount_required' };
    return null;
  }
  const parsed = parseAmount(v, currency);
  if ('problem' in parsed) {
    errors[field] = { key: parsed.problem === 'too_many_decimals' ? 'donationedit.error.amount_decimals' : 'donationedit.error.amount_invalid', values: { value: v.slice(0, 30) } };
    return null;
  }
  if (parsed.minor <= 0) errors[field] = { key: 'donationedit.error.amount_positive', values: { value: v.slice(0, 30) } };
  else if (parsed.minor > MAX_MINOR) errors[field] = { key: 'donationedit.error.amount_too_large', values: { value: v.slice(0, 30) } };
  return errors[field] ? null : parsed.minor;
}

/** Checks a page field by field, in the console form's order; nothing is written here. */
export function checkPage(input: PageInput, options: { current?: Pick<FundraisingPage, 'slug'> } = {}): { errors: PageFieldErrors; fields?: PageFields } {
  const errors: PageFieldErrors = {};
  const title = input.title.trim();
  if (!title) errors.title = { key: 'donationedit.error.title_required' };
  else if (chars(title) > PAGE_LIMITS.title) errors.title = { key: 'donationedit.error.too_long', values: { max: PAGE_LIMITS.title } };
  else if (!isCleanText(title)) errors.title = { key: 'donationedit.error.invalid_text' };

  const slug = input.slug?.trim();
  if (slug !== undefined) {
    if (!slug) {
      if (options.current) errors.slug = { key: 'donationedit.error.slug_required' };
    } else if (slug.length > PAGE_LIMITS.slug || !isValidSlug(slug)) errors.slug = { key: 'donationedit.error.slug_invalid' };
  }

  const description = input.description.replace(/\r\n?/g, '\n').trim();
  if (chars(description) > PAGE_LIMITS.description) errors.description = { key: 'donationedit.error.too_long', values: { max: PAGE_LIMITS.description } };
  else if (!isCleanText(description, true)) errors.description = { key: 'donationedit.error.invalid_text' };

  const titleEs = checkSpanish(errors, 'title_es', input.titleEs, PAGE_LIMITS.title, true, {
    tooLong: 'donationedit.error.title_es_too_long',
    invalid: 'donationedit.error.title_es_invalid',
  });
  const descriptionEs = checkSpanish(errors, 'description_es', input.descriptionEs, PAGE_LIMITS.description, false, {
    tooLong: 'donationedit.error.description_es_too_long',
    invalid: 'donationedit.error.description_es_invalid',
  });

  const currency = input.currency.trim().toUpperCase() || 'USD';
  if (!isCurrency(currency)) errors.currency = { key: 'donationedit.error.currency' };
  const cur = errors.currency ? 'USD' : currency;

  const goal = amount(errors, 'goal', input.goal, cur, true);
  const amounts: number[] = [];
  const typed = input.amounts.map((a) => a.trim()).filter(Boolean);
  if (typed.length > PAGE_LIMITS.amounts) errors.amounts = { key: 'donationedit.error.amounts_too_many', values: { max: PAGE_LIMITS.amounts } };
  else {
    for (const a of typed) {
      const minor = amount(errors, 'amounts', a, cur, false);
      if (minor === null) break;
      if (!amounts.includes(minor)) amounts.push(minor);
    }
  }
  const min = amount(errors, 'minimum', input.minimum, cur, false);
  const max = amount(errors, 'maximum', input.maximum, cur, false);
  if (min !== null && max !== null && min > max) errors.maximum = { key: 'donationedit.error.max_below_min' };
  if (min !== null && max !== null && !errors.amounts && amounts.some((a) => a < min || a > max)) errors.amounts = { key: 'donationedit.error.amounts_outside' };

  const processor = PROCESSORS.find((p) => p === input.processor);
  if (!processor) errors.processor = { key: 'donationedit.error.processor' };
  const actblueForm = input.actblueForm.trim();
  const actblueRefcode = input.actblueRefcode.trim();
  if (processor === 'actblue' && !actblueForm) errors.actblue_form = { key: 'donationedit.error.actblue_form_required' };
  else if (actblueForm && (actblueForm.length > PAGE_LIMITS.actblueForm || !/^[A-Za-z0-9_-]+$/.test(actblueForm))) errors.actblue_form = { key: 'donationedit.error.actblue_form' };
  if (actblueRefcode && (actblueRefcode.length > PAGE_LIMITS.actblueForm || !/^[A-Za-z0-9_.-]+$/.test(actblueRefcode))) errors.actblue_refcode = { key: 'donationedit.error.actblue_refcode' };

  const status = input.status === 'open' || input.status === 'closed' ? input.status : null;
  if (!status) errors.status = { key: 'donationedit.error.status' };
  const originSystem = input.originSystem?.trim();
  if (originSystem !== undefined && (!originSystem || originSystem.length > 100 || !isCleanText(originSystem))) errors.origin_system = { key: 'donationedit.error.origin_system' };

  let closesAt: string | null | undefined = input.closesAt === undefined ? undefined : null;
  if (typeof input.closesAt === 'string' && input.closesAt.trim()) {
    closesAt = parseClosesAt(input.closesAt);
    if (!closesAt) errors.closes_at = { key: 'donationedit.error.closes_at' };
  }

  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    fields: {
      title,
      slug: slug || undefined,
      description,
      currency,
      goal_minor: goal,
      amounts,
      min_minor: min!,
      max_minor: max!,
      allow_monthly: input.allowMonthly,
      offer_fee_cover: input.offerFeeCover,
      processor: processor!,
      actblue_form: actblueForm || null,
      actblue_refcode: actblueRefcode || null,
      status: status!,
      ...(originSystem === undefined ? {} : { origin_system: originSystem }),
      ...(closesAt === undefined ? {} : { closes_at: closesAt }),
      ...(titleEs === undefined ? {} : { title_es: titleEs }),
      ...(descriptionEs === undefined ? {} : { description_es: descriptionEs }),
    },
  };
}
