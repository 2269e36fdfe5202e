import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Petition } from './tables.ts';
import * as repo from './invalidation-repository.ts';
import type { InvalidationCriteria } from './invalidation-repository.ts';
import { audit } from '../accounts/service.ts';
import { findPetition } from './repository.ts';
import { newId, nowIso } from '../util/ids.ts';

export type { InvalidationCriteria } from './invalidation-repository.ts';

/** What an invalidation would change: the signatures chosen, how many of them count, the count after. */
export interface InvalidationPreview {
  signatures: number;
  counted: number;
  countBefore: number;
  countAfter: number;
}

export async function previewInvalidation(db: Kysely<Database>, petition: Petition, criteria: InvalidationCriteria): Promise<InvalidationPreview> {
  const { signatures, counted } = await repo.countMatching(db, petition.organization_id, petition.id, criteria);
  return { signatures, counted, countBefore: petition.signature_count, countAfter: petition.signature_count - counted };
}

/**
 * Takes the chosen signatures out of the count, the exports and the partners' counts, in one
 * transaction, and keeps why and who in the invalidation and the audit log. The signatures stay
 * in the database; `undoInvalidation` puts them back. Returns the invalidation's id and counts.
 */
export async function invalidateSignatures(
  db: Kysely<Database>,
  petition: Petition,
  criteria: InvalidationCriteria,
  reason: string,
  userId: string | null,
): Promise<{ id: string; signatures: number; counted: number }> {
  const id = newId();
  const now = nowIso();
  const counts = await db.transaction().execute(async (trx) => {
    await repo.insertInvalidation(trx, {
      id,
      organization_id: petition.organization_id,
      petition_id: petition.id,
      criteria: JSON.stringify(criteria),
      reason,
      signatures: 0,
      counted: 0,
      created_by: userId,
      created_at: now,
      undone_at: null,
      undone_by: null,
    });
    const marked = await repo.markInvalidated(trx, petition.organization_id, petition.id, criteria, id, now);
    await repo.markCopiesInvalidated(trx, petition.organization_id, petition.id, id, now);
    await repo.setInvalidationCounts(trx, id, marked);
    await repo.moveCount(trx, petition.id, -marked.counted);
    return marked;
  });
  await audit(db, {
    organizationId: petition.organization_id,
    userId,
    action: 'signatures.invalidated',
    subject: petition.id,
    details: { invalidation: id, criteria, reason, signatures: counts.signatures, counted: counts.counted },
  });
  return { id, ...counts };
}

export type UndoOutcome = { kind: 'undone'; signatures: number; counted: number } | { kind: 'already' } | { kind: 'missing' };

/** Puts an invalidation's signatures back into the count (once, however many undo at the same time). */
export async function undoInvalidation(db: Kysely<Database>, petition: Petition, invalidationId: string, userId: string | null): Promise<UndoOutcome> {
  const outcome = await db.transaction().execute(async (trx): Promise<UndoOutcome> => {
    const invalidation = await repo.findInvalidation(trx, petition.organization_id, petition.id, invalidationId);
    if (!invalidation) return { kind: 'missing' };
    if (!(await repo.markUndone(trx, invalidation.id, userId, nowIso()))) return { kind: 'already' };
    const restored = await repo.restoreInvalidated(trx, petition.organization_id, invalidation.id);
    await repo.moveCount(trx, petition.id, restored.counted);
    return { kind: 'undone', ...restored };
  });
  if (outcome.kind === 'undone') {
    await audit(db, {
      organizationId: petition.organization_id,
      userId,
      action: 'signatures.restored',
      subject: petition.id,
      details: { invalidation: invalidationId, signatures: outcome.signatures, counted: outcome.counted },
    });
  }
  return outcome;
}

/** The petition again, after a change to its count. */
export const reloadPetition = (db: Kysely<Database>, petition: Petition) => findPetition(db, petition.organization_id, petition.id);
