import type { UnitOfWork } from '../actions/unit-of-work.ts';
import { sharePerson, type Share, type SharedPerson } from '../actions/partners.ts';
import { newId } from '../util/ids.ts';
import { signatureInsert } from './repository.ts';

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
  signature: { source: string | null; comments: string | null; client_key?: string | null },
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
      client_key: signature.client_key ?? null,
      created_at: uow.now,
      modified_at: uow.now,
    });
  }
}
