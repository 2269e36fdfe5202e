import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { UnitOfWork } from '../actions/unit-of-work.ts';
import { newId, nowIso } from '../util/ids.ts';
import { audit } from '../accounts/service.ts';
import * as repo from './repository.ts';

export class CoalitionError extends Error {}

export const JOB_PARTNER_INVITATION = 'coalition.partner_invitation';

/** An organization as the invitation form finds it. */
export type Organization = { id: string; slug: string; name: string };

/** More organizations than one answer to the name typed: the form lists them to pick from. */
export class AmbiguousPartnerError extends CoalitionError {
  constructor(
    readonly choices: Organization[],
    readonly more: boolean,
  ) {
    super('More than one organization has that name. Choose the one you mean.');
  }
}

const CHOICES = 10;

/**
 * The organization the sponsor means by `text`: its slug, its name or part of its name (any
 * case), or the one picked by id from a list of choices. One match is the partner; several are an
 * `AmbiguousPartnerError` with the choices (an exact slug or name wins over names that only hold it).
 */
export async function findPartner(db: Kysely<Database>, sponsorId: string, text: string, pickedId?: string): Promise<Organization> {
  if (pickedId) {
    const picked = await repo.findOrganizationById(db, pickedId);
    if (!picked || picked.id === sponsorId) throw new CoalitionError('Choose one of the organizations listed.');
    return picked;
  }
  const typed = text.trim();
  if (!typed) throw new CoalitionError("Type the partner organization's name.");
  const found = await repo.organizationsNamed(db, sponsorId, typed, CHOICES + 1);
  const lower = typed.toLowerCase();
  const exact = found.filter((o) => o.slug === lower || o.name.toLowerCase() === lower);
  if (exact.length === 1) return exact[0]!;
  const candidates = exact.length > 1 ? exact : found;
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1) throw new AmbiguousPartnerError(candidates.slice(0, CHOICES), candidates.length > CHOICES);
  const own = await repo.organizationsNamed(db, '', typed, 1);
  if (own.length > 0 && own[0]!.id === sponsorId) throw new CoalitionError('Your own organization is the sponsor, not a partner.');
  throw new CoalitionError(`No organization on this site is called “${typed}”. Check the name with the partner, or type the short name in its turnout address.`);
}

/**
 * The sponsor invites another organization to partner on an action; the partner must accept. Its
 * owners are emailed (a job queued in the same transaction). Inviting again a partner that
 * declined asks again; one already invited or accepted is refused.
 */
export async function invitePartner(
  uow: UnitOfWork,
  i: { sponsorId: string; action: { type: repo.ActionType; id: string; title: string }; partner: Organization; byUserId: string },
) {
  const { partner } = i;
  if (partner.id === i.sponsorId) throw new CoalitionError('Your own organization is the sponsor, not a partner.');
  const existing = await repo.partnershipOn(uow.trx, i.action.type, i.action.id, partner.id);
  if (existing?.status === 'accepted') throw new CoalitionError(`${partner.name} is already a partner on this action.`);
  if (existing?.status === 'invited') throw new CoalitionError(`${partner.name} is already invited; they answer from their console’s Partnerships page.`);
  await repo.insertPartner(uow.trx, {
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
  const row = await repo.partnershipOn(uow.trx, i.action.type, i.action.id, partner.id);
  uow.enqueue(JOB_PARTNER_INVITATION, { partnershipId: row!.id, actionType: i.action.type, title: i.action.title });
  await audit(uow.trx, { organizationId: i.sponsorId, userId: i.byUserId, action: 'partner.invited', subject: i.action.id, details: { partner: partner.slug, partner_id: partner.id } });
  return partner;
}

export async function respondToPartnership(db: Kysely<Database>, r: { partnershipId: string; partnerId: string; accept: boolean; byUserId: string }) {
  const p = await repo.findPartnership(db, r.partnershipId, r.partnerId);
  if (!p) return false;
  await repo.setPartnershipStatus(db, p.id, r.accept ? 'accepted' : 'declined', nowIso());
  await audit(db, { organizationId: r.partnerId, userId: r.byUserId, action: r.accept ? 'partnership.accepted' : 'partnership.declined', subject: p.action_id });
  return true;
}
