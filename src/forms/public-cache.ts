import { PublicReadCache } from '../kits/pages/read-cache.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Context } from '../context.ts';
import type { ChallengeMode } from '../kits/pages/challenge.ts';
import { organizationBrand } from '../orgs/brand.ts';
import { findFormBySlug } from './repository.ts';
import { questionsOf } from './questions.ts';
import type { PublicForm } from './public/form-fields.tsx';

export type CachedForm = PublicForm & { id: string; organization_id: string; challenge: ChallengeMode; questions_json: string };

/** Public reads of forms (see PublicReadCache): what a visitor sees is at most 2 s plus one read old. */
export class FormReadCache extends PublicReadCache<CachedForm> {
  constructor(
    private readonly db: Kysely<Database>,
    ttlMs = 2000,
  ) {
    super(ttlMs);
  }

  protected async load(slug: string): Promise<CachedForm | 'missing'> {
    const row = await findFormBySlug(this.db, slug);
    if (!row) return 'missing';
    return {
      id: row.id,
      organization_id: row.organization_id,
      slug: row.slug,
      title: row.title,
      description: row.description,
      title_es: row.title_es,
      description_es: row.description_es,
      questions: questionsOf(row),
      questions_json: row.questions,
      status: row.status,
      submission_count: row.submission_count,
      challenge: row.challenge,
      organization_name: row.organization_name,
      brand: await organizationBrand(this.db, row.organization_id),
    };
  }
}

const caches = new WeakMap<Context, FormReadCache>();

/** The process's public reads of forms, shared by the pages, the console and the API (which forget a slug on change). */
export function formCache(ctx: Context): FormReadCache {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new FormReadCache(ctx.database.db);
    caches.set(ctx, cache);
  }
  return cache;
}
