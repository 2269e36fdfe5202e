import { PublicReadCache } from '../kits/pages/read-cache.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { EventRow } from './tables.ts';
import type { Context } from '../context.ts';
import { acceptedPartners } from '../actions/partners.ts';
import { findEventBySlug } from './repository.ts';

/**
 * What anyone may see of an event. The street address, the venue and the join link are left
 * out on purpose: they are for attendees, and a page rendered from this row cannot show them.
 */
export type PublicEvent = Pick<
  EventRow,
  | 'id'
  | 'organization_id'
  | 'slug'
  | 'title'
  | 'description'
  | 'start_at'
  | 'end_at'
  | 'timezone'
  | 'online'
  | 'locality'
  | 'region'
  | 'postal_code'
  | 'country'
  | 'capacity'
  | 'accepted_count'
  | 'waitlist_count'
  | 'visibility'
  | 'status'
  | 'challenge'
> & {
  organization_name: string;
  /** Partner organizations that accepted: each gets an unticked share box. */
  partners: { id: string; name: string }[];
};

/**
 * Public reads of events (see PublicReadCache): the spots left a visitor sees are at most 2 s
 * plus one read old, and the RSVP itself is decided under the event's lock, never from this copy.
 */
export class EventReadCache extends PublicReadCache<PublicEvent> {
  constructor(
    private readonly db: Kysely<Database>,
    ttlMs = 2000,
  ) {
    super(ttlMs);
  }

  protected async load(slug: string): Promise<PublicEvent | 'missing'> {
    const row = await findEventBySlug(this.db, slug);
    if (!row) return 'missing';
    return {
      id: row.id,
      organization_id: row.organization_id,
      slug: row.slug,
      title: row.title,
      description: row.description,
      start_at: row.start_at,
      end_at: row.end_at,
      timezone: row.timezone,
      online: row.online,
      locality: row.locality,
      region: row.region,
      postal_code: row.postal_code,
      country: row.country,
      capacity: row.capacity,
      accepted_count: Number(row.accepted_count),
      waitlist_count: Number(row.waitlist_count),
      visibility: row.visibility,
      status: row.status,
      challenge: row.challenge,
      organization_name: row.organization_name,
      partners: await acceptedPartners(this.db, 'event', row.id),
    };
  }
}

const caches = new WeakMap<Context, EventReadCache>();

/** The process's event cache, one per context: the pages read it, the console and the API clear it on change. */
export function eventCache(ctx: Context): EventReadCache {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new EventReadCache(ctx.database.db);
    caches.set(ctx, cache);
  }
  return cache;
}
