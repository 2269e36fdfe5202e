import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

// The review digest's queries (review-digest.ts): what waits for review in an organization, who
// may decide on it, and whether a digest job is queued already.

type Q = Kysely<Database> | Transaction<Database>;

/** Every event of an organization's campaigns waiting for an organizer's decision, oldest offer first. */
export const awaitingReviewInOrganization = (q: Q, organizationId: string, limit = 200) =>
  q
    .selectFrom('events')
    .innerJoin('event_campaigns', 'event_campaigns.id', 'events.campaign_id')
    .select([
      'events.id',
      'events.title',
      'events.start_at',
      'events.end_at',
      'events.timezone',
      'events.online',
      'events.locality',
      'events.region',
      'events.host_name',
      'event_campaigns.id as campaign_id',
      'event_campaigns.title as campaign_title',
    ])
    .where('events.organization_id', '=', organizationId)
    .where('events.status', '=', 'pending')
    .where('events.host_email_confirmed_at', 'is not', null)
    .orderBy('events.host_email_confirmed_at')
    .orderBy('events.id')
    .limit(limit)
    .execute();

/** Whether a job of this kind and payload is in one of `statuses` (the review digest is queued once a day). */
export const jobExists = async (q: Q, kind: string, payload: string, statuses: ('pending' | 'running' | 'done')[]) =>
  (await q.selectFrom('jobs').select('id').where('kind', '=', kind).where('payload', '=', payload).where('status', 'in', statuses).executeTakeFirst()) !== undefined;

/** The organization's members whose role may decide on events, with their email. */
export const reviewersOf = (q: Q, organizationId: string, roles: readonly string[]) =>
  q
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email', 'users.name', 'users.language'])
    .where('memberships.organization_id', '=', organizationId)
    .where('memberships.role', 'in', roles as never)
    .orderBy('users.id')
    .execute();
