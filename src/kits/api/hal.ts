import { ApiError } from './errors.ts';

export const HAL_JSON = 'application/hal+json; charset=utf-8';
export const NAMESPACE = 'turnout';
export const MAX_PAGE_SIZE = 25;
const MAX_PAGE = 1_000_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The prefixes under which a record's own id is known. Clients written for Action Network read
 * the id from `action_network:<id>` (and build URLs from it), so every record answers to both.
 */
export const OWN_PREFIXES = ['action_network', NAMESPACE] as const;

/** Our id from `action_network:<uuid>`, `turnout:<uuid>` or a bare uuid; null for anything else (another system's identifier). */
export function parseIdentifier(raw: string): string | null {
  const trimmed = raw.trim();
  const prefix = OWN_PREFIXES.find((p) => trimmed.startsWith(`${p}:`));
  const id = prefix ? trimmed.slice(prefix.length + 1) : trimmed;
  return UUID.test(id) ? id.toLowerCase() : null;
}

/** A record's identifiers: `action_network:<id>` first (where Action Network's clients look), then `turnout:<id>`. */
export const identifiers = (id: string) => OWN_PREFIXES.map((p) => `${p}:${id}`);

export interface Link {
  href: string;
  title?: string;
  templated?: boolean;
}

export const link = (href: string, title?: string): Link => (title ? { href, title } : { href });

export interface Curie {
  name: string;
  href: string;
  templated: true;
}

/** The HAL curies that expand `osdi:people` and friends into documentation addresses. */
export function curies(baseUrl: string): Curie[] {
  return ['osdi', 'action_network', NAMESPACE].map((name) => ({ name, href: `${baseUrl}/docs/v2/{rel}`, templated: true as const }));
}

/** Absolute address of an API path such as `/petitions/<id>`. */
export const apiUrl = (baseUrl: string, path: string) => `${baseUrl}/api/v2${path}`;

export interface Paging {
  page: number;
  perPage: number;
  /** true when the client chose per_page, so links keep it. */
  perPageGiven: boolean;
}

/** `?page=` (1-based) and `?per_page=` (1 to 25; more is taken as 25, as Action Network does). */
export function parsePaging(query: Record<string, unknown>): Paging {
  const page = wholeNumber(query.page, 'page') ?? 1;
  if (page > MAX_PAGE) throw new ApiError(400, `page must be ${MAX_PAGE} or less`);
  const perPage = wholeNumber(query.per_page, 'per_page');
  return { page, perPage: Math.min(perPage ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE), perPageGiven: perPage !== undefined };
}

function wholeNumber(raw: unknown, name: string): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw.trim()) || Number(raw) < 1) {
    throw new ApiError(400, `${name} must be a whole number of 1 or more, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

/**
 * `?background_request=true`: Action Network's way for a client to ask a helper to answer at once
 * and do the work after. true, false (or absent), anything else a 400.
 */
export function backgroundRequested(query: Record<string, unknown>): boolean {
  const raw = query.background_request;
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ApiError(400, `background_request must be true or false, got ${JSON.stringify(raw)}`);
}

// Sorting parameters clients try; Action Network documents none, so none is honoured silently.
const SORT_PARAMS = ['sort', 'sort_by', 'order', 'order_by', 'orderby', '$orderby', '$sort'];

/** Refuses a sorting parameter rather than ignoring it: a client must not believe its answer sorted. */
export function refuseSorting(query: Record<string, unknown>): void {
  const given = SORT_PARAMS.find((name) => query[name] !== undefined);
  if (given) {
    throw new ApiError(400, `${given} is not supported: Action Network's API has no sorting, and each collection keeps its own order (most oldest first); narrow it with filter instead`);
  }
}

/** The one `?filter=` of a request, or '' when there is none. */
export function filterParam(query: Record<string, unknown>): string {
  const raw = query.filter;
  if (raw === undefined) return '';
  if (typeof raw !== 'string') throw new ApiError(400, 'filter must be given once');
  return raw;
}

export interface CollectionInput<T extends { _links: { self: Link } }> {
  baseUrl: string;
  /** The collection's API path, such as `/petitions`. */
  path: string;
  /** The embedded rel, such as `osdi:petitions`. */
  rel: string;
  items: T[];
  total: number;
  paging: Paging;
  filter: string;
}

export interface CollectionPage<T> {
  total_pages: number;
  per_page: number;
  page: number;
  total_records: number;
  _links: { self: Link; next?: Link; previous?: Link; curies: Curie[]; [rel: string]: Link | Link[] | Curie[] | undefined };
  _embedded: Record<string, T[]>;
}

/** An OSDI collection page: counts, the page's records embedded, and links to its neighbours. */
export function collection<T extends { _links: { self: Link } }>(c: CollectionInput<T>): CollectionPage<T> {
  const { page, perPage } = c.paging;
  const totalPages = Math.ceil(c.total / perPage);
  const href = (n: number) => {
    const params = new URLSearchParams();
    params.set('page', String(n));
    if (c.paging.perPageGiven) params.set('per_page', String(perPage));
    if (c.filter) params.set('filter', c.filter);
    return `${apiUrl(c.baseUrl, c.path)}?${params.toString().replace(/\+/g, '%20')}`;
  };
  return {
    total_pages: totalPages,
    per_page: perPage,
    page,
    total_records: c.total,
    _links: {
      self: link(href(page)),
      ...(page < totalPages ? { next: link(href(page + 1)) } : {}),
      ...(page > 1 ? { previous: link(href(Math.min(page - 1, Math.max(totalPages, 1)))) } : {}),
      [c.rel]: c.items.map((item) => link(item._links.self.href)),
      curies: curies(c.baseUrl),
    },
    _embedded: { [c.rel]: c.items },
  };
}

/** Offset and limit for a repository query. */
export const pageWindow = (p: Paging) => ({ limit: p.perPage, offset: (p.page - 1) * p.perPage });
