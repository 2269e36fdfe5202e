import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database } from '../db/schema.ts';
import { findBrand } from './repository.ts';

// Who is behind a public page, as its header shows it: the sponsoring organization's name, its
// logo and its accent colour. Read through a 5 s cache per process, so a surge on one action
// reads the organization once, and a change in the settings shows within 5 s everywhere.

/** An organization as its pages show it (the pages kit's `Brand`, and the share picture's accent). */
export interface OrganizationBrand {
  name: string;
  logo: string | null;
  stylesheet: string | null;
  accent: string | null;
}

export function brandOf(org: { slug: string; name: string; accent_color: string | null; logo_version: string | null }): OrganizationBrand {
  const base = `/organizations/${encodeURIComponent(org.slug)}`;
  return {
    name: org.name,
    logo: org.logo_version ? `${base}/logo.png?v=${org.logo_version}` : null,
    stylesheet: org.accent_color ? `${base}/brand.css?v=${org.accent_color.slice(1)}` : null,
    accent: org.accent_color,
  };
}

const caches = new WeakMap<Kysely<Database>, LRUCache<string, OrganizationBrand>>();

/** The brand of one organization, by id (at most 5 s old); an unknown id gets a nameless one. */
export async function organizationBrand(db: Kysely<Database>, organizationId: string): Promise<OrganizationBrand> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new LRUCache<string, OrganizationBrand>({
      max: 2000,
      ttl: 5000,
      allowStale: true,
      fetchMethod: async (id) => {
        const org = await findBrand(db, id);
        return org ? brandOf(org) : { name: '', logo: null, stylesheet: null, accent: null };
      },
    });
    caches.set(db, cache);
  }
  return (await cache.fetch(organizationId))!;
}

/** Forgets an organization's brand after its settings changed (in this process; others within 5 s). */
export function forgetBrand(db: Kysely<Database>, organizationId: string): void {
  caches.get(db)?.delete(organizationId);
}
