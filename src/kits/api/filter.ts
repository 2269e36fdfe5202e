import { isCleanText, normalizeEmail } from '../../actions/people/normalize.ts';
import { ApiError } from './errors.ts';
import { parseIdentifier } from './hal.ts';

/**
 * Action Network's subset of OData filters: `field op 'value'` clauses with `eq`, `gt` or `lt`,
 * joined by `and`. A value is single-quoted (a quote inside is doubled: `'O''Brien'`) or a bare
 * word such as `2024-01-31`.
 */
export type FilterOp = 'eq' | 'gt' | 'lt';

export interface FilterClause {
  field: string;
  op: FilterOp;
  value: string;
}

const MAX_LENGTH = 1000;
const MAX_CLAUSES = 10;
const CLAUSE = /\s*([A-Za-z_][A-Za-z0-9_]*)\s+(eq|gt|lt)\s+(?:'((?:[^']|'')*)'|([^\s']+))\s*/iy;
const AND = /and\s+/iy;

/** Parses a filter, allowing only `fields`; a malformed filter or another field is a 400 naming it. */
export function parseFilter(raw: string, fields: readonly string[]): FilterClause[] {
  if (raw.length > MAX_LENGTH) throw new ApiError(400, `filter must be ${MAX_LENGTH} characters or fewer`);
  if (raw.trim() === '') return [];
  const clauses: FilterClause[] = [];
  let pos = 0;
  for (;;) {
    CLAUSE.lastIndex = pos;
    const m = CLAUSE.exec(raw);
    if (!m) throw malformed(raw, pos);
    const field = m[1]!;
    if (!fields.includes(field)) {
      throw new ApiError(400, `cannot filter on "${field}"; filterable fields here are ${fields.join(', ')}`);
    }
    const value = m[3] !== undefined ? m[3].replace(/''/g, "'") : m[4]!;
    // PostgreSQL refuses NUL bytes and broken UTF-16 in text: a 400 here, not a 500 there.
    if (!isCleanText(value)) throw new ApiError(400, `the value for ${field} contains control or invalid characters`);
    clauses.push({ field, op: m[2]!.toLowerCase() as FilterOp, value });
    if (clauses.length > MAX_CLAUSES) throw new ApiError(400, `filter may have at most ${MAX_CLAUSES} clauses`);
    pos = CLAUSE.lastIndex;
    if (pos === raw.length) return clauses;
    AND.lastIndex = pos;
    if (!AND.exec(raw)) throw malformed(raw, pos);
    pos = AND.lastIndex;
  }
}

function malformed(raw: string, pos: number): ApiError {
  const near = raw.slice(pos, pos + 40);
  return new ApiError(
    400,
    `malformed filter ${near ? `at "${near}"` : 'at its end'}: expected field eq|gt|lt 'value', clauses joined by "and"`,
  );
}

/** How a filterable field compares: dates as instants, identifiers and emails as the database stores them. */
export type FieldKind = 'date' | 'identifier' | 'email' | 'postal_code' | 'text';

export interface Comparison<C extends string> {
  column: C;
  op: '=' | '<' | '>' | '>=';
  value: string;
}

export type FieldSpec<C extends string> = Record<string, { column: C; kind: FieldKind }>;

/** Turns parsed clauses into column comparisons a repository can apply. */
export function toComparisons<C extends string>(clauses: FilterClause[], spec: FieldSpec<C>): Comparison<C>[] {
  const out: Comparison<C>[] = [];
  for (const { field, op, value } of clauses) {
    const { column, kind } = spec[field]!;
    if (kind === 'date') {
      out.push(...dateComparisons(column, field, op, value));
      continue;
    }
    if (op !== 'eq') throw new ApiError(400, `${field} can only be filtered with eq`);
    out.push({ column, op: '=', value: normalize(kind, value) });
  }
  return out;
}

function normalize(kind: FieldKind, value: string): string {
  switch (kind) {
    case 'identifier':
      // An identifier from another system matches nothing here, as it should.
      return parseIdentifier(value) ?? value;
    case 'email':
      return normalizeEmail(value);
    case 'postal_code':
      return value.trim().toUpperCase();
    default:
      return value;
  }
}

const DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;
const DAY_MS = 86_400_000;

/**
 * Dates compare as instants in UTC, the form they are stored in. A bare day means its start
 * (00:00 UTC), and `eq` with a bare day matches the whole day.
 */
function dateComparisons<C extends string>(column: C, field: string, op: FilterOp, value: string): Comparison<C>[] {
  const ms = parseInstant(value.trim());
  if (ms === null) {
    throw new ApiError(400, `${field} must be compared with a date like '2024-01-31' or '2024-01-31T12:00:00Z', got '${value}'`);
  }
  const at = new Date(ms).toISOString();
  if (op === 'gt') return [{ column, op: '>', value: at }];
  if (op === 'lt') return [{ column, op: '<', value: at }];
  if (value.trim().length > 10) return [{ column, op: '=', value: at }];
  return [
    { column, op: '>=', value: at },
    { column, op: '<', value: new Date(ms + DAY_MS).toISOString() },
  ];
}

/** Milliseconds since the epoch for a day or a date and time (UTC unless an offset is given); null if not a real date. */
export function parseInstant(value: string): number | null {
  const m = DATE.exec(value);
  if (!m) return null;
  const day = Date.parse(`${m[1]}T00:00:00Z`);
  // Date.parse rolls 2024-02-30 over to March 1st; a date that does not exist is an error.
  if (Number.isNaN(day) || new Date(day).toISOString().slice(0, 10) !== m[1]) return null;
  if (!m[2]) return day;
  const ms = Date.parse(`${m[1]}T${m[2]}${m[3] ?? 'Z'}`);
  return Number.isNaN(ms) ? null : ms;
}
