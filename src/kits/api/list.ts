import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { organizationOf } from './auth.ts';
import { parseFilter, toComparisons, type Comparison, type FieldSpec } from './filter.ts';
import { collection, filterParam, pageWindow, parsePaging, type CollectionPage, type Link } from './hal.ts';

/** Offset and limit of a page, for a repository query. */
export type PageWindow = ReturnType<typeof pageWindow>;

/** The filter fields that most resources share, for a resource's FieldSpec to start with. */
export const COMMON_FILTERS = {
  identifier: { column: 'id', kind: 'identifier' },
  created_date: { column: 'created_at', kind: 'date' },
  modified_date: { column: 'modified_at', kind: 'date' },
} as const satisfies FieldSpec<'id' | 'created_at' | 'modified_at'>;

export interface ListInput<C extends string, Row, T extends { _links: { self: Link } }> {
  /** The request's query string: `page`, `per_page` and, with `filters`, `filter`. */
  query: unknown;
  baseUrl: string;
  /** The collection's API path, such as `/petitions`. */
  path: string;
  /** The embedded rel, such as `osdi:petitions`. */
  rel: string;
  /** The fields `?filter=` may name; a collection without them takes no filter (and ignores one). */
  filters?: FieldSpec<C>;
  /** One page of rows matching `where`. */
  list(where: Comparison<C>[], window: PageWindow): Promise<Row[]>;
  /** How many rows match `where` in all. */
  count(where: Comparison<C>[]): Promise<number>;
  present(row: Row): T;
}

/**
 * A collection route's answer: paging and filter read from the query, the page and the count
 * queried side by side, each row presented, and the HAL page with links to its neighbours.
 */
export async function listResource<C extends string, Row, T extends { _links: { self: Link } }>(
  input: ListInput<C, Row, T>,
): Promise<CollectionPage<T>> {
  const query = input.query as Record<string, unknown>;
  const paging = parsePaging(query);
  const { filters } = input;
  const filter = filters ? filterParam(query) : '';
  const where = filters ? toComparisons(parseFilter(filter, Object.keys(filters)), filters) : [];
  const [rows, total] = await Promise.all([input.list(where, pageWindow(paging)), input.count(where)]);
  const items = rows.map((row) => input.present(row));
  return collection({ baseUrl: input.baseUrl, path: input.path, rel: input.rel, items, total, paging, filter });
}

export interface CollectionRoute<C extends string, Row, T extends { _links: { self: Link } }> extends Pick<ListInput<C, Row, T>, 'baseUrl' | 'path' | 'rel'> {
  db: Kysely<Database>;
  filters: FieldSpec<C>;
  /** The repository's page and count of the organization's rows, such as `listPetitions` and `countPetitions`. */
  list(db: Kysely<Database>, organizationId: string, where: Comparison<C>[], window: PageWindow): Promise<Row[]>;
  count(db: Kysely<Database>, organizationId: string, where: Comparison<C>[]): Promise<number>;
  /** The presenter, such as `presentPetition`. */
  present(baseUrl: string, row: Row): T;
}

/** Adds `GET <path>`: the token's organization's collection, filtered and paged. */
export function collectionRoute<C extends string, Row, T extends { _links: { self: Link } }>(app: FastifyInstance, route: CollectionRoute<C, Row, T>) {
  const { db, baseUrl } = route;
  app.get(route.path, async (request) => {
    const org = organizationOf(request);
    return listResource({
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
