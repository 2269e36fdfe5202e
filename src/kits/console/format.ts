// How the console writes numbers and times: in English (the console is not translated), times in UTC.

/** 1,234: a count with thousands separators. */
export const number = (n: number) => n.toLocaleString('en-US');

const englishPlural = new Intl.PluralRules('en-US');
/** "1 row", "1,234 rows": a count and its noun in the right number (`other` defaults to the noun plus "s"). */
export const counted = (n: number, one: string, other = `${one}s`) => `${number(n)} ${englishPlural.select(n) === 'one' ? one : other}`;

/** 2026-03-14 18:30: a stored ISO time to the minute, in UTC. */
export const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/** The one way the console asks for a day and a time, in hints and error messages (inputs are `datetime-local`). */
export const DATE_TIME_HINT = 'Like 2026-12-01 09:00, on a 24-hour clock';

/** The one way the console asks for a day (inputs are `date`). */
export const DATE_HINT = 'Like 2026-12-01';
