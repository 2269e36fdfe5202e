import { SlugReadCache, type PublicReadCache } from '../kits/pages/read-cache.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { EventRow } from './tables.ts';
import type { Context } from '../context.ts';
import { acceptedPartners } from '../actions/partners.ts';
import { findEventBySlug } from './repository.ts';
import { addressLinesOf } from './fields.ts';
import { organizationBrand, type OrganizationBrand } from '../orgs/brand.ts';
import { onePer } from '../util/once-per.ts';

/** A point rounded to a fiftieth of a degree (about a mile): the area, not the door. */
export function roughPoint(latitude: number | null, longitude: number | null): { latitude: number; longitude: number } | null {
  if (latitude === null || longitude === null || !Number.isFinite(latitude) || !Number.isFinite(longitude)) return null;
  const round = (v: number) => Math.round(v * 50) / 50;
  return { latitude: round(latitude), longitude: round(longitude) };
}

/**
 * What anyone may see of an event: the venue's name, the city, the postal code and a rounded
 * point on the map. The street address is here only when the organizer made it public
 * (`address_public`), and the join link never: they are for attendees, and a page rendered from
 * this row cannot show what it does not hold.
 */
export type PublicEvent = Pick<
  EventRow,
  | 'id'
  | 'organization_id'
  | 'slug'
  | 'title'
  | 'description'
  | 'title_es'
  | 'description_es'
  | 'start_at'
  | 'end_at'
  | 'timezone'
  | 'online'
  | 'venue'
  | 'address_public'
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
  /** The sponsor as the header shows it (src/orgs/brand.ts). */
  brand?: OrganizationBrand;
  /** A volunteer host's first name, as the page names them (events of a campaign only). */
  host_first_name?: string | null;
  /** The street lines when the organizer made them public; empty otherwise. */
  public_address_lines: string[];
  /** Roughly where it is (rounded to about a mile), for the small map of its area; null when unknown or online. */
  area_point: { latitude: number; longitude: number } | null;
  /** Partner organizations that accepted: each gets an unticked share box. */
  partners: { id: string; name: string }[];
};

type FoundEvent = NonNullable<Awaited<ReturnType<typeof findEventBySlug>>>;

async function publicEvent(db: Kysely<Database>, row: FoundEvent): Promise<PublicEvent> {
  return {
    id: row.id,
    organization_id: row.organization_id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    title_es: row.title_es,
    description_es: row.description_es,
    start_at: row.start_at,
    end_at: row.end_at,
    timezone: row.timezone,
    online: row.online,
    venue: row.online ? null : row.venue,
    address_public: row.address_public,
    public_address_lines: !row.online && row.address_public === 1 ? addressLinesOf(row) : [],
    area_point: row.online ? null : roughPoint(row.latitude, row.longitude),
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
    brand: await organizationBrand(db, row.organization_id),
    // Only the first word of what the host typed: the host form says it is shown (src/event-campaigns).
    host_first_name: row.campaign_id && row.host_name ? (row.host_name.trim().split(/\s+/)[0] ?? null) : null,
    partners: await acceptedPartners(db, 'event', row.id),
  };
}

/**
 * Public reads of events, one cache per context (see PublicReadCache): the pages read it, the
 * console and the API clear it on change. The spots left a visitor sees are at most 2 s plus one
 * read old, and the RSVP itself is decided under the event's lock, never from this copy.
 */
export const eventCache: (ctx: Context) => PublicReadCache<PublicEvent> = onePer((ctx: Context) => new SlugReadCache(ctx.database.db, findEventBySlug, publicEvent));
