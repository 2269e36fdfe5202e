import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { organizationOf } from './auth.ts';
import { ApiError } from './errors.ts';
import { parseFilterTree, toCondition, type Condition, type FieldSpec } from './filter.ts';
import { collection, filterParam, pageWindow, parsePaging, refuseSorting, type CollectionPage, type Link, type Paging } from './hal.ts';

/** Offset and limit of a page, for a repository query. */
export type PageWindow = ReturnType<typeof pageWindow>;

/** The filter fields that most resources share, for a resource's FieldSpec to start with. */
export const COMMON_FILTERS = {
  identifier: { column: 'id', kind: 'identifier' },
  created_date: { column: 'created_at', kind: 'date' },
  modified_date: { column: 'modified_at', kind: 'date' },
} as const satisfies FieldSpec<'id' | 'created_at' | 'modified_at'>;

interface ListShape<C extends string, Row, T extends { _links: { self: Link } }> {
  /** The request's query string: `page`, `per_page` and, with `filters`, `filter`. */
  query: unknown;
  baseUrl: string;
  /** The collection's API path, such as `/petitions`. */
  path: string;
  /** The embedded rel, such as `osdi:petitions`. */
  rel: string;
  /** The fields `?filter=` may name; a collection without them refuses any filter with a 400. */
  filters?: FieldSpec<C>;
  present(row: Row): T;
}

export interface MatchingListInput<C extends string, Row, T extends { _links: { self: Link } }> extends ListShape<C, Row, T> {
  /** One page of rows matching the whole filter (`and`, `or`, parentheses), applied with `conditionSql`. */
  list(where: Condition<C>, window: PageWindow): Promise<Row[]>;
  count(where: Condition<C>): Promise<number>;
}

/** What every collection reads from its query string, the same way everywhere: paging, no sorting, the filter. */
function readQuery(query: unknown, filters: FieldSpec<string> | undefined): { paging: Paging; filter: string } {
  const q = (query ?? {}) as Record<string, unknown>;
  const paging = parsePaging(q);
  refuseSorting(q);
  const filter = filterParam(q);
  // A filter is never ignored: a collection that takes none says so.
  if (!filters && filter.trim() !== '') throw new ApiError(400, 'this collection takes no filter');
  return { paging, filter };
}

async function page<Row, T extends { _links: { self: Link } }>(
  input: ListShape<string, Row, T>,
  paging: Paging,
  filter: string,
  rows: Promise<Row[]>,
  total: Promise<number>,
): Promise<CollectionPage<T>> {
  const [found, count] = await Promise.all([rows, total]);
  const items = found.map((row) => input.present(row));
  return collection({ baseUrl: input.baseUrl, path: input.path, rel: input.rel, items, total: count, paging, filter });
}

/**
 * A collection route's answer: paging and filter read from the query, the page and the count
 * queried side by side, each row presented, and the HAL page with links to its neighbours. The
 * queries take the whole filter (`and`, `or`, parentheses) as one condition, applied with
 * `.where(conditionSql(where))`.
 */
export async function listMatching<C extends string, Row, T extends { _links: { self: Link } }>(input: MatchingListInput<C, Row, T>): Promise<CollectionPage<T>> {
  const { paging, filter } = readQuery(input.query, input.filters);
  const where: Condition<C> = input.filters ? toCondition(parseFilterTree(filter, Object.keys(input.filters)), input.filters) : { all: [] };
  return page(input, paging, filter, input.list(where, pageWindow(paging)), input.count(where));
}

export interface CollectionRoute<C extends string, Row, T extends { _links: { self: Link } }> extends Pick<MatchingListInput<C, Row, T>, 'baseUrl' | 'path' | 'rel'> {
  db: Kysely<Database>;
  filters: FieldSpec<C>;
  /** The repository's page and count of the organization's rows, such as `listPetitions` and `countPetitions`. */
  list(db: Kysely<Database>, organizationId: string, where: Condition<C>, window: PageWindow): Promise<Row[]>;
  count(db: Kysely<Database>, organizationId: string, where: Condition<C>): Promise<number>;
  /** The presenter, such as `presentPetition`. */
  present(baseUrl: string, row: Row): T;
}

/** Adds `GET <path>`: the token's organization's collection, filtered and paged. */
export function collectionRoute<C extends string, Row, T extends { _links: { self: Link } }>(app: FastifyInstance, route: CollectionRoute<C, Row, T>) {
  const { db, baseUrl } = route;
  app.get(route.path, async (request) => {
    const org = organizationOf(request);
    return listMatching({
      query: request.query,
      baseUrl,
      path: route.path,
      rel: route.rel,
      filters: route.filters,
      list: (where, window) => route.list(db, org.id, where, window),
      count: (where) => route.count(db, org.id, where),
      present: (row) => route.present(baseUrl, row),
    });
  });
}
