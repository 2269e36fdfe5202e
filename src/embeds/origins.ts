import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database } from '../db/schema.ts';
import type { Context } from '../context.ts';
import { listOrigins } from './repository.ts';
import { onePer } from '../util/once-per.ts';

/** Why a typed origin cannot be listed, in the console's English. */
export class OriginError extends Error {}

const LOCAL_HOST = /^(localhost|[a-z0-9-]+(\.[a-z0-9-]+)*\.localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * The origin an organizer typed, as browsers send it in `Origin` (the WHATWG URL parser's
 * serialization: scheme, lower-case host, the port unless it is the default). Only https, and
 * nothing but the origin: no path, query, fragment or credentials. Plain http is taken only for
 * localhost and 127.0.0.0/8 and only when `allowLocalHttp` (turnout itself runs on http, a
 * development instance): a page served over http can be rewritten by anyone on the network.
 */
export function parseOrigin(input: string, allowLocalHttp: boolean): string {
  const typed = input.trim();
  if (!typed) throw new OriginError('Enter the address of the site, like https://www.example.org');
  if (typed.length > 300) throw new OriginError('An origin is 300 characters or fewer');
  let url: URL;
  try {
    url = new URL(typed);
  } catch {
    throw new OriginError('Enter a whole address with https://, like https://www.example.org');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OriginError('Only https:// sites can embed actions');
  if (url.username || url.password) throw new OriginError('Leave out the user name and password: enter only https://host');
  if (url.pathname !== '/' || url.search || url.hash || /^[a-z]+:\/\/[^/]+\/./i.test(typed)) {
    throw new OriginError(`Enter only the origin, without a path: ${url.origin}`);
  }
  if (url.protocol === 'http:') {
    if (!LOCAL_HOST.test(url.hostname)) throw new OriginError(`Only https:// sites can embed actions: enter https://${url.host}`);
    if (!allowLocalHttp) throw new OriginError('http:// is taken only for localhost while turnout itself runs on http (development); enter an https:// origin');
  }
  return url.origin;
}

/** Whether this instance takes http://localhost origins: only while its own BASE_URL is http. */
export const allowsLocalHttp = (ctx: Context) => ctx.config.baseUrl.startsWith('http:');

/**
 * Every organization's listed origins, read at most every 2 s per process (like the block
 * lists): the embed endpoints check `Origin` in memory. A change in the console is seen at once
 * in its own process (`forget`) and within 2 s in others.
 */
export class OriginCache {
  private readonly lists: LRUCache<string, ReadonlySet<string>>;

  constructor(private readonly db: Kysely<Database>, ttlMs = 2000) {
    this.lists = new LRUCache<string, ReadonlySet<string>>({ max: 5000, ttl: ttlMs, allowStale: true, fetchMethod: (org) => this.load(org) });
  }

  private async load(organizationId: string): Promise<ReadonlySet<string>> {
    return new Set((await listOrigins(this.db, organizationId)).map((r) => r.origin));
  }

  async get(organizationId: string): Promise<ReadonlySet<string>> {
    return (await this.lists.fetch(organizationId))!;
  }

  forget(organizationId: string): void {
    this.lists.delete(organizationId);
  }
}

export const originCache: (ctx: Context) => OriginCache = onePer((ctx: Context) => new OriginCache(ctx.database.db));
