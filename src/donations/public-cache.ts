import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Context } from '../context.ts';
import { SlugReadCache, type PublicReadCache } from '../kits/pages/read-cache.ts';
import { acceptedPartners } from '../actions/partners.ts';
import { findPageBySlug, pageTotals } from './repository.ts';
import type { PublicPage } from './public/pages.tsx';
import { organizationBrand } from '../orgs/brand.ts';
import { onePer } from '../util/once-per.ts';

type FoundPage = NonNullable<Awaited<ReturnType<typeof findPageBySlug>>>;

/** A fundraising page as the public pages show it, with its totals and partners. */
async function publicPage(db: Kysely<Database>, row: FoundPage): Promise<PublicPage> {
  const [totals, partners] = await Promise.all([pageTotals(db, row.id), acceptedPartners(db, 'donation', row.id)]);
  return {
    id: row.id,
    organization_id: row.organization_id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    title_es: row.title_es,
    description_es: row.description_es,
    currency: row.currency,
    goal_minor: row.goal_minor,
    amounts: JSON.parse(row.amounts) as number[],
    min_minor: row.min_minor,
    max_minor: row.max_minor,
    allow_monthly: row.allow_monthly === 1,
    offer_fee_cover: row.offer_fee_cover === 1,
    processor: row.processor,
    actblue_form: row.actblue_form,
    actblue_refcode: row.actblue_refcode,
    status: row.status,
    closes_at: row.closes_at,
    organization_name: row.organization_name ?? '',
    brand: await organizationBrand(db, row.organization_id),
    partners,
    totals,
  };
}

/**
 * The process's public reads of fundraising pages, one cache per context; the console, the API and
 * the webhooks forget a slug on change: the totals a visitor sees are at most 2 s plus one read old
 * (see PublicReadCache).
 */
export const fundraisingCache: (ctx: Context) => PublicReadCache<PublicPage> = onePer((ctx: Context) => new SlugReadCache(ctx.database.db, findPageBySlug, publicPage));
