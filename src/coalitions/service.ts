import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { UnitOfWork } from '../actions/unit-of-work.ts';
import { recordTaker } from '../actions/core.ts';
import { findOrganizationBySlug } from '../orgs/repository.ts';
import { newId, nowIso } from '../util/ids.ts';
import { audit } from '../accounts/service.ts';
import * as repo from './repository.ts';
import { signatureInsert } from '../petitions/repository.ts';

export class CoalitionError extends Error {}

/** A partner the signer chose to share with, and the words of the box they ticked. */
export interface Share {
  id: string;
  wording: string;
}

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

/** Keeps only the ticked boxes that name a partner who accepted; anything else is ignored. */
export function validShares(ticked: unknown, accepted: { id: string }[], wording: (partnerId: string) => string): Share[] {
  const ids = new Set((Array.isArray(ticked) ? ticked : [ticked]).filter((v): v is string => typeof v === 'string'));
  return accepted.filter((p) => ids.has(p.id)).map((p) => ({ id: p.id, wording: wording(p.id) }));
}

export function parseShares(json: string | null): Share[] {
  if (!json) return [];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((s): s is Share => typeof s?.id === 'string' && typeof s?.wording === 'string') : [];
  } catch {
    return [];
  }
}

/** A supporter as the sponsor recorded them, to copy onto a partner's list. */
export interface SharedPerson {
  email: string;
  givenName: string | null;
  familyName: string | null;
  postalCode: string | null;
  country: string | null;
  language: string;
}

/**
 * Puts a supporter on one partner's list: the person in the partner's organization, subscribed,
 * with the consent they ticked on this action. Every action type that shows share boxes uses it.
 */
export async function sharePerson(uow: UnitOfWork, action: { type: string; id: string }, person: SharedPerson, share: Share): Promise<string> {
  return recordTaker(
    uow,
    {
      organizationId: share.id,
      person: {
        email: person.email,
        givenName: person.givenName ?? undefined,
        familyName: person.familyName ?? undefined,
        postalCode: person.postalCode ?? undefined,
        country: person.country ?? undefined,
      },
      language: person.language,
      optIn: true,
      optInWording: share.wording,
    },
    action,
  );
}

/**
 * Gives each partner the signer chose their own copy: the person on the partner's list
 * (subscribed, with the consent they ticked) and a signature record in the partner's
 * organization, so the partner sees this supporter and nobody else's. Copies are not counted:
 * the petition's count is the sponsor's.
 */
export async function shareSignature(
  uow: UnitOfWork,
  petitionId: string,
  signer: SharedPerson,
  signature: { source: string | null; comments: string | null },
  shares: Share[],
) {
  for (const share of shares) {
    const personId = await sharePerson(uow, { type: 'petition', id: petitionId }, signer, share);
    await uow.ask(signatureInsert, {
      id: newId(),
      petition_id: petitionId,
      organization_id: share.id,
      person_id: personId,
      comments: signature.comments,
      source: signature.source,
      referrer: null,
      language: signer.language,
      confirmed_at: uow.now,
      shared_with: null,
      created_at: uow.now,
      modified_at: uow.now,
    });
  }
}
