import { Type, type Static } from '@sinclair/typebox';
import { validatePerson, type FieldError, type PersonInput } from '../../actions/people/validate.ts';
import { hasVisibleText, isCleanText } from '../../actions/people/normalize.ts';
import { isLanguage, translator, type Language, type MessageKey } from '../../i18n/index.ts';
import { badRequest } from './errors.ts';
import { Nullable } from './schema.ts';

// OSDI's email statuses. Only `subscribed` and `unsubscribed` mean something to a helper.
const EMAIL_STATUSES = ['subscribed', 'unsubscribed', 'bouncing', 'previous bounce', 'spam complaint', 'previous spam complaint'];

/** The `person` of the signup and record helpers, in OSDI's shape. Fields we do not keep are ignored. */
export const PersonBody = Type.Object({
  given_name: Type.Optional(Nullable(Type.String())),
  family_name: Type.Optional(Nullable(Type.String())),
  email_addresses: Type.Array(
    Type.Object({
      address: Type.String(),
      primary: Type.Optional(Type.Unknown()),
      status: Type.Optional(Nullable(Type.Union(EMAIL_STATUSES.map((s) => Type.Literal(s))))),
    }),
    { minItems: 1, maxItems: 10 },
  ),
  postal_addresses: Type.Optional(
    Type.Array(
      Type.Object({
        postal_code: Type.Optional(Nullable(Type.String())),
        country: Type.Optional(Nullable(Type.String())),
      }),
      { maxItems: 10 },
    ),
  ),
  preferred_language: Type.Optional(Nullable(Type.String())),
});
export type PersonBody = Static<typeof PersonBody>;

export const TagsBody = Type.Array(Type.String(), { maxItems: 50 });

export interface ApiPerson {
  person: PersonInput;
  /** From the primary email's status: subscribed → true, unsubscribed → false, otherwise null. */
  optIn: boolean | null;
  /** `preferred_language` when it is one turnout speaks, else null. */
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

/**
 * Checks a person with the same rules as the public forms, except that only the email address
 * is required: Action Network's helpers accept a person with nothing else, and its clients rely on it.
 */
export function readPerson(body: PersonBody): ApiPerson {
  const email = body.email_addresses.find((e) => e.primary === true) ?? body.email_addresses[0]!;
  const postal = body.postal_addresses?.[0];
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
  const messages = Object.entries(errors).map(([field, error]) => `${API_FIELD[field] ?? field}: ${english(error!)}`);
  if (messages.length > 0) throw badRequest(`Invalid person: ${messages.join('; ')}`);
  // No postal address sent: keep no country either, rather than validatePerson's default.
  if (!person.postalCode && !input.country.trim()) person.country = '';
  const language = body.preferred_language?.trim().toLowerCase();
  return {
    person,
    optIn: email.status === 'subscribed' ? true : email.status === 'unsubscribed' ? false : null,
    language: isLanguage(language) ? language : null,
  };
}

const en = translator('en');

function english(error: FieldError): string {
  const values = { ...error.values };
  if (typeof values.field === 'string') values.field = en(values.field as MessageKey);
  return en(error.key, values);
}

/** Tags to add, trimmed; each must be a short clean name. */
export function readTags(tags: string[] | undefined): string[] {
  return (tags ?? []).map((raw, i) => {
    const tag = raw.trim();
    if (!tag) throw badRequest(`add_tags[${i}] must not be empty`);
    if (tag.length > 100) throw badRequest(`add_tags[${i}] must be 100 characters or fewer`);
    if (!isCleanText(tag)) throw badRequest(`add_tags[${i}] contains control or invalid characters`);
    if (!hasVisibleText(tag)) throw badRequest(`add_tags[${i}] must have letters or numbers that show, not only invisible characters`);
    return tag;
  });
}
