import { LRUCache } from 'lru-cache';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { CachedPage } from './cached-page.ts';

/**
 * Public reads of one kind of row (a petition, an event) by slug, served from memory for
 * `ttlMs` (2 s): during a surge every page view and every action would otherwise read the same
 * row, and on SQLite wait behind the writer. When a row expires, one read refreshes it while
 * the other requests are served the row it replaces, so no page view waits for the database.
 * What a visitor sees is therefore at most `ttlMs` plus one read old. Rendered pages hang off
 * the row they were rendered from and expire with it. Each process keeps its own copy, so
 * several web processes stay correct without sharing anything.
 */
export abstract class PublicReadCache<Row extends object> {
  private readonly rows: LRUCache<string, Row | 'missing'>;
  private readonly pages = new WeakMap<Row, Map<string, CachedPage>>();

  constructor(readonly ttlMs = 2000) {
    this.rows = new LRUCache<string, Row | 'missing'>({ max: 5000, ttl: ttlMs, allowStale: true, fetchMethod: (slug) => this.load(slug) });
  }

  /** Reads the row from the database ('missing' when there is none: remembered like a row). */
  protected abstract load(slug: string): Promise<Row | 'missing'>;

  async get(slug: string): Promise<Row | undefined> {
    let value: Row | 'missing' | undefined;
    try {
      value = await this.rows.fetch(slug);
    } catch {
      // `forget` aborted the read in flight: read again, after the change.
      value = await this.rows.fetch(slug);
    }
    return value === 'missing' ? undefined : value;
  }

  /**
   * A page rendered from `row`, by variant (language, thanks page …): rendered once per row and
   * dropped with it. It is kept as bytes (and compressed bytes), so a page view sends them as they are.
   */
  page(row: Row, variant: string, render: () => string): CachedPage {
    let pages = this.pages.get(row);
    if (!pages) {
      pages = new Map();
      this.pages.set(row, pages);
    }
    let page = pages.get(variant);
    if (page === undefined) {
      page = new CachedPage(render());
      pages.set(variant, page);
    }
    return page;
  }

  /** Drops a row after it changed, so the next read (in this process) sees the change. */
  forget(slug: string): void {
    this.rows.delete(slug);
  }
}

/**
 * A PublicReadCache of rows that `find` reads by slug (undefined when there is none) and
 * `toRow` turns into what a visitor may see, reading more if it needs (the brand, the partners):
 * each capability gives only those two, and the staleness bound above holds for all of them.
 */
export class SlugReadCache<Found extends object, Row extends object> extends PublicReadCache<Row> {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly find: (db: Kysely<Database>, slug: string) => Promise<Found | undefined>,
    private readonly toRow: (db: Kysely<Database>, found: Found) => Row | Promise<Row>,
    ttlMs = 2000,
  ) {
    super(ttlMs);
  }

  protected async load(slug: string): Promise<Row | 'missing'> {
    const found = await this.find(this.db, slug);
    if (!found) return 'missing';
    return await this.toRow(this.db, found);
  }
}
