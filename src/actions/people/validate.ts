import type { MessageKey } from '../../i18n/index.ts';
import { hasVisibleText, isCleanText, isCountryCode, isValidEmail, normalizeEmail, normalizePostalCode } from './normalize.ts';

/** What a supporter typed into an action form, as received. */
export interface PersonFormInput {
  given_name?: unknown;
  family_name?: unknown;
  email?: unknown;
  postal_code?: unknown;
  country?: unknown;
}

export interface PersonInput {
  givenName: string;
  familyName: string;
  email: string;
  postalCode: string;
  country: string;
}

/** A message for one field, by key, with the values it needs; the page translates it. */
export interface FieldError {
  key: MessageKey;
  values?: Record<string, string | number>;
}

export type FieldErrors = Partial<Record<string, FieldError>>;

export const LIMITS = { name: 100, email: 254, postalCode: 12, comments: 1000 } as const;

function text(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

/** Checks a field that must be present, clean and short; the field's label key names it in the message. */
export function requireText(
  errors: FieldErrors,
  field: string,
  label: MessageKey,
  value: unknown,
  max: number,
): string {
  const v = text(value);
  if (!v) errors[field] = { key: 'form.error.required', values: { field: label } };
  else if (!isCleanText(v)) errors[field] = { key: 'form.error.invalid_text', values: { field: label } };
  else if (!hasVisibleText(v)) errors[field] = { key: 'form.error.invisible', values: { field: label } };
  else if (v.length > max) errors[field] = { key: 'form.error.too_long', values: { field: label, max } };
  return v;
}

/** Validates the person part of any action form; field values are message keys the page translates. */
export function validatePerson(input: PersonFormInput): { person: PersonInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const givenName = requireText(errors, 'given_name', 'field.given_name', input.given_name, LIMITS.name);
  const familyName = requireText(errors, 'family_name', 'field.family_name', input.family_name, LIMITS.name);
  const emailRaw = requireText(errors, 'email', 'field.email', input.email, LIMITS.email);
  const email = normalizeEmail(emailRaw);
  if (!errors.email && !isValidEmail(email)) errors.email = { key: 'form.error.email' };

  let country = text(input.country).toUpperCase() || 'US';
  if (!isCountryCode(country)) {
    errors.country = { key: 'form.error.country' };
    country = 'US';
  }
  const postalRaw = requireText(errors, 'postal_code', 'field.postal_code', input.postal_code, LIMITS.postalCode + 8);
  let postalCode = postalRaw;
  if (!errors.postal_code) {
    const normalized = normalizePostalCode(postalRaw, country);
    if (normalized === null) {
      errors.postal_code = { key: country === 'US' ? 'form.error.postal_code' : 'form.error.postal_code_any' };
    } else postalCode = normalized;
  }
  return { person: { givenName, familyName, email, postalCode, country }, errors };
}
