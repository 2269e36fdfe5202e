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

/** An action's type, as its capability names it (`petition`, `event` …). */
export type ActionType = string;

/** An action's partners as the sponsor sees them. */
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

/** Partnerships offered to or held by an organization, newest first, with the sponsor's name. */
export const partnershipsOf = (q: Q, partnerId: string) =>
  q
    .selectFrom('action_partners')
    .innerJoin('organizations', 'organizations.id', 'action_partners.sponsor_organization_id')
    .select(['action_partners.id', 'action_partners.action_type', 'action_partners.action_id', 'action_partners.status', 'action_partners.source_code', 'action_partners.created_at', 'organizations.name as sponsor_name'])
    .where('action_partners.partner_organization_id', '=', partnerId)
    .orderBy('action_partners.created_at', 'desc')
    .execute();

export const findPartnership = (q: Q, id: string, partnerId: string) =>
  q.selectFrom('action_partners').selectAll().where('id', '=', id).where('partner_organization_id', '=', partnerId).executeTakeFirst();

export async function setPartnershipStatus(q: Q, id: string, status: 'accepted' | 'declined', now: string) {
  await q.updateTable('action_partners').set({ status, responded_at: now }).where('id', '=', id).execute();
}

export const removePartner = (q: Q, id: string, sponsorId: string) =>
  q.deleteFrom('action_partners').where('id', '=', id).where('sponsor_organization_id', '=', sponsorId).executeTakeFirst();

export { sql };
