import { IntlMessageFormat } from 'intl-messageformat';
import { LRUCache } from 'lru-cache';
import Negotiator from 'negotiator';
import { en, type SiteMessageKey } from './en.ts';
import { es } from './es.ts';

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * The keys every capability adds, filled by module augmentation in each capability's
 * `messages.ts` (the site-wide texts stay in en.ts and es.ts):
 *
 *     export const en = { 'thing.title': 'A thing' };
 *     export const es: Record<keyof typeof en, string> = { 'thing.title': 'Una cosa' };
 *     declare module '../i18n/index.ts' {
 *       interface CapabilityMessages extends Keys<typeof en> {}
 *     }
 *     registerMessages({ en, es });
 */
export interface CapabilityMessages {}

/** A catalog's keys, for a capability to add to `CapabilityMessages`. */
export type Keys<T> = { readonly [K in keyof T]: string };

/** Every key a text can be asked for: the site-wide ones and those every capability declares. */
export type MessageKey = SiteMessageKey | (keyof CapabilityMessages & string);

/** One set of texts in every language, with the same keys. */
export interface Catalog<K extends string = string> {
  en: Record<K, string>;
  es: Record<K, string>;
}

const registered: Catalog[] = [];
const catalogs: Record<Language, Map<string, string>> = { en: new Map(), es: new Map() };
const compiled = new Map<string, IntlMessageFormat>();

/**
 * Adds a capability's texts to the ones the translator knows (called once, when its
 * messages.ts is loaded). A key registered twice, or missing in a language, throws.
 */
export function registerMessages<K extends string>(catalog: Catalog<K>): void {
  const keys = Object.keys(catalog.en);
  for (const lang of LANGUAGES) {
    const theirs = Object.keys(catalog[lang]);
    const missing = keys.filter((key) => !Object.hasOwn(catalog[lang], key));
    const extra = theirs.filter((key) => !Object.hasOwn(catalog.en, key));
    if (missing.length) throw new Error(`messages ${missing.join(', ')} have no text in ${lang}`);
    if (extra.length) throw new Error(`messages ${extra.join(', ')} are in ${lang} but not in en`);
  }
  for (const key of keys) {
    if (catalogs.en.has(key)) throw new Error(`message ${key} is registered twice`);
  }
  for (const lang of LANGUAGES) {
    for (const [key, text] of Object.entries<string>(catalog[lang])) catalogs[lang].set(key, text);
  }
  registered.push(catalog);
}

/** Every catalog registered so far, the site-wide one first (for the tests that compare languages). */
export function registeredCatalogs(): readonly Catalog[] {
  return registered;
}

registerMessages<SiteMessageKey>({ en, es });

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

/** The one translation layer: every text a supporter reads, on a page or in an email, comes from here. */
export function translator(lang: Language): Translate {
  return (key, values) => {
    const cacheKey = `${lang}:${key}`;
    let format = compiled.get(cacheKey);
    if (!format) {
      const text = catalogs[lang].get(key);
      if (text === undefined) throw new Error(`message ${key} is not registered: load the capability that declares it (its messages.ts)`);
      // The same regional conventions as formatNumber, so that {n, number} in a message and a number formatted apart agree.
      format = new IntlMessageFormat(text, lang === 'es' ? 'es-US' : 'en-US');
      compiled.set(cacheKey, format);
    }
    return String(format.format(values));
  };
}

export function formatNumber(lang: Language, n: number): string {
  return new Intl.NumberFormat(lang === 'es' ? 'es-US' : 'en-US').format(n);
}

/** Picks the language from an explicit choice, then a remembered cookie, then the browser's preference. */
export function pickLanguage(opts: { query?: unknown; cookie?: unknown; acceptLanguage?: string | undefined }): Language {
  if (isLanguage(opts.query)) return opts.query;
  if (isLanguage(opts.cookie)) return opts.cookie;
  if (opts.acceptLanguage) {
    let best = negotiated.get(opts.acceptLanguage);
    if (best === undefined) {
      const found = new Negotiator({ headers: { 'accept-language': opts.acceptLanguage } }).language([...LANGUAGES]);
      best = isLanguage(found) ? found : 'en';
      negotiated.set(opts.acceptLanguage, best);
    }
    return best;
  }
  return 'en';
}

// Visitors' browsers send a few hundred distinct Accept-Language headers, not one per visitor:
// each is negotiated once (a few per cent of a page view's time under load).
const negotiated = new LRUCache<string, Language>({ max: 1000 });
