import { LRUCache } from 'lru-cache';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { findPetitionBySlug } from './repository.ts';
import { targetsOf } from './service.ts';
import type { PublicPetition } from './pages.tsx';

export type CachedPetition = PublicPetition & { id: string; organization_id: string };

/**
 * Public reads of a petition are served from memory for `ttlMs` (2 s): during a surge every
 * page view and every signature would otherwise read the same row, and on SQLite wait behind
 * the writer. The count a visitor sees is therefore at most `ttlMs` old. Each process keeps
 * its own copy, so several web processes stay correct without sharing anything.
 */
export class PetitionReadCache {
  private readonly rows: LRUCache<string, CachedPetition | 'missing'>;
  private readonly pages = new LRUCache<string, string>({ max: 2000, ttl: 2000 });

  constructor(
    private readonly db: Kysely<Database>,
    readonly ttlMs = 2000,
  ) {
    this.rows = new LRUCache({ max: 5000, ttl: ttlMs });
    this.pages = new LRUCache({ max: 2000, ttl: ttlMs });
  }

  async get(slug: string): Promise<CachedPetition | undefined> {
    const hit = this.rows.get(slug);
    if (hit !== undefined) return hit === 'missing' ? undefined : hit;
    const row = await findPetitionBySlug(this.db, slug);
    const value: CachedPetition | 'missing' = row
      ? {
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
        }
      : 'missing';
    this.rows.set(slug, value);
    return value === 'missing' ? undefined : value;
  }

  /** A rendered page, by whatever key the caller chooses (slug and language). */
  page(key: string, render: () => string): string {
    let html = this.pages.get(key);
    if (html === undefined) {
      html = render();
      this.pages.set(key, html);
    }
    return html;
  }

  forget(slug: string): void {
    this.rows.delete(slug);
    for (const key of this.pages.keys()) if (key.startsWith(`${slug}\u0000`)) this.pages.delete(key);
  }
}
