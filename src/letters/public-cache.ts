import type { Kysely } from 'kysely';
import { SlugReadCache, type PublicReadCache } from '../kits/pages/read-cache.ts';
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

type FoundCampaign = NonNullable<Awaited<ReturnType<typeof findCampaignBySlug>>>;

/** A letter campaign as the public pages show it, with its targets and partners. */
async function cachedCampaign(db: Kysely<Database>, row: FoundCampaign): Promise<CachedCampaign> {
  const [targets, partners] = await Promise.all([targetsOf(db, row.id), acceptedPartners(db, 'letter', row.id)]);
  return { ...row, targets, partners, brand: await organizationBrand(db, row.organization_id) };
}

/**
 * The process's public reads of letter campaigns, one cache per context, shared by the pages, the
 * console and the API (which forget a slug on change): what a visitor sees is at most 2 s plus one
 * read old (see PublicReadCache).
 */
export const letterCache: (ctx: Context) => PublicReadCache<CachedCampaign> = onePer((ctx: Context) => new SlugReadCache(ctx.database.db, findCampaignBySlug, cachedCampaign));
