import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { findOrganizationBySlug } from '../orgs/repository.ts';
import { newId, nowIso } from '../util/ids.ts';
import { audit } from '../accounts/service.ts';
import * as repo from './repository.ts';

export class CoalitionError extends Error {}

/** The sponsor invites another organization to partner on an action; the partner must accept. */
export async function invitePartner(
  db: Kysely<Database>,
  i: { sponsorId: string; action: { type: repo.ActionType; id: string }; partnerSlug: string; byUserId: string },
) {
  const partner = await findOrganizationBySlug(db, i.partnerSlug.trim().toLowerCase());
  if (!partner) throw new CoalitionError(`There is no organization "${i.partnerSlug}" on this site. Check its slug with the partner.`);
  if (partner.id === i.sponsorId) throw new CoalitionError('Your own organization is the sponsor, not a partner.');
  await repo.insertPartner(db, {
    id: newId(),
    action_type: i.action.type,
    action_id: i.action.id,
    sponsor_organization_id: i.sponsorId,
    partner_organization_id: partner.id,
    status: 'invited',
    source_code: partner.slug,
    invited_by: i.byUserId,
    created_at: nowIso(),
    responded_at: null,
  });
  await audit(db, { organizationId: i.sponsorId, userId: i.byUserId, action: 'partner.invited', subject: i.action.id, details: { partner: partner.slug } });
  return partner;
}

export async function respondToPartnership(db: Kysely<Database>, r: { partnershipId: string; partnerId: string; accept: boolean; byUserId: string }) {
  const p = await repo.findPartnership(db, r.partnershipId, r.partnerId);
  if (!p) return false;
  await repo.setPartnershipStatus(db, p.id, r.accept ? 'accepted' : 'declined', nowIso());
  await audit(db, { organizationId: r.partnerId, userId: r.byUserId, action: r.accept ? 'partnership.accepted' : 'partnership.declined', subject: p.action_id });
  return true;
}
