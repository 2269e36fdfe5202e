import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

type Q = Kysely<Database> | Transaction<Database>;

export async function findOrganizationBySlug(q: Q, slug: string) {
  return q.selectFrom('organizations').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function findOrganization(q: Q, id: string) {
  return q.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertOrganization(q: Q, org: { id: string; slug: string; name: string; created_at: string }) {
  await q.insertInto('organizations').values(org).execute();
}

export async function insertApiToken(
  q: Q,
  token: { id: string; organization_id: string; token_hash: string; label: string; created_at: string },
) {
  await q.insertInto('api_tokens').values({ ...token, last_used_at: null }).execute();
}

export async function findOrganizationByTokenHash(q: Q, tokenHash: string) {
  return q
    .selectFrom('api_tokens')
    .innerJoin('organizations', 'organizations.id', 'api_tokens.organization_id')
    .select(['organizations.id', 'organizations.slug', 'organizations.name', 'api_tokens.id as token_id', 'api_tokens.label as token_label'])
    .where('api_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function setRequireTwoFactor(q: Q, organizationId: string, required: boolean) {
  await q.updateTable('organizations').set({ require_two_factor: required ? 1 : 0 }).where('id', '=', organizationId).execute();
}

export const listOrganizations = (q: Q) => q.selectFrom('organizations').selectAll().orderBy('name').execute();

/** What an organization's public pages show of it: name, accent colour, logo version. */
export async function findBrand(q: Q, id: string) {
  return q.selectFrom('organizations').select(['id', 'slug', 'name', 'accent_color', 'logo_version']).where('id', '=', id).executeTakeFirst();
}

export async function findBrandBySlug(q: Q, slug: string) {
  return q.selectFrom('organizations').select(['id', 'slug', 'name', 'accent_color', 'logo_version']).where('slug', '=', slug).executeTakeFirst();
}

export async function updateProfile(q: Q, id: string, profile: { name: string; accent_color: string | null }) {
  await q.updateTable('organizations').set(profile).where('id', '=', id).execute();
}

export async function findLogo(q: Q, organizationId: string) {
  return q.selectFrom('organization_logos').select(['content_type', 'bytes']).where('organization_id', '=', organizationId).executeTakeFirst();
}

/** Replaces the logo and its version in one transaction; `null` removes it. */
export async function saveLogo(db: Kysely<Database>, organizationId: string, logo: { png: Buffer; width: number; height: number; version: string; created_at: string } | null) {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('organization_logos').where('organization_id', '=', organizationId).execute();
    if (logo) {
      await trx
        .insertInto('organization_logos')
        .values({ organization_id: organizationId, content_type: 'image/png', width: logo.width, height: logo.height, bytes: logo.png, created_at: logo.created_at })
        .execute();
    }
    await trx.updateTable('organizations').set({ logo_version: logo?.version ?? null }).where('id', '=', organizationId).execute();
  });
}
