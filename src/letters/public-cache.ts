import type { Kysely } from 'kysely';
import { PublicReadCache } from '../kits/pages/read-cache.ts';
import type { Database } from '../db/schema.ts';
import type { Context } from '../context.ts';
import { acceptedPartners } from '../actions/partners.ts';
import { findCampaignBySlug, targetsOf } from './repository.ts';
import type { LetterCampaign, LetterTarget } from './tables.ts';
import { organizationBrand, type OrganizationBrand } from '../orgs/brand.ts';
import { onePer } from '../util/once-per.ts';

export type CachedCampaign = LetterCampaign & {
  organization_name: string;
  /** The sponsor as the header shows it (src/orgs/brand.ts). */
  brand?: OrganizationBrand;
  targets: LetterTarget[];
  partners: { id: string; name: string }[];
};

/** Public reads of letter campaigns (see PublicReadCache), with their targets and partners. */
export class LetterReadCache extends PublicReadCache<CachedCampaign> {
  constructor(
    private readonly db: Kysely<Database>,
    ttlMs = 2000,
  ) {
    super(ttlMs);
  }

  protected async load(slug: string): Promise<CachedCampaign | 'missing'> {
    const row = await findCampaignBySlug(this.db, slug);
    if (!row) return 'missing';
    const [targets, partners] = await Promise.all([targetsOf(this.db, row.id), acceptedPartners(this.db, 'letter', row.id)]);
    return { ...row, targets, partners, brand: await organizationBrand(this.db, row.organization_id) };
  }
}

/** The process's public reads of letter campaigns, shared by the pages, the console and the API (which forget a slug on change). */
export const letterCache: (ctx: Context) => LetterReadCache = onePer((ctx: Context) => new LetterReadCache(ctx.database.db));
