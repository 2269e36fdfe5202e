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

/** Organizations whose slug is `text`, or whose name is it or holds it (case-insensitive), other than `sponsorId`; at most `limit`. */
export async function organizationsNamed(q: Q, sponsorId: string, text: string, limit: number) {
  const lower = text.toLowerCase();
  const pattern = `%${lower.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return q
    .selectFrom('organizations')
    .select(['id', 'slug', 'name'])
    .where('id', '!=', sponsorId)
    .where((w) => w.or([w('slug', '=', lower), w(sql<string>`lower(name)`, '=', lower), w(sql<string>`lower(name)`, 'like', sql<string>`${pattern} escape '\\'`)]))
    .orderBy(sql`case when slug = ${lower} then 0 when lower(name) = ${lower} then 1 else 2 end`)
    .orderBy('name')
    .limit(limit)
    .execute();
}

export const findOrganizationById = (q: Q, id: string) => q.selectFrom('organizations').select(['id', 'slug', 'name']).where('id', '=', id).executeTakeFirst();

/** One partnership of an action, whatever its status. */
export const partnershipOn = (q: Q, actionType: ActionType, actionId: string, partnerId: string) =>
  q.selectFrom('action_partners').selectAll().where('action_type', '=', actionType).where('action_id', '=', actionId).where('partner_organization_id', '=', partnerId).executeTakeFirst();

/** A partnership with both organizations' names, for the invitation email. */
export const partnershipForEmail = (q: Q, id: string) =>
  q
    .selectFrom('action_partners')
    .innerJoin('organizations as sponsor', 'sponsor.id', 'action_partners.sponsor_organization_id')
    .innerJoin('organizations as partner', 'partner.id', 'action_partners.partner_organization_id')
    .select(['action_partners.id', 'action_partners.status', 'action_partners.partner_organization_id', 'sponsor.name as sponsor_name', 'partner.name as partner_name'])
    .where('action_partners.id', '=', id)
    .executeTakeFirst();

/** The owners of an organization, who answer partnership invitations. */
export const ownersOf = (q: Q, organizationId: string) =>
  q
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email', 'users.name'])
    .where('memberships.organization_id', '=', organizationId)
    .where('memberships.role', '=', 'owner')
    .orderBy('users.email')
    .execute();

/** Invitations that wait for an answer: those this organization must answer, and those it sent. */
export const invitationsWaiting = (q: Q, organizationId: string) =>
  q
    .selectFrom('action_partners')
    .innerJoin('organizations as sponsor', 'sponsor.id', 'action_partners.sponsor_organization_id')
    .innerJoin('organizations as partner', 'partner.id', 'action_partners.partner_organization_id')
    .select(['action_partners.id', 'action_partners.action_type', 'action_partners.action_id', 'action_partners.sponsor_organization_id', 'sponsor.name as sponsor_name', 'partner.name as partner_name', 'action_partners.created_at'])
    .where('action_partners.status', '=', 'invited')
    .where((w) => w.or([w('action_partners.partner_organization_id', '=', organizationId), w('action_partners.sponsor_organization_id', '=', organizationId)]))
    .orderBy('action_partners.created_at')
    .execute();
