import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { conditionSql, type Condition } from '../../kits/api/filter.ts';
import type { PageWindow } from '../../kits/api/list.ts';

type Q = Kysely<Database> | Transaction<Database>;

// The event campaigns API's filtered queries: a whole `?filter=` (`and`, `or`, parentheses) as one
// condition, on campaigns and on a campaign's events.

/** The campaign columns an API filter may compare. */
export type CampaignColumn = 'id' | 'created_at' | 'modified_at' | 'origin_system' | 'title';

const campaignsWhere = (q: Q, organizationId: string, where: Condition<CampaignColumn>) =>
  q.selectFrom('event_campaigns').where('organization_id', '=', organizationId).where(conditionSql(where));

/** One page of an organization's campaigns matching a filter, oldest first. */
export const listCampaignsMatching = (q: Q, organizationId: string, where: Condition<CampaignColumn>, page: PageWindow) =>
  campaignsWhere(q, organizationId, where).selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();

export async function countCampaignsMatching(q: Q, organizationId: string, where: Condition<CampaignColumn>): Promise<number> {
  const row = await campaignsWhere(q, organizationId, where).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The event columns an API filter may compare (the events API's). */
export type CampaignEventColumn = CampaignColumn | 'start_at' | 'end_at';

const campaignEventsWhere = (q: Q, organizationId: string, campaignId: string, where: Condition<CampaignEventColumn>) =>
  q.selectFrom('events').where('organization_id', '=', organizationId).where('campaign_id', '=', campaignId).where(conditionSql(where));

/** One page of a campaign's events matching a filter, oldest first (stable paging). */
export const listCampaignEventsMatching = (q: Q, organizationId: string, campaignId: string, where: Condition<CampaignEventColumn>, page: PageWindow) =>
  campaignEventsWhere(q, organizationId, campaignId, where).selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();

export async function countCampaignEventsMatching(q: Q, organizationId: string, campaignId: string, where: Condition<CampaignEventColumn>): Promise<number> {
  const row = await campaignEventsWhere(q, organizationId, campaignId, where).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
