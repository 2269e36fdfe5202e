import countries from 'i18n-iso-countries';

/**
 * The email a person is deduplicated by: trimmed and lower-cased. Gmail dots and `+tags`
 * are kept as typed, because they can be different mailboxes on other providers and
 * organizers expect to see what the supporter wrote.
 */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

// The HTML living standard's definition of a valid email address (what `<input type=email>` accepts),
// plus a dot in the domain because a signature from `name@localhost` is never a real supporter.
const EMAIL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

export function isValidEmail(email: string): boolean {
  return email.length <= 254 && EMAIL.test(email);
}

const COUNTRY_CODES = new Set(Object.keys(countries.getAlpha2Codes()));

export function isCountryCode(code: string): boolean {
  return COUNTRY_CODES.has(code);
}

export function countryCodes(): string[] {
  return [...COUNTRY_CODES].sort();
}

/** A US ZIP is 5 digits with an optional +4; elsewhere we only bound the shape. */
export function normalizePostalCode(raw: string, country: string): string | null {
  const v = raw.trim().toUpperCase().replace(/\s+/g, ' ');
  if (country === 'US') return /^\d{5}(-\d{4})?$/.test(v) ? v : null;
  return /^[A-Z0-9][A-Z0-9 -]{1,10}[A-Z0-9]$/.test(v) ? v : null;
}

/** True when text has no replacement characters (from invalid UTF-8), lone surrogates or control characters. */
export function isCleanText(text: string, allowNewlines = false): boolean {
  if (text.includes('\uFFFD')) return false;
  if (!text.isWellFormed()) return false;
  const controls = allowNewlines ? /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/ : /[\u0000-\u001F\u007F]/;
  return !controls.test(text);
}
