import { createHash, randomBytes } from 'node:crypto';
import { UserError } from '../util/errors.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { newId, nowIso } from '../util/ids.ts';
import { slugify } from '../util/slug.ts';
import * as repo from './repository.ts';

export class OrganizationError extends UserError {}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/;

export async function createOrganization(db: Kysely<Database>, input: { name: string; slug?: string }) {
  const name = input.name.trim();
  if (!name) throw new OrganizationError('an organization needs a name (--name "Example Coalition")');
  if (name.length > 200) throw new OrganizationError('an organization name must be 200 characters or fewer');
  const slug = input.slug ? input.slug.trim().toLowerCase() : slugify(name);
  if (!SLUG.test(slug)) {
    throw new OrganizationError(`slug "${input.slug}" must be lower-case letters, digits and hyphens, up to 60 characters`);
  }
  if (await repo.findOrganizationBySlug(db, slug)) {
    throw new OrganizationError(`an organization with slug "${slug}" already exists; choose another with --slug`);
  }
  const org = { id: newId(), slug, name, created_at: nowIso() };
  await repo.insertOrganization(db, org);
  return org;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Makes an API token for one organization. Only its hash is stored; the token is shown once. */
export async function createApiToken(db: Kysely<Database>, orgSlug: string, label = 'cli') {
  const org = await repo.findOrganizationBySlug(db, orgSlug);
  if (!org) throw new OrganizationError(`no organization with slug "${orgSlug}" (list them with: turnout org list)`);
  const token = `tnt_${randomBytes(32).toString('base64url')}`;
  await repo.insertApiToken(db, { id: newId(), organization_id: org.id, token_hash: hashToken(token), label, created_at: nowIso() });
  return { token, organization: org };
}

export async function organizationForToken(db: Kysely<Database>, token: string) {
  if (!token || token.length > 200) return undefined;
  return repo.findOrganizationByTokenHash(db, hashToken(token));
}
