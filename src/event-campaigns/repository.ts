import { type Insertable, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { EventCampaignTable } from './tables.ts';

type Q = Kysely<Database> | Transaction<Database>;

/** Inserts a campaign unless its slug is taken (then nothing is written and it says false). */
export async function insertCampaignUnlessSlugTaken(q: Q, campaign: Insertable<EventCampaignTable>): Promise<boolean> {
  const result = await q.insertInto('event_campaigns').values(campaign).onConflict((oc) => oc.column('slug').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateCampaign(q: Q, organizationId: string, id: string, changes: Updateable<EventCampaignTable>) {
  await q.updateTable('event_campaigns').set(changes).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

export const findCampaign = (q: Q, organizationId: string, id: string) =>
  q.selectFrom('event_campaigns').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();

export const findCampaignBySlug = (q: Q, slug: string) =>
  q
    .selectFrom('event_campaigns')
    .innerJoin('organizations', 'organizations.id', 'event_campaigns.organization_id')
    .selectAll('event_campaigns')
    .select('organizations.name as organization_name')
    .where('event_campaigns.slug', '=', slug)
    .executeTakeFirst();

export const campaignSlugExists = async (q: Q, slug: string) =>
  (await q.selectFrom('event_campaigns').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;

/** An organization's campaigns, oldest first (stable paging while new ones arrive at the end). */
export const listCampaigns = (q: Q, organizationId: string, window: { limit: number; offset: number }) =>
  q
    .selectFrom('event_campaigns')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(window.limit)
    .offset(window.offset)
    .execute();

export async function countCampaigns(q: Q, organizationId: string): Promise<number> {
  const row = await q.selectFrom('event_campaigns').select((eb) => eb.fn.countAll<number>().as('n')).where('organization_id', '=', organizationId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** What a campaign's public page shows of each event: confirmed, public, not over yet, soonest first. */
export const publicCampaignEvents = (q: Q, campaignId: string, now: string) =>
  q
    .selectFrom('events')
    .select([
      'id',
      'slug',
      'title',
      'start_at',
      'end_at',
      'timezone',
      'online',
      'venue',
      'locality',
      'region',
      'postal_code',
      'country',
      'latitude',
      'longitude',
      'capacity',
      'accepted_count',
    ])
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'confirmed')
    .where('visibility', '=', 'public')
    .where('end_at', '>', now)
    .orderBy('start_at')
    .orderBy('id')
    .limit(5000)
    .execute();

export type PublicCampaignEvent = Awaited<ReturnType<typeof publicCampaignEvents>>[number];

/** Every event of a campaign for its organizers, any status, soonest first. */
export const campaignEvents = (q: Q, organizationId: string, campaignId: string) =>
  q
    .selectFrom('events')
    .select([
      'id',
      'slug',
      'title',
      'status',
      'start_at',
      'timezone',
      'online',
      'locality',
      'region',
      'host_name',
      'host_email',
      'host_email_confirmed_at',
      'accepted_count',
      'attended_count',
    ])
    .where('organization_id', '=', organizationId)
    .where('campaign_id', '=', campaignId)
    .orderBy('start_at')
    .orderBy('id')
    .limit(2000)
    .execute();

/** Events offered by hosts who confirmed their email and wait for an organizer's decision. */
export const awaitingModeration = (q: Q, organizationId: string, campaignId: string) =>
  q
    .selectFrom('events')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'pending')
    .where('host_email_confirmed_at', 'is not', null)
    .orderBy('host_email_confirmed_at')
    .orderBy('id')
    .limit(500)
    .execute();

export async function countAwaitingEmail(q: Q, organizationId: string, campaignId: string): Promise<number> {
  const row = await q
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organization_id', '=', organizationId)
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'pending')
    .where('host_email_confirmed_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Confirmed events, RSVPs (accepted) and attendance per region of the organization's campaigns:
 * one row per (campaign, region). Online events have no region (null).
 */
export const campaignTotalsByRegion = (q: Q, organizationId: string, campaignId?: string) => {
  let query = q
    .selectFrom('events')
    .select((eb) => [
      'campaign_id',
      'region',
      'online',
      eb.fn.countAll<number>().as('events'),
      eb.fn.sum<number>('accepted_count').as('rsvps'),
      eb.fn.sum<number>('attended_count').as('attended'),
    ])
    .where('organization_id', '=', organizationId)
    .where('status', '=', 'confirmed')
    .where('campaign_id', 'is not', null)
    .groupBy(['campaign_id', 'region', 'online']);
  if (campaignId) query = query.where('campaign_id', '=', campaignId);
  return query.execute();
};

export const isTrustedHost = async (q: Q, organizationId: string, email: string) =>
  (await q.selectFrom('trusted_hosts').select('email').where('organization_id', '=', organizationId).where('email', '=', email).executeTakeFirst()) !==
  undefined;

export async function trustHost(q: Q, organizationId: string, email: string, now: string) {
  await q
    .insertInto('trusted_hosts')
    .values({ organization_id: organizationId, email, created_at: now })
    .onConflict((oc) => oc.columns(['organization_id', 'email']).doNothing())
    .execute();
}

export async function untrustHost(q: Q, organizationId: string, email: string) {
  const r = await q.deleteFrom('trusted_hosts').where('organization_id', '=', organizationId).where('email', '=', email).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export const trustedHosts = (q: Q, organizationId: string) =>
  q.selectFrom('trusted_hosts').select(['email', 'created_at']).where('organization_id', '=', organizationId).orderBy('email').limit(1000).execute();

/** How many times an event's host emailed its attendees since `since` (from the audit log). */
export async function hostMessagesSince(q: Q, organizationId: string, eventId: string, since: string): Promise<number> {
  const row = await q
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organization_id', '=', organizationId)
    .where('created_at', '>', since)
    .where('action', '=', 'event.host_message')
    .where('subject', '=', eventId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The language a host used when offering an event, kept in the audit log's record of the offer. */
export async function hostLanguage(q: Q, organizationId: string, eventId: string): Promise<string | null> {
  const row = await q
    .selectFrom('audit_events')
    .select('details')
    .where('organization_id', '=', organizationId)
    .where('action', '=', 'event.host_offered')
    .where('subject', '=', eventId)
    .executeTakeFirst();
  if (!row) return null;
  try {
    const details = JSON.parse(row.details) as { language?: unknown };
    return typeof details.language === 'string' ? details.language : null;
  } catch {
    return null;
  }
}


/** One page of a campaign's events for the API, oldest first (stable paging). */
export const campaignEventsPage = (q: Q, organizationId: string, campaignId: string, window: { limit: number; offset: number }) =>
  q
    .selectFrom('events')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('campaign_id', '=', campaignId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(window.limit)
    .offset(window.offset)
    .execute();

export async function countCampaignEvents(q: Q, organizationId: string, campaignId: string): Promise<number> {
  const row = await q
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organization_id', '=', organizationId)
    .where('campaign_id', '=', campaignId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Open campaigns of every organization, for the home page, newest first. */
export const openCampaigns = (q: Q, limit = 20) =>
  q
    .selectFrom('event_campaigns')
    .innerJoin('organizations', 'organizations.id', 'event_campaigns.organization_id')
    .select(['event_campaigns.slug', 'event_campaigns.title', 'organizations.name as organization_name'])
    .where('event_campaigns.status', '=', 'open')
    .orderBy('event_campaigns.created_at', 'desc')
    .limit(limit)
    .execute();

/** An organization's open campaigns with how many offered events wait for a decision, for the dashboard. */
export const campaignsAwaitingReview = (q: Q, organizationId: string) =>
  q
    .selectFrom('event_campaigns')
    .select((eb) => [
      'event_campaigns.id',
      'event_campaigns.title',
      eb
        .selectFrom('events')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('events.campaign_id', '=', 'event_campaigns.id')
        .where('events.organization_id', '=', organizationId)
        .where('events.status', '=', 'pending')
        .where('events.host_email_confirmed_at', 'is not', null)
        .as('awaiting'),
    ])
    .where('event_campaigns.organization_id', '=', organizationId)
    .where('event_campaigns.status', '=', 'open')
    .orderBy('event_campaigns.created_at', 'desc')
    .limit(50)
    .execute();
