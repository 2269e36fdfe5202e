import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { LetterCampaignUpdate, NewLetterCampaign, NewLetterSend, NewLetterTarget, NewOutreach, TargetKind } from './tables.ts';
import type { SharedStatement } from '../actions/unit-of-work.ts';
import { conditionSql, type Condition } from '../kits/api/filter.ts';
import { chunks } from '../util/chunks.ts';

type Q = Kysely<Database> | Transaction<Database>;

// Campaigns, their targets and the supporters' outreaches. The pacer's queries are in
// delivery-repository.ts.

export const findCampaignBySlug = (q: Q, slug: string) =>
  q
    .selectFrom('letter_campaigns')
    .innerJoin('organizations', 'organizations.id', 'letter_campaigns.organization_id')
    .selectAll('letter_campaigns')
    .select(['organizations.name as organization_name'])
    .where('letter_campaigns.slug', '=', slug)
    .executeTakeFirst();

export const findCampaign = (q: Q, organizationId: string, id: string) =>
  q.selectFrom('letter_campaigns').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();

export const findCampaignById = (q: Q, id: string) =>
  q
    .selectFrom('letter_campaigns')
    .innerJoin('organizations', 'organizations.id', 'letter_campaigns.organization_id')
    .selectAll('letter_campaigns')
    .select(['organizations.name as organization_name'])
    .where('letter_campaigns.id', '=', id)
    .executeTakeFirst();

export const campaignsByIds = (q: Q, ids: readonly string[]) =>
  ids.length === 0 ? Promise.resolve([]) : q.selectFrom('letter_campaigns').selectAll().where('id', 'in', [...ids]).execute();

export async function slugExists(q: Q, slug: string): Promise<boolean> {
  return (await q.selectFrom('letter_campaigns').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;
}

export async function insertCampaignUnlessSlugTaken(q: Q, row: NewLetterCampaign): Promise<boolean> {
  const r = await q.insertInto('letter_campaigns').values(row).onConflict((oc) => oc.column('slug').doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateCampaign(q: Q, organizationId: string, id: string, changes: LetterCampaignUpdate) {
  await q.updateTable('letter_campaigns').set(changes).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

export const campaignsOf = (q: Q, organizationId: string) =>
  q.selectFrom('letter_campaigns').selectAll().where('organization_id', '=', organizationId).orderBy('created_at', 'desc').execute();

/** Open campaigns whose closing time, if any, is after `now`. */
export const listOpenCampaigns = (q: Q, now: string, limit = 50) =>
  q
    .selectFrom('letter_campaigns')
    .innerJoin('organizations', 'organizations.id', 'letter_campaigns.organization_id')
    .select(['letter_campaigns.slug', 'letter_campaigns.title', 'letter_campaigns.title_es', 'letter_campaigns.outreach_count', 'organizations.name as organization_name'])
    .where('letter_campaigns.status', '=', 'open')
    .where((eb) => eb.or([eb('letter_campaigns.closes_at', 'is', null), eb('letter_campaigns.closes_at', '>', now)]))
    .orderBy('letter_campaigns.created_at', 'desc')
    .limit(limit)
    .execute();

type CampaignColumn = 'id' | 'created_at' | 'modified_at' | 'origin_system' | 'title';

export function listCampaigns(q: Q, organizationId: string, where: Condition<CampaignColumn>, page: { limit: number; offset: number }) {
  let query = q.selectFrom('letter_campaigns').selectAll().where('organization_id', '=', organizationId);
  query = query.where(conditionSql(where));
  return query.orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
}

export async function countCampaigns(q: Q, organizationId: string, where: Condition<CampaignColumn>): Promise<number> {
  let query = q.selectFrom('letter_campaigns').select((eb) => eb.fn.countAll<number>().as('n')).where('organization_id', '=', organizationId);
  query = query.where(conditionSql(where));
  return Number((await query.executeTakeFirstOrThrow()).n);
}

// Targets

/** A campaign's targets that are not removed, in their list's order. */
export const targetsOf = (q: Q, campaignId: string) =>
  q.selectFrom('letter_targets').selectAll().where('campaign_id', '=', campaignId).where('status', '!=', 'removed').orderBy('position').orderBy('id').execute();

export const targetsOfCampaigns = (q: Q, campaignIds: readonly string[]) =>
  campaignIds.length === 0
    ? Promise.resolve([])
    : q.selectFrom('letter_targets').selectAll().where('campaign_id', 'in', [...campaignIds]).where('status', '!=', 'removed').orderBy('position').execute();

export const findTarget = (q: Q, organizationId: string, campaignId: string, id: string) =>
  q.selectFrom('letter_targets').selectAll().where('organization_id', '=', organizationId).where('campaign_id', '=', campaignId).where('id', '=', id).executeTakeFirst();

export async function insertTargets(q: Q, rows: NewLetterTarget[]) {
  for (const chunk of chunks(rows, 200)) await q.insertInto('letter_targets').values(chunk).execute();
}

/** Takes targets of these kinds out of the campaign: their queued letters are cancelled, sent ones stay in the record. */
export async function removeTargets(q: Q, campaignId: string, kinds: TargetKind[], now: string) {
  const ids = (await q.selectFrom('letter_targets').select('id').where('campaign_id', '=', campaignId).where('kind', 'in', kinds).where('status', '!=', 'removed').execute()).map((r) => r.id);
  for (const chunk of chunks(ids)) {
    await q.updateTable('letter_targets').set({ status: 'removed', pacer_job_id: null, modified_at: now }).where('id', 'in', chunk).execute();
    await q.updateTable('letter_sends').set({ status: 'cancelled', error: 'The target was taken out of the campaign' }).where('target_id', 'in', chunk).where('status', 'in', ['queued', 'sending']).execute();
  }
  return ids.length;
}

// Outreaches

/** The outreaches of a batch, one statement; says for each whether it was new (a repeat supporter's is not). */
export const outreachInsert: SharedStatement<NewOutreach, boolean> = {
  name: 'outreach insert',
  async run(uow, rows) {
    const inserted = new Set<string>();
    for (const chunk of chunks(rows)) {
      const r = await uow.trx.insertInto('outreaches').values(chunk).onConflict((oc) => oc.columns(['campaign_id', 'person_id']).doNothing()).returning('id').execute();
      for (const x of r) inserted.add(x.id);
    }
    return rows.map((row) => inserted.has(row.id));
  },
};

export async function insertSends(q: Q, rows: NewLetterSend[]) {
  for (const chunk of chunks(rows, 300)) await q.insertInto('letter_sends').values(chunk).execute();
}

export async function insertOutreachCopies(q: Q, rows: NewOutreach[]) {
  for (const chunk of chunks(rows)) await q.insertInto('outreaches').values(chunk).onConflict((oc) => oc.columns(['campaign_id', 'person_id']).doNothing()).execute();
}

export const findOutreachOf = (q: Q, campaignId: string, personId: string) =>
  q.selectFrom('outreaches').selectAll().where('campaign_id', '=', campaignId).where('person_id', '=', personId).executeTakeFirst();

export const findOutreachById = (q: Q, id: string) => q.selectFrom('outreaches').selectAll().where('id', '=', id).executeTakeFirst();

export type OutreachColumn = 'id' | 'created_at' | 'modified_at';
type OutreachOwner = { campaignId: string } | { personId: string };

function outreachesMatching(q: Q, organizationId: string, owner: OutreachOwner, where: Condition<OutreachColumn>) {
  let query = q.selectFrom('outreaches').where('organization_id', '=', organizationId);
  query = 'campaignId' in owner ? query.where('campaign_id', '=', owner.campaignId) : query.where('person_id', '=', owner.personId);
  query = query.where(conditionSql(where));
  return query;
}

export const listOutreaches = (q: Q, organizationId: string, owner: OutreachOwner, where: Condition<OutreachColumn>, page: { limit: number; offset: number }) =>
  outreachesMatching(q, organizationId, owner, where).selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();

export async function countOutreaches(q: Q, organizationId: string, owner: OutreachOwner, where: Condition<OutreachColumn>) {
  return Number((await outreachesMatching(q, organizationId, owner, where).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

export const findOutreachIn = (q: Q, organizationId: string, owner: OutreachOwner, id: string) =>
  outreachesMatching(q, organizationId, owner, { all: [] }).selectAll().where('id', '=', id).executeTakeFirst();

/** The sends of some outreaches with their targets, for the API's `targets` and the console's states. */
export const sendsOfOutreaches = (q: Q, outreachIds: readonly string[]) =>
  outreachIds.length === 0
    ? Promise.resolve([])
    : q
        .selectFrom('letter_sends')
        .innerJoin('letter_targets', 'letter_targets.id', 'letter_sends.target_id')
        .select(['letter_sends.outreach_id', 'letter_sends.status', 'letter_sends.sent_at', 'letter_targets.id as target_id', 'letter_targets.name', 'letter_targets.title', 'letter_targets.target_organization', 'letter_targets.state', 'letter_targets.district'])
        .where('letter_sends.outreach_id', 'in', [...outreachIds])
        .orderBy('letter_targets.position')
        .execute();

/** The campaign's letters, newest first, with who wrote them, for the console. */
export const recentOutreaches = (q: Q, organizationId: string, campaignId: string, limit: number, offset: number) =>
  q
    .selectFrom('outreaches')
    .innerJoin('people', 'people.id', 'outreaches.person_id')
    .select(['outreaches.id', 'outreaches.subject', 'outreaches.body', 'outreaches.state', 'outreaches.postal_code', 'outreaches.source', 'outreaches.created_at', 'people.given_name', 'people.family_name', 'people.email'])
    .where('outreaches.organization_id', '=', organizationId)
    .where('outreaches.campaign_id', '=', campaignId)
    .orderBy('outreaches.created_at', 'desc')
    .orderBy('outreaches.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();

/** A person's outreaches in the organization, with their campaigns. */
export const outreachesOfPerson = (q: Q, organizationId: string, personId: string) =>
  q
    .selectFrom('outreaches')
    .innerJoin('letter_campaigns', 'letter_campaigns.id', 'outreaches.campaign_id')
    .selectAll('outreaches')
    .select(['letter_campaigns.title as campaign_title', 'letter_campaigns.slug as campaign_slug'])
    .where('outreaches.organization_id', '=', organizationId)
    .where('outreaches.person_id', '=', personId)
    .orderBy('outreaches.created_at', 'desc')
    .execute();

/** Erasure: the person's letters still waiting are not sent. */
export async function cancelQueuedSendsOf(q: Q, organizationId: string, personId: string): Promise<number> {
  const ids = (await q.selectFrom('outreaches').select('id').where('organization_id', '=', organizationId).where('person_id', '=', personId).execute()).map((r) => r.id);
  let n = 0;
  for (const chunk of chunks(ids)) {
    const r = await q.updateTable('letter_sends').set({ status: 'cancelled', error: 'The writer was erased' }).where('outreach_id', 'in', chunk).where('status', 'in', ['queued', 'sending']).executeTakeFirst();
    n += Number(r.numUpdatedRows);
  }
  return n;
}

// Partners (coalitions)

export const outreachesBySource = (q: Q, sponsorId: string, campaignId: string) =>
  q
    .selectFrom('outreaches')
    .select(['source', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organization_id', '=', sponsorId)
    .where('campaign_id', '=', campaignId)
    .groupBy('source')
    .execute();

export const outreachesSharedWith = (q: Q, sponsorId: string, campaignId: string) =>
  q
    .selectFrom('outreaches')
    .select(['organization_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('campaign_id', '=', campaignId)
    .where('organization_id', '!=', sponsorId)
    .groupBy('organization_id')
    .execute();

/** Targets whose queue is paused because their address bounced, per campaign, for the dashboard. */
export const bouncedTargetsByCampaign = (q: Q, organizationId: string) =>
  q
    .selectFrom('letter_targets')
    .innerJoin('letter_campaigns', 'letter_campaigns.id', 'letter_targets.campaign_id')
    .select(['letter_campaigns.id', 'letter_campaigns.title', (eb) => eb.fn.countAll<number>().as('n')])
    .where('letter_targets.organization_id', '=', organizationId)
    .where('letter_targets.status', '=', 'bounced')
    .groupBy(['letter_campaigns.id', 'letter_campaigns.title'])
    .orderBy('letter_campaigns.title')
    .execute();
