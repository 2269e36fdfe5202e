import { Type, type Static } from '@sinclair/typebox';
import '../messages.ts';
import { translator } from '../../i18n/index.ts';
import type { FundraisingPage } from '../tables.ts';
import { checkPage, pageInputOf, type PageField, type PageFieldErrors, type PageFields, type PageInput } from '../fields.ts';
import { ApiError, badRequest } from '../../kits/api/errors.ts';
import { Nullable } from '../../kits/api/schema.ts';

// A fundraising page's body: its shape and types here; the rules for the values (lengths, clean
// text, amounts, the processor's needs) are checkPage's, the same as the console's.

/** An amount as Action Network writes one ("10.00"), or a JSON number. */
const Amount = Type.Union([Type.String({ maxLength: 40 }), Type.Number()]);

// Fields both create and update accept; `null` clears an optional one on update.
const fields = {
  description: Type.Optional(Nullable(Type.String())),
  origin_system: Type.Optional(Type.String()),
  currency: Type.Optional(Type.String({ maxLength: 10 })),
  'turnout:goal': Type.Optional(Nullable(Amount)),
  'turnout:suggested_amounts': Type.Optional(Nullable(Type.Array(Amount, { maxItems: 50 }))),
  'turnout:minimum_amount': Type.Optional(Amount),
  'turnout:maximum_amount': Type.Optional(Amount),
  'turnout:processor': Type.Optional(Type.Union([Type.Literal('stripe'), Type.Literal('actblue'), Type.Literal('pledge')])),
  'turnout:actblue_form': Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  'turnout:actblue_refcode': Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  'turnout:allow_monthly': Type.Optional(Type.Boolean()),
  'turnout:offer_fee_cover': Type.Optional(Type.Boolean()),
  'turnout:status': Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
  'turnout:closes_at': Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  // The Spanish versions of the texts (src/kits/pages/localized.ts); null removes one.
  'turnout:title_es': Type.Optional(Nullable(Type.String())),
  'turnout:description_es': Type.Optional(Nullable(Type.String())),
};

export const PageCreateBody = Type.Object({ title: Type.String(), ...fields });
export type PageCreateBody = Static<typeof PageCreateBody>;

export const PageUpdateBody = Type.Object({ title: Type.Optional(Type.String()), ...fields });
export type PageUpdateBody = Static<typeof PageUpdateBody>;

/** Each of checkPage's fields as the API names it. */
const API_FIELD: Record<PageField, string> = {
  title: 'title',
  slug: 'slug',
  description: 'description',
  currency: 'currency',
  goal: 'turnout:goal',
  amounts: 'turnout:suggested_amounts',
  minimum: 'turnout:minimum_amount',
  maximum: 'turnout:maximum_amount',
  processor: 'turnout:processor',
  actblue_form: 'turnout:actblue_form',
  actblue_refcode: 'turnout:actblue_refcode',
  status: 'turnout:status',
  origin_system: 'origin_system',
  closes_at: 'turnout:closes_at',
  title_es: 'turnout:title_es',
  description_es: 'turnout:description_es',
};

const en = translator('en');

/** checkPage's errors as one 400, a sentence per field, in the console's English. */
function apiErrors(errors: PageFieldErrors): ApiError {
  const messages = (Object.entries(errors) as [PageField, NonNullable<PageFieldErrors[PageField]>][]).map(
    ([field, e]) => `${API_FIELD[field]}: ${en(e.key, e.values)}`,
  );
  return badRequest(messages.join('; '));
}

/** An amount of the body as checkPage reads amounts (a decimal text); a negative one is refused here, by name. */
function amountText(field: string, raw: string | number): string {
  const text = typeof raw === 'number' ? (Number.isFinite(raw) ? String(raw) : 'NaN') : raw;
  if (/^\s*-\s*\d/.test(text)) throw badRequest(`${field}: ${en('donationedit.error.amount_positive', { value: text.trim().slice(0, 30) })}`);
  return text;
}

/** What a page made through the API is unless the body says otherwise: open, in dollars, on Stripe. */
const BLANK: PageInput = {
  title: '',
  description: '',
  currency: 'USD',
  goal: '',
  amounts: ['10', '25', '50', '100'],
  minimum: '1',
  maximum: '10000',
  allowMonthly: true,
  offerFeeCover: false,
  processor: 'stripe',
  actblueForm: '',
  actblueRefcode: '',
  status: 'open',
};

/** "10.00" → "10", "10.50" → "10.5": the page's amounts as they read in any currency, for a change of currency. */
const plain = (amount: string) => (amount.includes('.') ? amount.replace(/\.?0+$/, '') : amount);

/** A body over a page's input: on create over BLANK, on update over the page as it is (PUT merges; null clears). */
function applyBody(base: PageInput, body: PageUpdateBody): PageInput {
  const next: PageInput = { ...base, amounts: [...base.amounts] };
  delete next.slug; // an API client does not choose the web address
  // checkPage takes a blank currency as dollars, as the console's empty field; a client must name one.
  if (body.currency !== undefined && !body.currency.trim()) throw badRequest(`currency: ${en('donationedit.error.currency')}`);
  if (body.currency !== undefined && body.currency.trim().toUpperCase() !== base.currency) {
    // Amounts the body leaves out are kept in the new currency's terms, if they fit it.
    next.goal = plain(next.goal);
    next.amounts = next.amounts.map(plain);
    next.minimum = plain(next.minimum);
    next.maximum = plain(next.maximum);
    next.currency = body.currency;
  }
  if (body.title !== undefined) next.title = body.title;
  if (body.description !== undefined) next.description = body.description ?? '';
  if (body.origin_system !== undefined) next.originSystem = body.origin_system;
  const goal = body['turnout:goal'];
  if (goal !== undefined) next.goal = goal === null ? '' : amountText('turnout:goal', goal);
  const amounts = body['turnout:suggested_amounts'];
  if (amounts !== undefined) next.amounts = (amounts ?? []).map((a, i) => amountText(`turnout:suggested_amounts[${i}]`, a));
  if (body['turnout:minimum_amount'] !== undefined) next.minimum = amountText('turnout:minimum_amount', body['turnout:minimum_amount']);
  if (body['turnout:maximum_amount'] !== undefined) next.maximum = amountText('turnout:maximum_amount', body['turnout:maximum_amount']);
  if (body['turnout:processor'] !== undefined) next.processor = body['turnout:processor'];
  if (body['turnout:actblue_form'] !== undefined) next.actblueForm = body['turnout:actblue_form'] ?? '';
  if (body['turnout:actblue_refcode'] !== undefined) next.actblueRefcode = body['turnout:actblue_refcode'] ?? '';
  if (body['turnout:allow_monthly'] !== undefined) next.allowMonthly = body['turnout:allow_monthly'];
  if (body['turnout:offer_fee_cover'] !== undefined) next.offerFeeCover = body['turnout:offer_fee_cover'];
  if (body['turnout:status'] !== undefined) next.status = body['turnout:status'];
  if (body['turnout:closes_at'] !== undefined) next.closesAt = body['turnout:closes_at'];
  if (body['turnout:title_es'] !== undefined) next.titleEs = body['turnout:title_es'];
  if (body['turnout:description_es'] !== undefined) next.descriptionEs = body['turnout:description_es'];
  return next;
}

function checked(input: PageInput, current?: FundraisingPage): PageFields {
  const { errors, fields } = checkPage(input, current ? { current } : {});
  if (!fields) throw apiErrors(errors);
  return fields;
}

/** What a new page is made of; read-only fields such as `total_amount` are ignored. */
export function pageFields(body: PageCreateBody): PageFields {
  return checked(applyBody(BLANK, body));
}

/** The page as a PUT makes it: the body over the page as it is, checked whole as on create. */
export function pageChanges(page: FundraisingPage, body: PageUpdateBody): PageFields {
  return checked(applyBody({ ...pageInputOf(page), originSystem: page.origin_system }, body), page);
}
