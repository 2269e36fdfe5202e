import { SlugReadCache, type PublicReadCache } from '../kits/pages/read-cache.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Context } from '../context.ts';
import type { ChallengeMode } from '../kits/pages/challenge.ts';
import { organizationBrand } from '../orgs/brand.ts';
import { findFormBySlug } from './repository.ts';
import { questionsOf } from './questions.ts';
import type { PublicForm } from './public/form-fields.tsx';
import { onePer } from '../util/once-per.ts';

export type CachedForm = PublicForm & { id: string; organization_id: string; challenge: ChallengeMode; questions_json: string };

type FoundForm = NonNullable<Awaited<ReturnType<typeof findFormBySlug>>>;

async function cachedForm(db: Kysely<Database>, row: FoundForm): Promise<CachedForm> {
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
    brand: await organizationBrand(db, row.organization_id),
  };
}

/**
 * The process's public reads of forms, one cache per context, shared by the pages, the console and
 * the API (which forget a slug on change): what a visitor sees is at most 2 s plus one read old
 * (see PublicReadCache).
 */
export const formCache: (ctx: Context) => PublicReadCache<CachedForm> = onePer((ctx: Context) => new SlugReadCache(ctx.database.db, findFormBySlug, cachedForm));
