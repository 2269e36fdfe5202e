import { sql, type Kysely, type Transaction } from 'kysely';
import type { ActionPartnerTable, Database } from '../db/schema.ts';
import type { Insertable } from 'kysely';

type Q = Kysely<Database> | Transaction<Database>;

export async function insertPartner(q: Q, p: Insertable<ActionPartnerTable>) {
  await q
    .insertInto('action_partners')
    .values(p)
    .onConflict((oc) => oc.columns(['action_type', 'action_id', 'partner_organization_id']).doUpdateSet({ status: 'invited', responded_at: null }))
    .execute();
}

/** An action's partners as the sponsor sees them. */
export type ActionType = 'petition' | 'event';

export const partnersOfAction = (q: Q, sponsorId: string, actionType: ActionType, actionId: string) =>
  q
    .selectFrom('action_partners')
    .innerJoin('organizations', 'organizations.id', 'action_partners.partner_organization_id')
    .select(['action_partners.id', 'action_partners.partner_organization_id', 'action_partners.status', 'action_partners.source_code', 'organizations.name', 'organizations.slug'])
    .where('action_partners.sponsor_organization_id', '=', sponsorId)
    .where('action_partners.action_type', '=', actionType)
    .where('action_partners.action_id', '=', actionId)
    .orderBy('organizations.name')
    .execute();

/** Partnerships offered to or held by an organization, with the action's shared total. */
export async function partnershipsOf(q: Q, partnerId: string) {
  const base = (type: ActionType) =>
    q
      .selectFrom('action_partners')
      .innerJoin('organizations', 'organizations.id', 'action_partners.sponsor_organization_id')
      .where('action_partners.partner_organization_id', '=', partnerId)
      .where('action_partners.action_type', '=', type);
  const columns = ['action_partners.id', 'action_partners.status', 'action_partners.source_code', 'action_partners.created_at', 'organizations.name as sponsor_name'] as const;
  const petitions = await base('petition')
    .innerJoin('petitions', 'petitions.id', 'action_partners.action_id')
    .select([...columns, 'petitions.slug', 'petitions.title', 'petitions.signature_count as total'])
    .execute();
  const events = await base('event')
    .innerJoin('events', 'events.id', 'action_partners.action_id')
    .select([...columns, 'events.slug', 'events.title', 'events.accepted_count as total'])
    .execute();
  return [
    ...petitions.map((p) => ({ ...p, path: `/petitions/${p.slug}`, total: Number(p.total) })),
    ...events.map((e) => ({ ...e, path: `/events/${e.slug}`, total: Number(e.total) })),
  ].sort((a, b) => b.created_at.localeCompare(a.created_at));
}

export const findPartnership = (q: Q, id: string, partnerId: string) =>
  q.selectFrom('action_partners').selectAll().where('id', '=', id).where('partner_organization_id', '=', partnerId).executeTakeFirst();

export async function setPartnershipStatus(q: Q, id: string, status: 'accepted' | 'declined', now: string) {
  await q.updateTable('action_partners').set({ status, responded_at: now }).where('id', '=', id).execute();
}

export const removePartner = (q: Q, id: string, sponsorId: string) =>
  q.deleteFrom('action_partners').where('id', '=', id).where('sponsor_organization_id', '=', sponsorId).executeTakeFirst();

/** The sponsor's records of an action by source code, and how many takers shared with each partner: counts only. */
export async function coalitionCounts(q: Q, sponsorId: string, type: ActionType, actionId: string) {
  const bySource =
    type === 'petition'
      ? await q
          .selectFrom('signatures')
          .select(['source', (eb) => eb.fn.countAll<number>().as('n')])
          .where('organization_id', '=', sponsorId)
          .where('petition_id', '=', actionId)
          .where('confirmed_at', 'is not', null)
          .groupBy('source')
          .execute()
      : await q
          .selectFrom('attendances')
          .select(['source', (eb) => eb.fn.countAll<number>().as('n')])
          .where('organization_id', '=', sponsorId)
          .where('event_id', '=', actionId)
          .where('status', '!=', 'cancelled')
          .groupBy('source')
          .execute();
  const sharedWith =
    type === 'petition'
      ? await q
          .selectFrom('signatures')
          .select(['organization_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('petition_id', '=', actionId)
          .where('organization_id', '!=', sponsorId)
          .groupBy('organization_id')
          .execute()
      : await q
          .selectFrom('attendances')
          .select(['organization_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('event_id', '=', actionId)
          .where('organization_id', '!=', sponsorId)
          .groupBy('organization_id')
          .execute();
  return {
    bySource: new Map(bySource.map((r) => [r.source ?? '', Number(r.n)])),
    sharedWith: new Map(sharedWith.map((r) => [r.organization_id, Number(r.n)])),
  };
}

export { sql };
