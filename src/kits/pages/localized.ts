import type { Language } from '../../i18n/index.ts';

// The campaign's own words in the reader's language. An action's main columns (`title`,
// `description`, …) hold its English text and the nullable `_es` columns beside them its Spanish
// version (migration 021). A reader gets their language's version when it has one, else the
// other; the text then carries its own `lang`, so a screen reader reads it with the right voice.

/** A text to show and the `lang` its element needs: undefined when it is the page's language. */
export interface Localized {
  text: string;
  lang: Language | undefined;
}

const present = (s: string | null | undefined): s is string => typeof s === 'string' && s.trim() !== '';

/** The reader's version of a field from its English and Spanish values (an empty one counts as absent). */
export function localized(reader: Language, en: string, es: string | null | undefined): Localized {
  const [text, lang]: [string, Language] =
    reader === 'es' ? (present(es) ? [es, 'es'] : [en, 'en']) : present(en) || !present(es) ? [en, 'en'] : [es, 'es'];
  return { text, lang: text === '' || lang === reader ? undefined : lang };
}

/** A record with the Spanish columns of `fields` beside the English ones. */
type WithSpanish<K extends string> = { [F in K]: string } & { [F in K as `${F}_es`]?: string | null };

/** What `inLanguage` makes of a record: each field in the reader's version, and the `lang` its element needs. */
export type InLanguage<T, K extends string> = T & { langs: Partial<Record<K, Language>> };

/**
 * The record with each of `fields` replaced by the reader's version (`localized`), and `langs`
 * naming those shown in the other language. Applying it again returns the record as it is.
 */
export function inLanguage<T extends WithSpanish<K>, K extends string>(reader: Language, record: T, fields: readonly K[]): InLanguage<T, K> {
  if ('langs' in record) return record as InLanguage<T, K>;
  const out: Record<string, unknown> = { ...record };
  const langs: Partial<Record<K, Language>> = {};
  for (const field of fields) {
    const shown = localized(reader, record[field], (record as Record<string, string | null | undefined>)[`${field}_es`]);
    out[field] = shown.text;
    if (shown.lang) langs[field] = shown.lang;
  }
  out.langs = langs;
  return out as InLanguage<T, K>;
}
