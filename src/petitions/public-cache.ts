import { SlugReadCache, type PublicReadCache } from '../kits/pages/read-cache.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Context } from '../context.ts';
import { findPetitionBySlug } from './repository.ts';
import { acceptedPartners } from '../actions/partners.ts';
import { shownDeliveriesOf } from '../kits/delivery/repository.ts';
import type { DeliveryMethod } from '../kits/delivery/tables.ts';
import { targetsOf } from './service.ts';
import type { PublicPetition } from './public/pages.tsx';
import type { ChallengeMode } from '../kits/pages/challenge.ts';
import { organizationBrand } from '../orgs/brand.ts';
import { onePer } from '../util/once-per.ts';

export type CachedPetition = PublicPetition & { id: string; organization_id: string; challenge: ChallengeMode };

type FoundPetition = NonNullable<Awaited<ReturnType<typeof findPetitionBySlug>>>;

async function cachedPetition(db: Kysely<Database>, row: FoundPetition): Promise<CachedPetition> {
  return {
    id: row.id,
    organization_id: row.organization_id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    petition_text: row.petition_text,
    title_es: row.title_es,
    description_es: row.description_es,
    petition_text_es: row.petition_text_es,
    targets: targetsOf(row),
    goal: row.goal,
    status: row.status,
    closes_at: row.closes_at,
    confirmation_required: row.confirmation_required,
    signature_count: row.signature_count,
    challenge: row.challenge,
    organization_name: row.organization_name,
    brand: await organizationBrand(db, row.organization_id),
    partners: await acceptedPartners(db, 'petition', row.id),
    deliveries: (await shownDeliveriesOf(db, 'petition', row.id)).map((d) => ({ ...d, method: d.method as DeliveryMethod })),
  };
}

/**
 * The process's public reads of petitions, one cache per context, shared by the pages, the console
 * and the API (which forget a slug on change): the count a visitor sees is at most 2 s plus one
 * read old (see PublicReadCache).
 */
export const petitionCache: (ctx: Context) => PublicReadCache<CachedPetition> = onePer((ctx: Context) => new SlugReadCache(ctx.database.db, findPetitionBySlug, cachedPetition));
