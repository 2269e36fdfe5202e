import { LRUCache } from 'lru-cache';
import { CachedPage } from '../http/cached-page.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { findPetitionBySlug } from './repository.ts';
import { acceptedPartners } from '../coalitions/repository.ts';
import { targetsOf } from './service.ts';
import type { PublicPetition } from './pages.tsx';

export type CachedPetition = PublicPetition & { id: string; organization_id: string };

/**
 * Public reads of a petition are served from memory for `ttlMs` (2 s): during a surge every
 * page view and every signature would otherwise read the same row, and on SQLite wait behind
 * the writer. When a row expires, one read refreshes it while the other requests are served the
 * row it replaces, so no page view waits for the database. The count a visitor sees is therefore
 * at most `ttlMs` plus one read old. Rendered pages hang off the row they were rendered from and
 * expire with it. Each process keeps its own copy, so several web processes stay correct without
 * sharing anything.
 */
export class PetitionReadCache {
  private readonly rows: LRUCache<string, CachedPetition | 'missing'>;
  private readonly pages = new WeakMap<CachedPetition, Map<string, CachedPage>>();

  constructor(
    private readonly db: Kysely<Database>,
    readonly ttlMs = 2000,
  ) {
    this.rows = new LRUCache<string, CachedPetition | 'missing'>({
      max: 5000,
      ttl: ttlMs,
      allowStale: true,
      fetchMethod: (slug) => this.load(slug),
    });
  }

  async get(slug: string): Promise<CachedPetition | undefined> {
    let value: CachedPetition | 'missing' | undefined;
    try {
      value = await this.rows.fetch(slug);
    } catch {
      // `forget` aborted the read in flight: read again, after the change.
      value = await this.rows.fetch(slug);
    }
    return value === 'missing' ? undefined : value;
  }

  /**
   * A page rendered from `petition`, by variant (language, thanks page …): rendered once per
   * row and dropped with it. It is kept as bytes (and compressed bytes), so a page view sends them as they are.
   */
  page(petition: CachedPetition, variant: string, render: () => string): CachedPage {
    let pages = this.pages.get(petition);
    if (!pages) {
      pages = new Map();
      this.pages.set(petition, pages);
    }
    let html = pages.get(variant);
    if (html === undefined) {
      html = new CachedPage(render());
      pages.set(variant, html);
    }
    return html;
  }

  /** Drops a petition after it changed, so the next read (in this process) sees the change. */
  forget(slug: string): void {
    this.rows.delete(slug);
  }

  private async load(slug: string): Promise<CachedPetition | 'missing'> {
    const row = await findPetitionBySlug(this.db, slug);
    if (!row) return 'missing';
    return {
      id: row.id,
      organization_id: row.organization_id,
      slug: row.slug,
      title: row.title,
      description: row.description,
      petition_text: row.petition_text,
      targets: targetsOf(row),
      goal: row.goal,
      status: row.status,
      confirmation_required: row.confirmation_required,
      signature_count: row.signature_count,
      organization_name: row.organization_name,
      partners: await acceptedPartners(this.db, 'petition', row.id),
    };
  }
}
