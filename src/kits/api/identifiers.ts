import { Type } from '@sinclair/typebox';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { isCleanText } from '../../actions/people/normalize.ts';
import { ApiError, badRequest } from './errors.ts';
import { NAMESPACE } from './hal.ts';

// Identifiers that other systems give turnout's records (`"identifiers": ["mycal:123"]`), kept
// for every resource in one table (migration 017_api_identifiers) and shown in `identifiers`
// beside turnout's own. A client that sends one on create finds the record again with
// `?filter=identifier eq 'mycal:123'`, so a sync that runs twice makes nothing twice.

export interface ApiIdentifierTable {
  organization_id: string;
  identifier: string;
  /** What the identifier names: `event`, `attendance`, `signature`, `event_campaign` … */
  resource_type: string;
  resource_id: string;
  created_at: string;
}

declare module '../../db/schema.ts' {
  interface Database {
    api_identifiers: ApiIdentifierTable;
  }
}

type Q = Kysely<Database> | Transaction<Database>;

export const IDENTIFIER_LIMITS = { length: 200, perRequest: 20, perResource: 50 } as const;

/** `identifiers` in a request body: strings; their form is checked by readIdentifiers. */
export const IdentifiersBody = Type.Array(Type.String({ maxLength: IDENTIFIER_LIMITS.length }), { maxItems: IDENTIFIER_LIMITS.perRequest });

const FORM = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,49}):(\S(?:.*\S)?)$/s;
// turnout's own identifiers (and the Action Network form of them) are made by turnout, not kept.
const OWN_SYSTEMS = new Set([NAMESPACE, 'action_network']);

/**
 * The identifiers of another system in a body, each `system:id`, without repeats. turnout's own
 * (`turnout:…`, `action_network:…`) are read-only and skipped, so a client may send a resource back whole.
 */
export function readIdentifiers(raw: readonly string[] | undefined): string[] {
  if (!raw) return [];
  const out: string[] = [];
  raw.forEach((value, i) => {
    const v = value.trim();
    const m = FORM.exec(v);
    if (!m || !isCleanText(v)) {
      throw badRequest(`identifiers[${i}] must look like "system:id" (letters, digits, "_", "-" or "." before the colon, no line breaks), got ${JSON.stringify(value)}`);
    }
    if (OWN_SYSTEMS.has(m[1]!.toLowerCase())) return;
    if (!out.includes(v)) out.push(v);
  });
  return out;
}

/** The identifiers another system gave each of these records, by record id (oldest first). */
export async function identifiersOf(q: Q, organizationId: string, type: string, ids: readonly string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (ids.length === 0) return map;
  const rows = await q
    .selectFrom('api_identifiers')
    .select(['resource_id', 'identifier'])
    .where('organization_id', '=', organizationId)
    .where('resource_type', '=', type)
    .where('resource_id', 'in', [...new Set(ids)])
    .orderBy('created_at')
    .orderBy('identifier')
    .execute();
  for (const r of rows) map.set(r.resource_id, [...(map.get(r.resource_id) ?? []), r.identifier]);
  return map;
}

/** The record of `type` an identifier of another system names in the organization, if any. */
export async function findByIdentifier(q: Q, organizationId: string, type: string, identifier: string): Promise<string | undefined> {
  const row = await q
    .selectFrom('api_identifiers')
    .select('resource_id')
    .where('organization_id', '=', organizationId)
    .where('identifier', '=', identifier)
    .where('resource_type', '=', type)
    .executeTakeFirst();
  return row?.resource_id;
}

/**
 * A 409 when one of `identifiers` already names another record of the organization (an
 * identifier names one record), a 400 past the limit per record. Call before writing anything.
 */
export async function checkIdentifiers(q: Q, organizationId: string, type: string, resourceId: string | null, identifiers: readonly string[]): Promise<void> {
  if (identifiers.length === 0) return;
  const taken = await q
    .selectFrom('api_identifiers')
    .select(['identifier', 'resource_type', 'resource_id'])
    .where('organization_id', '=', organizationId)
    .where('identifier', 'in', [...identifiers])
    .execute();
  const other = taken.find((t) => t.resource_type !== type || t.resource_id !== resourceId);
  if (other) throw new ApiError(409, `identifier "${other.identifier}" already names another ${other.resource_type.replace(/_/g, ' ')} (turnout:${other.resource_id})`);
  if (resourceId) {
    const kept = (await identifiersOf(q, organizationId, type, [resourceId])).get(resourceId) ?? [];
    const total = new Set([...kept, ...identifiers]).size;
    if (total > IDENTIFIER_LIMITS.perResource) throw badRequest(`identifiers: a record keeps at most ${IDENTIFIER_LIMITS.perResource} identifiers of other systems`);
  }
}

/** Keeps identifiers for a record (after checkIdentifiers, in the transaction that writes the record). Identifiers are added, never removed: PUT merges arrays. */
export async function addIdentifiers(q: Q, organizationId: string, type: string, resourceId: string, identifiers: readonly string[], now: string): Promise<void> {
  if (identifiers.length === 0) return;
  await q
    .insertInto('api_identifiers')
    .values(identifiers.map((identifier) => ({ organization_id: organizationId, identifier, resource_type: type, resource_id: resourceId, created_at: now })))
    .onConflict((oc) => oc.columns(['organization_id', 'identifier']).doNothing())
    .execute();
}

/** A presented resource with the other systems' identifiers after turnout's own. */
export function withIdentifiers<T extends { identifiers: string[] }>(resource: T, extra: readonly string[] | undefined): T {
  return extra && extra.length > 0 ? { ...resource, identifiers: [...resource.identifiers, ...extra] } : resource;
}

const OUR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A filter's comparisons with each `identifier eq 'mycal:123'` (a comparison on the `id` column
 * whose value is not one of turnout's ids) turned into the id of the record that identifier names,
 * so the repository's query finds it. Works on a list of comparisons or on any tree of them.
 */
export async function resolveIdentifierFilters<W>(q: Q, organizationId: string, type: string, where: W): Promise<W> {
  const foreign = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const c = node as { column?: unknown; value?: unknown };
      if (c.column === 'id' && typeof c.value === 'string' && !OUR_ID.test(c.value)) foreign.add(c.value);
      else Object.values(node).forEach(visit);
    }
  };
  visit(where);
  if (foreign.size === 0) return where;
  const rows = await q
    .selectFrom('api_identifiers')
    .select(['identifier', 'resource_id'])
    .where('organization_id', '=', organizationId)
    .where('resource_type', '=', type)
    .where('identifier', 'in', [...foreign])
    .execute();
  const found = new Map(rows.map((r) => [r.identifier, r.resource_id]));
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    const c = node as { column?: unknown; value?: unknown };
    if (c.column === 'id' && typeof c.value === 'string' && foreign.has(c.value)) {
      // An identifier nobody gave stays as it is: it matches no id, so nothing is found.
      return { ...node, value: found.get(c.value) ?? c.value };
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, rewrite(v)]));
  };
  return rewrite(where) as W;
}

/** A row as read, with the identifiers other systems gave it (`other_identifiers`) for its presenter. */
export type Identified<R> = R & { other_identifiers: string[] };

/** Rows with the identifiers other systems gave each, read in one query. */
export async function attachIdentifiers<R extends { id: string }>(q: Q, organizationId: string, type: string, rows: R[]): Promise<Identified<R>[]> {
  const map = await identifiersOf(q, organizationId, type, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, other_identifiers: map.get(r.id) ?? [] }));
}

/** One row (or nothing) with the identifiers other systems gave it. */
export async function attachIdentifiersTo<R extends { id: string }>(q: Q, organizationId: string, type: string, row: R | undefined): Promise<Identified<R> | undefined> {
  return row ? (await attachIdentifiers(q, organizationId, type, [row]))[0] : undefined;
}

/**
 * A PUT's body names only fields the resource has (`fields`, read-only ones included, so a
 * client may send back what it read, with `_links` and `_embedded`): anything else is a 400
 * naming it, rather than a change silently not made.
 */
export function refuseUnknownFields(body: unknown, what: string, fields: readonly string[]): void {
  if (!body || typeof body !== 'object') return;
  const known = new Set([...fields, '_links', '_embedded', 'identifiers', 'created_date', 'modified_date', 'origin_system']);
  const unknown = Object.keys(body).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw badRequest(`${unknown.map((k) => JSON.stringify(k)).join(', ')} ${unknown.length === 1 ? 'is not a field' : 'are not fields'} of ${what}; a PUT may send ${[...known].filter((k) => !k.startsWith('_')).join(', ')}`);
  }
}
