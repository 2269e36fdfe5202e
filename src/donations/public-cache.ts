import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Context } from '../context.ts';
import { PublicReadCache } from '../kits/pages/read-cache.ts';
import { acceptedPartners } from '../actions/partners.ts';
import { findPageBySlug, pageTotals } from './repository.ts';
import type { PublicPage } from './public/pages.tsx';
import { organizationBrand } from '../orgs/brand.ts';
import { onePer } from '../util/once-per.ts';

/** Public reads of fundraising pages with their totals: at most 2 s plus one read old. */
class FundraisingReadCache extends PublicReadCache<PublicPage> {
  constructor(private readonly db: Kysely<Database>) {
    super(2000);
  }

  protected async load(slug: string): Promise<PublicPage | 'missing'> {
    const row = await findPageBySlug(this.db, slug);
    if (!row) return 'missing';
    const [totals, partners] = await Promise.all([pageTotals(this.db, row.id), acceptedPartners(this.db, 'donation', row.id)]);
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
      brand: await organizationBrand(this.db, row.organization_id),
      partners,
      totals,
    };
  }
}

/** The process's public reads of fundraising pages; the console, the API and the webhooks forget a slug on change. */
export const fundraisingCache: (ctx: Context) => FundraisingReadCache = onePer((ctx: Context) => new FundraisingReadCache(ctx.database.db));
