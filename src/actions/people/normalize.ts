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

// C0 controls and DEL, and the C1 controls (U+0080 to U+009F, NEL among them): no keyboard types them.
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/;
const CONTROLS_BUT_NEWLINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** True when text has no replacement characters (from invalid UTF-8), lone surrogates or control characters (C0 and C1). */
export function isCleanText(text: string, allowNewlines = false): boolean {
  if (text.includes('\uFFFD')) return false;
  if (!text.isWellFormed()) return false;
  return !(allowNewlines ? CONTROLS_BUT_NEWLINES : CONTROLS).test(text);
}

// A letter, a number or a symbol that shows: not a default-ignorable character (zero-width space
// and joiners, U+2060, U+FEFF, the Hangul fillers, which are letters) nor the blank Braille cell.
const VISIBLE = /(?![\p{Default_Ignorable_Code_Point}\u2800])[\p{L}\p{N}\p{S}]/u;

/**
 * True when text has something a reader can see. A name of zero-width characters only looks
 * empty on every page and in every list; joiners inside a name (emoji, Indic scripts) are fine.
 */
export function hasVisibleText(text: string): boolean {
  return VISIBLE.test(text);
}
