import { Type, type Static } from '@sinclair/typebox';
import { validatePerson, type FieldError, type PersonInput } from '../../actions/people/validate.ts';
import { hasVisibleText, isCleanText } from '../../actions/people/normalize.ts';
import { isLanguage, translator, type Language, type MessageKey } from '../../i18n/index.ts';
import { badRequest } from './errors.ts';
import { Nullable } from './schema.ts';
import { IdentifiersBody } from './identifiers.ts';

// OSDI's email statuses. Only `subscribed` and `unsubscribed` mean something to a helper.
const EMAIL_STATUSES = ['subscribed', 'unsubscribed', 'bouncing', 'previous bounce', 'spam complaint', 'previous spam complaint'];

const EmailAddress = Type.Object({
  address: Type.String({ maxLength: 1000 }),
  primary: Type.Optional(Type.Unknown()),
  status: Type.Optional(Nullable(Type.Union(EMAIL_STATUSES.map((s) => Type.Literal(s))))),
});

const PostalAddress = Type.Object({
  primary: Type.Optional(Type.Unknown()),
  address_lines: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 5 }))),
  locality: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  region: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  postal_code: Type.Optional(Nullable(Type.String())),
  country: Type.Optional(Nullable(Type.String())),
});

const PhoneNumber = Type.Object({
  number: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
  primary: Type.Optional(Type.Unknown()),
});

// Action Network's person fields turnout keeps; any other field is ignored, so clients may send whole resources back.
const personFields = {
  given_name: Type.Optional(Nullable(Type.String())),
  family_name: Type.Optional(Nullable(Type.String())),
  postal_addresses: Type.Optional(Nullable(Type.Array(PostalAddress, { maxItems: 10 }))),
  phone_numbers: Type.Optional(Nullable(Type.Array(PhoneNumber, { maxItems: 10 }))),
  languages_spoken: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 10 }))),
  custom_fields: Type.Optional(Nullable(Type.Record(Type.String(), Nullable(Type.String())))),
};

/** The `person` of the signup and record helpers, in OSDI's shape: an email address is required. */
export const PersonBody = Type.Object({ ...personFields, email_addresses: Type.Array(EmailAddress, { minItems: 1, maxItems: 10 }) });
export type PersonBody = Static<typeof PersonBody>;

/** The `person` of the signup helper: a PersonBody with the identifiers other systems give it (`mycrm:42`). */
export const PersonSignupBody = Type.Object({ ...PersonBody.properties, identifiers: Type.Optional(IdentifiersBody) });
export type PersonSignupBody = Static<typeof PersonSignupBody>;

/** A `PUT /people/:id` body: every field optional, `null` clears it; identifiers sent are added. */
export const PersonUpdateBody = Type.Object({
  ...personFields,
  email_addresses: Type.Optional(Type.Array(EmailAddress, { minItems: 1, maxItems: 10 })),
  identifiers: Type.Optional(IdentifiersBody),
});
export type PersonUpdateBody = Static<typeof PersonUpdateBody>;

export const TagsBody = Type.Array(Type.String(), { maxItems: 50 });

export interface ApiPerson {
  person: PersonInput;
  /** From the primary email's status: subscribed → true, unsubscribed → false, otherwise null. */
  optIn: boolean | null;
  /** The first of `languages_spoken` when it is one turnout speaks, else null. */
  language: Language | null;
}

// Where each field checked by validatePerson lives in an OSDI person.
const API_FIELD: Record<string, string> = {
  given_name: 'person.given_name',
  family_name: 'person.family_name',
  email: 'person.email_addresses[0].address',
  postal_code: 'person.postal_addresses[0].postal_code',
  country: 'person.postal_addresses[0].country',
};

/** Where a field checked by validatePerson lives, under `prefix` (`person`, or '' for a PUT's body). */
export function apiField(field: string, prefix = 'person'): string {
  const name = API_FIELD[field] ?? `person.${field}`;
  return prefix ? name.replace(/^person/, prefix) : name.slice('person.'.length);
}

/** The address marked `primary`, else the first: Action Network's rule for which one counts. */
export function primaryOf<T extends { primary?: unknown }>(items: readonly T[] | null | undefined): T | undefined {
  return items?.find((i) => i.primary === true) ?? items?.[0];
}

/**
 * Checks a person with the same rules as the public forms, except that only the email address
 * is required: Action Network's helpers accept a person with nothing else, and its clients rely on it.
 */
export function readPerson(body: PersonBody, prefix = 'person'): ApiPerson {
  const email = primaryOf(body.email_addresses)!;
  const postal = primaryOf(body.postal_addresses);
  const input = {
    given_name: body.given_name ?? '',
    family_name: body.family_name ?? '',
    email: email.address,
    postal_code: postal?.postal_code ?? '',
    country: postal?.country ?? '',
  };
  const { person, errors } = validatePerson(input);
  for (const field of ['given_name', 'family_name', 'postal_code'] as const) {
    if (input[field].trim() === '' && errors[field]?.key === 'form.error.required') delete errors[field];
  }
  const messages = Object.entries(errors).map(([field, error]) => `${apiField(field, prefix)}: ${english(error!)}`);
  if (messages.length > 0) throw badRequest(`Invalid person: ${messages.join('; ')}`);
  // No postal address sent: keep no country either, rather than validatePerson's default.
  if (!person.postalCode && !input.country.trim()) person.country = '';
  return { person, optIn: optInOf(email.status), language: languageOf(body.languages_spoken) };
}

export const optInOf = (status: string | null | undefined) => (status === 'subscribed' ? true : status === 'unsubscribed' ? false : null);

/** The first language spoken that turnout speaks (it writes to people in it), by its code (`es-MX` is `es`); else null. */
export function languageOf(languages: readonly string[] | null | undefined): Language | null {
  for (const raw of languages ?? []) {
    const language = raw.trim().toLowerCase().split(/[-_]/)[0];
    if (isLanguage(language)) return language;
  }
  return null;
}

const en = translator('en');

export function english(error: FieldError): string {
  const values = { ...error.values };
  if (typeof values.field === 'string') values.field = en(values.field as MessageKey);
  return en(error.key, values);
}

/** Tags to add, trimmed; each must be a short clean name. */
export function readTags(tags: string[] | undefined, field = 'add_tags'): string[] {
  return (tags ?? []).map((raw, i) => readTagName(raw, `${field}[${i}]`));
}

/** One tag name, trimmed: short, clean, with something that shows. */
export function readTagName(raw: string, field: string): string {
  const tag = raw.trim();
  if (!tag) throw badRequest(`${field} must not be empty`);
  if (tag.length > 100) throw badRequest(`${field} must be 100 characters or fewer`);
  if (!isCleanText(tag)) throw badRequest(`${field} contains control or invalid characters`);
  if (!hasVisibleText(tag)) throw badRequest(`${field} must have letters or numbers that show, not only invisible characters`);
  return tag;
}

/**
 * A phone number as stored and compared: its digits, with the leading `+` of an international
 * number kept; '' when it is not 7 to 15 digits in the usual punctuation.
 */
export function normalizePhone(raw: string): string {
  const v = raw.trim();
  if (!/^\+?[\d\s().-]+$/.test(v)) return '';
  const digits = v.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return '';
  return (v.startsWith('+') ? '+' : '') + digits;
}
