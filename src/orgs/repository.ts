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
    .select(['organizations.id', 'organizations.slug', 'organizations.name', 'api_tokens.id as token_id'])
    .where('api_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function setRequireTwoFactor(q: Q, organizationId: string, required: boolean) {
  await q.updateTable('organizations').set({ require_two_factor: required ? 1 : 0 }).where('id', '=', organizationId).execute();
}

export const listOrganizations = (q: Q) => q.selectFrom('organizations').selectAll().orderBy('name').execute();
