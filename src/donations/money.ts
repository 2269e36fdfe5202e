// Money as turnout keeps it: an integer count of the currency's minor unit (cents) and the
// currency's ISO 4217 code. Never a float; the decimal point is placed by Intl's knowledge of
// each currency (two digits for USD and EUR, none for JPY).

export interface Money {
  minor: number;
  currency: string;
}

/** The largest gift turnout takes in any currency's minor units: well inside a 53-bit integer and a bigint column. */
export const MAX_MINOR = 100_000_000_00;

const digitsCache = new Map<string, number>();

/** How many digits follow the decimal point in this currency (2 for USD). */
export function minorDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

/** A currency code Intl knows (three capital letters it can format). */
export function isCurrency(code: unknown): code is string {
  if (typeof code !== 'string' || !/^[A-Z]{3}$/.test(code)) return false;
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: code });
    return Intl.supportedValuesOf('currency').includes(code);
  } catch {
    return false;
  }
}

export type AmountProblem = 'invalid' | 'too_many_decimals';

/**
 * Reads an amount as a donor or an API client writes it ("10", "10.5", "10.50", "1,000.00",
 * "10,50" in Spanish) into minor units. Refuses anything else: letters, signs, exponents, more
 * decimals than the currency has.
 */
export function parseAmount(raw: unknown, currency: string, lang = 'en'): { minor: number } | { problem: AmountProblem } {
  if (typeof raw === 'number') raw = Number.isFinite(raw) ? String(raw) : '';
  if (typeof raw !== 'string') return { problem: 'invalid' };
  let text = raw.trim().replace(/^[$€£]\s*/, '').replace(/\s/g, '');
  const digits = minorDigits(currency);
  // In Spanish the comma is the decimal mark ("10,50"); a comma followed by three digits groups thousands in either.
  const decimalComma = lang === 'es' && /,\d{1,2}$/.test(text) && !/\.\d{1,2}$/.test(text);
  if (decimalComma) text = text.replace(/\./g, '').replace(',', '.');
  else if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) text = text.replace(/,/g, '');
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(text);
  if (!match) return { problem: 'invalid' };
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return { problem: 'too_many_decimals' };
  const minor = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) return { problem: 'invalid' };
  return { minor };
}

/** "$10.00" / "10,00 US$": for the reader's language and the page's currency. */
export function formatMoney(minor: number, currency: string, lang: string): string {
  const digits = minorDigits(currency);
  return new Intl.NumberFormat(lang === 'es' ? 'es-US' : 'en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: minor % 10 ** digits === 0 ? 0 : digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** digits);
}

/** "10.00": how Action Network's API writes an amount (a string with the currency's decimals). */
export function decimalString(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const whole = Math.trunc(minor / 10 ** digits);
  const part = String(Math.abs(minor) % 10 ** digits).padStart(digits, '0');
  return `${minor < 0 && whole === 0 ? '-' : ''}${whole}.${part}`;
}

/**
 * What a donor adds to cover the card fee, so that the organization receives the gift they chose:
 * Stripe's standard card pricing, 2.9% + 30 cents (or 30 of the currency's minor units), solved
 * for the gross. An estimate, said so on the page; only offered for currencies with cents.
 */
export function feeCover(minor: number, currency: string): number {
  if (minorDigits(currency) !== 2) return 0;
  const gross = Math.ceil((minor + 30) / (1 - 0.029));
  return gross - minor;
}
