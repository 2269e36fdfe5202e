import { hasVisibleText, isCleanText } from './people/normalize.ts';

// The check every action's Spanish version of its own words gets (src/kits/pages/localized.ts
// shows them): optional, within the bounds of the English field it translates, and as clean.
// Each capability turns the problem into its own message.

export type SpanishProblem = { problem: 'too_long'; max: number; count: number } | { problem: 'invalid' };

/**
 * A Spanish version as typed: absent (undefined) keeps the stored one, '' or null removes it
 * (null), else the text trimmed (line breaks made `\n` when it may have several lines), with the
 * problem it has, if any: longer than `max` characters, or control characters (and, in a one-line
 * field, line breaks, or nothing visible).
 */
export function checkSpanishVersion(raw: string | null | undefined, max: number, oneLine: boolean): { value: string | null | undefined; error?: SpanishProblem } {
  if (raw === undefined) return { value: undefined };
  const value = oneLine ? (raw ?? '').trim() : (raw ?? '').replace(/\r\n?/g, '\n').trim();
  if (!value) return { value: null };
  const count = [...value].length;
  if (count > max) return { value, error: { problem: 'too_long', max, count } };
  // A one-line text of invisible characters only (zero-width spaces, joiners) is not a title either.
  if (!isCleanText(value, !oneLine) || (oneLine && !hasVisibleText(value))) return { value, error: { problem: 'invalid' } };
  return { value };
}
