import { PublicReadCache } from '../kits/pages/read-cache.ts';
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

/** Public reads of petitions (see PublicReadCache): the count a visitor sees is at most 2 s plus one read old. */
export class PetitionReadCache extends PublicReadCache<CachedPetition> {
  constructor(
    private readonly db: Kysely<Database>,
    ttlMs = 2000,
  ) {
    super(ttlMs);
  }

  protected async load(slug: string): Promise<CachedPetition | 'missing'> {
    const row = await findPetitionBySlug(this.db, slug);
    if (!row) return 'missing';
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
      brand: await organizationBrand(this.db, row.organization_id),
      partners: await acceptedPartners(this.db, 'petition', row.id),
      deliveries: (await shownDeliveriesOf(this.db, 'petition', row.id)).map((d) => ({ ...d, method: d.method as DeliveryMethod })),
    };
  }
}

/** The process's public reads of petitions, shared by the pages, the console and the API (which forget a slug on change). */
export const petitionCache: (ctx: Context) => PetitionReadCache = onePer((ctx: Context) => new PetitionReadCache(ctx.database.db));
