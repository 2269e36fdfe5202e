import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Context } from '../context.ts';
import { SlugReadCache, type PublicReadCache } from '../kits/pages/read-cache.ts';
import { acceptedPartners } from '../actions/partners.ts';
import { shownDeliveriesOf } from '../kits/delivery/repository.ts';
import type { DeliveryMethod } from '../kits/delivery/tables.ts';
import { approvedOrganizations, findLetterBySlug } from './repository.ts';
import { targetsOf } from './service.ts';
import type { OpenLetter } from './tables.ts';
import { organizationBrand, type OrganizationBrand } from '../orgs/brand.ts';
import { onePer } from '../util/once-per.ts';

/** An approved organization as the public list shows it; the signer's name and role only if they chose so. */
export interface PublicOrganization {
  id: string;
  org_name: string | null;
  org_website: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  group_name: string | null;
  featured: number;
  created_at: string;
  signer: string | null;
  logo_id: string | null;
}

export type CachedLetter = OpenLetter & {
  organization_name: string;
  /** The sponsor as the header shows it (src/orgs/brand.ts). */
  brand?: OrganizationBrand;
  targetList: { name: string }[];
  partners: { id: string; name: string }[];
  organizations: PublicOrganization[];
  deliveries: { delivered_on: string; recipient: string; method: DeliveryMethod }[];
};

type FoundLetter = NonNullable<Awaited<ReturnType<typeof findLetterBySlug>>>;

/** An open letter as the public pages show it: its approved organizations and shown deliveries, each signer only as they chose. */
async function cachedLetter(db: Kysely<Database>, row: FoundLetter): Promise<CachedLetter> {
  const [partners, approved, deliveries] = await Promise.all([
    acceptedPartners(db, 'open_letter', row.id),
    approvedOrganizations(db, row.id),
    shownDeliveriesOf(db, 'open_letter', row.id),
  ]);
  return {
    ...row,
    brand: await organizationBrand(db, row.organization_id),
    targetList: targetsOf(row),
    partners,
    organizations: approved.map((o) => ({
      id: o.id,
      org_name: o.org_name,
      org_website: o.org_website,
      city: o.city,
      region: o.region,
      country: o.country,
      group_name: o.group_name,
      featured: o.featured,
      created_at: o.created_at,
      signer: o.show_signer === 1 ? [[o.given_name, o.family_name].filter(Boolean).join(' '), o.signer_role].filter(Boolean).join(', ') || null : null,
      logo_id: o.logo_id,
    })),
    deliveries: deliveries.map((d) => ({ ...d, method: d.method as DeliveryMethod })),
  };
}

/**
 * The process's public reads of open letters, one cache per context, shared by the pages, the
 * console and the API (which forget a slug on change): what a visitor sees is at most 2 s plus one
 * read old (see PublicReadCache).
 */
export const letterCache: (ctx: Context) => PublicReadCache<CachedLetter> = onePer((ctx: Context) => new SlugReadCache(ctx.database.db, findLetterBySlug, cachedLetter));
