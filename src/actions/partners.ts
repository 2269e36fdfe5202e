import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { UnitOfWork } from './unit-of-work.ts';
import { recordTaker } from './core.ts';

// Partners on an action (coalitions): the share boxes a public form shows, what a ticked box
// means, and putting a supporter on a partner's list. Every action type that has partners uses
// these; the coalition screens (src/coalitions/) invite and accept the partners.

type Q = Kysely<Database> | Transaction<Database>;

/** A partner the signer chose to share with, and the words of the box they ticked. */
export interface Share {
  id: string;
  wording: string;
}

/** Partners who accepted, for the public form's share boxes. */
export const acceptedPartners = (q: Q, actionType: string, actionId: string) =>
  q
    .selectFrom('action_partners')
    .innerJoin('organizations', 'organizations.id', 'action_partners.partner_organization_id')
    .select(['organizations.id', 'organizations.name'])
    .where('action_partners.action_type', '=', actionType)
    .where('action_partners.action_id', '=', actionId)
    .where('action_partners.status', '=', 'accepted')
    .orderBy('organizations.name')
    .execute();

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
