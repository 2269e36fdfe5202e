import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { isCleanText, normalizeEmail } from '../../actions/people/normalize.ts';
import { ApiError } from './errors.ts';
import { normalizePhone } from './person-input.ts';
import { parseIdentifier } from './hal.ts';

/**
 * Action Network's subset of OData filters: `field op 'value'` clauses with `eq`, `gt` or `lt`,
 * joined by `and` or `or` (`and` binds tighter), grouped with parentheses. A value is
 * single-quoted (a quote inside is doubled: `'O''Brien'`) or a bare word such as `2024-01-31`.
 */
export type FilterOp = 'eq' | 'gt' | 'lt';

export interface FilterClause {
  field: string;
  op: FilterOp;
  value: string;
}

/** A parsed filter: one clause, or clauses and groups joined by `and` or by `or`. */
export type FilterNode = FilterClause | { join: 'and' | 'or'; terms: FilterNode[] };

export const FILTER_LIMITS = { length: 1000, clauses: 10, depth: 4 } as const;

const CLAUSE = /\s*([A-Za-z_][A-Za-z0-9_]*)\s+(eq|gt|lt)\s+(?:'((?:[^']|'')*)'|([^\s'()]+))\s*/iy;
const JOIN = /\s*(and|or)(?=[\s(])\s*/iy;
const OPEN = /\s*\(\s*/y;
const CLOSE = /\s*\)\s*/y;
const NOT = /\s*not[\s(]/iy;

/**
 * Parses a filter, allowing only `fields`; null for an empty one. A malformed filter, another
 * field, unbalanced parentheses or one past the limits is a 400 naming what was wrong.
 */
export function parseFilterTree(raw: string, fields: readonly string[]): FilterNode | null {
  if (raw.length > FILTER_LIMITS.length) throw new ApiError(400, `filter must be ${FILTER_LIMITS.length} characters or fewer`);
  if (raw.trim() === '') return null;
  const p = { raw, pos: 0, clauses: 0, fields };
  const node = expression(p, 0);
  if (p.pos !== raw.length) {
    if (at(p, CLOSE)) throw new ApiError(400, `unbalanced parentheses in filter: a ")" at "${near(p)}" closes nothing`);
    throw malformed(p);
  }
  return node;
}

/**
 * The clauses of a filter joined by `and` only, as a list (`or` is a 400). No collection takes
 * filters this way any more (each takes a condition, see toCondition); kept for callers that want a flat list.
 */
export function parseFilter(raw: string, fields: readonly string[]): FilterClause[] {
  const node = parseFilterTree(raw, fields);
  if (!node) return [];
  const clauses: FilterClause[] = [];
  // Groups of `and` inside `and` are still one conjunction: `(a and b) and c`.
  const conjunction = (n: FilterNode): boolean => ('join' in n ? n.join === 'and' && n.terms.every(conjunction) : (clauses.push(n), true));
  if (conjunction(node)) return clauses;
  throw new ApiError(400, 'this collection takes filter clauses joined by "and" only, without "or"');
}

interface Parser {
  raw: string;
  pos: number;
  clauses: number;
  fields: readonly string[];
}

function at(p: Parser, re: RegExp): RegExpExecArray | null {
  re.lastIndex = p.pos;
  return re.exec(p.raw);
}

function take(p: Parser, re: RegExp): RegExpExecArray | null {
  const m = at(p, re);
  if (m) p.pos = re.lastIndex;
  return m;
}

// expression := term (or term)* ; term := factor (and factor)* ; factor := ( expression ) | clause
function expression(p: Parser, depth: number): FilterNode {
  const terms = [term(p, depth)];
  for (;;) {
    const m = at(p, JOIN);
    if (!m || m[1]!.toLowerCase() !== 'or') break;
    take(p, JOIN);
    terms.push(term(p, depth));
  }
  return terms.length === 1 ? terms[0]! : { join: 'or', terms };
}

function term(p: Parser, depth: number): FilterNode {
  const factors = [factor(p, depth)];
  for (;;) {
    const m = at(p, JOIN);
    if (!m || m[1]!.toLowerCase() !== 'and') break;
    take(p, JOIN);
    factors.push(factor(p, depth));
  }
  return factors.length === 1 ? factors[0]! : { join: 'and', terms: factors };
}

function factor(p: Parser, depth: number): FilterNode {
  if (take(p, OPEN)) {
    if (depth + 1 > FILTER_LIMITS.depth) throw new ApiError(400, `filter may nest parentheses at most ${FILTER_LIMITS.depth} deep`);
    const inner = expression(p, depth + 1);
    if (!take(p, CLOSE)) {
      if (p.pos >= p.raw.length) throw new ApiError(400, 'unbalanced parentheses in filter: a "(" is never closed');
      throw malformed(p);
    }
    return inner;
  }
  if (at(p, NOT)) throw new ApiError(400, 'filter does not support "not"; compare with eq, gt or lt');
  const m = take(p, CLAUSE);
  if (!m) throw malformed(p);
  const field = m[1]!;
  if (!p.fields.includes(field)) {
    throw new ApiError(400, `cannot filter on "${field}"; filterable fields here are ${p.fields.join(', ')}`);
  }
  const value = m[3] !== undefined ? m[3].replace(/''/g, "'") : m[4]!;
  // PostgreSQL refuses NUL bytes and broken UTF-16 in text: a 400 here, not a 500 there.
  if (!isCleanText(value)) throw new ApiError(400, `the value for ${field} contains control or invalid characters`);
  if (++p.clauses > FILTER_LIMITS.clauses) throw new ApiError(400, `filter may have at most ${FILTER_LIMITS.clauses} clauses`);
  return { field, op: m[2]!.toLowerCase() as FilterOp, value };
}

const near = (p: Parser) => p.raw.slice(p.pos, p.pos + 40).trim();

function malformed(p: Parser): ApiError {
  const text = near(p);
  return new ApiError(
    400,
    `malformed filter ${text ? `at "${text}"` : 'at its end'}: expected field eq|gt|lt 'value', clauses joined by "and" or "or", grouped with parentheses`,
  );
}

/** How a filterable field compares: dates as instants, identifiers and emails as the database stores them. */
export type FieldKind = 'date' | 'identifier' | 'email' | 'postal_code' | 'phone' | 'upper' | 'text';

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

/** A filter as column comparisons: one, or several that must all (`all`) or any (`any`) hold. */
export type Condition<C extends string> = Comparison<C> | { all: Condition<C>[] } | { any: Condition<C>[] };

/** Turns a parsed filter (null: none) into a condition a repository applies with `conditionSql`. */
export function toCondition<C extends string>(node: FilterNode | null, spec: FieldSpec<C>): Condition<C> {
  if (!node) return { all: [] };
  if ('join' in node) {
    const terms = node.terms.map((t) => toCondition(t, spec));
    return node.join === 'and' ? { all: terms } : { any: terms };
  }
  const comparisons = toComparisons([node], spec);
  return comparisons.length === 1 ? comparisons[0]! : { all: comparisons };
}

/**
 * The SQL of a condition, for `.where(...)`: values are bound, never inlined; `ref` names a
 * column as the query needs it (`people.email` where tables are joined).
 */
export function conditionSql<C extends string>(cond: Condition<C>, ref: (column: C) => string = (c) => c): RawBuilder<SqlBool> {
  if ('all' in cond || 'any' in cond) {
    const terms = 'all' in cond ? cond.all : cond.any;
    if (terms.length === 0) return sql<SqlBool>`1 = 1`;
    return sql<SqlBool>`(${sql.join(terms.map((t) => conditionSql(t, ref)), 'all' in cond ? sql` and ` : sql` or `)})`;
  }
  return sql<SqlBool>`${sql.ref(ref(cond.column))} ${sql.raw(cond.op)} ${cond.value}`;
}

function normalize(kind: FieldKind, value: string): string {
  switch (kind) {
    case 'identifier':
      // An identifier from another system matches nothing here, as it should.
      return parseIdentifier(value) ?? value;
    case 'email':
      return normalizeEmail(value);
    case 'postal_code':
    case 'upper':
      return value.trim().toUpperCase();
    case 'phone':
      return normalizePhone(value);
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
