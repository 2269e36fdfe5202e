import { IntlMessageFormat } from 'intl-messageformat';
import { LRUCache } from 'lru-cache';
import Negotiator from 'negotiator';
import { en, type MessageKey } from './en.ts';
import { es } from './es.ts';

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];
export type { MessageKey };

const catalogs: Record<Language, Record<MessageKey, string>> = { en, es };
const compiled = new Map<string, IntlMessageFormat>();

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
      format = new IntlMessageFormat(catalogs[lang][key], lang);
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
