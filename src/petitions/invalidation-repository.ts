import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { SignatureInvalidation } from './tables.ts';
import type { Dialect } from '../db/connect.ts';

type Q = Kysely<Database> | Transaction<Database>;

/** Which of a petition's signatures an organizer chose: each part narrows the choice. */
export interface InvalidationCriteria {
  /** Signed at or after (ISO time, UTC). */
  from?: string;
  /** Signed before (ISO time, UTC). */
  before?: string;
  /** The `?source=` code, as stored. */
  source?: string;
  /** The signer's email domain, lower case. */
  email_domain?: string;
  /** The client key stored with the signature. */
  client_key?: string;
}

const likeEscaped = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The petition's signatures (of its own organization) still counted that match the criteria. */
function matching(q: Q, organizationId: string, petitionId: string, c: InvalidationCriteria) {
  let query = q
    .selectFrom('signatures')
    .where('signatures.organization_id', '=', organizationId)
    .where('signatures.petition_id', '=', petitionId)
    .where('signatures.invalidated_at', 'is', null);
  if (c.from) query = query.where('signatures.created_at', '>=', c.from);
  if (c.before) query = query.where('signatures.created_at', '<', c.before);
  if (c.source) query = query.where('signatures.source', '=', c.source);
  if (c.client_key) query = query.where('signatures.client_key', '=', c.client_key);
  if (c.email_domain) {
    const pattern = `%@${likeEscaped(c.email_domain)}`;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('people')
          .select('people.id')
          .whereRef('people.id', '=', 'signatures.person_id')
          .where(sql<boolean>`lower(people.email) like ${pattern} escape '\\'`),
      ),
    );
  }
  return query;
}

/** How many signatures the criteria choose, and how many of them are in the count (confirmed). */
export async function countMatching(q: Q, organizationId: string, petitionId: string, c: InvalidationCriteria) {
  const row = await matching(q, organizationId, petitionId, c)
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.count<number>('signatures.confirmed_at').as('counted'),
    ])
    .executeTakeFirstOrThrow();
  return { signatures: Number(row.n), counted: Number(row.counted) };
}

/** Marks the chosen signatures invalidated by `invalidationId`; says how many, and how many were counted. */
export async function markInvalidated(q: Q, organizationId: string, petitionId: string, c: InvalidationCriteria, invalidationId: string, now: string) {
  await q
    .updateTable('signatures')
    .set({ invalidated_at: now, invalidation_id: invalidationId })
    .where('id', 'in', matching(q, organizationId, petitionId, c).select('signatures.id'))
    .execute();
  return countOf(q, organizationId, invalidationId);
}

async function countOf(q: Q, organizationId: string, invalidationId: string) {
  const row = await q
    .selectFrom('signatures')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('confirmed_at').as('counted')])
    .where('organization_id', '=', organizationId)
    .where('invalidation_id', '=', invalidationId)
    .executeTakeFirstOrThrow();
  return { signatures: Number(row.n), counted: Number(row.counted) };
}

/**
 * Partners' copies of the invalidated signatures (same petition, another organization, a signer
 * with the same email) go with them, so they leave the partners' counts and exports too.
 */
export async function markCopiesInvalidated(q: Q, organizationId: string, petitionId: string, invalidationId: string, now: string) {
  const emails = q
    .selectFrom('signatures')
    .innerJoin('people', 'people.id', 'signatures.person_id')
    .select('people.email')
    .where('signatures.organization_id', '=', organizationId)
    .where('signatures.invalidation_id', '=', invalidationId)
    .where('people.email', 'is not', null);
  await q
    .updateTable('signatures')
    .set({ invalidated_at: now, invalidation_id: invalidationId })
    .where('petition_id', '=', petitionId)
    .where('organization_id', '!=', organizationId)
    .where('invalidated_at', 'is', null)
    .where('person_id', 'in', q.selectFrom('people').select('id').where('email', 'in', emails))
    .execute();
}

/** Puts back every signature of an invalidation (the sponsor's and the partners' copies); says how many of the sponsor's were counted. */
export async function restoreInvalidated(q: Q, organizationId: string, invalidationId: string) {
  const counts = await countOf(q, organizationId, invalidationId);
  await q.updateTable('signatures').set({ invalidated_at: null, invalidation_id: null }).where('invalidation_id', '=', invalidationId).execute();
  return counts;
}

export async function moveCount(q: Q, petitionId: string, delta: number) {
  if (delta === 0) return;
  await q
    .updateTable('petitions')
    .set((eb) => ({ signature_count: eb('signature_count', '+', delta) }))
    .where('id', '=', petitionId)
    .execute();
}

export async function insertInvalidation(q: Q, row: SignatureInvalidation) {
  await q.insertInto('signature_invalidations').values(row).execute();
}

export async function setInvalidationCounts(q: Q, id: string, counts: { signatures: number; counted: number }) {
  await q.updateTable('signature_invalidations').set(counts).where('id', '=', id).execute();
}

export function findInvalidation(q: Q, organizationId: string, petitionId: string, id: string) {
  return q
    .selectFrom('signature_invalidations')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('petition_id', '=', petitionId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Marks an invalidation undone; false when it already was (two undos at once restore once). */
export async function markUndone(q: Q, id: string, userId: string | null, now: string): Promise<boolean> {
  const r = await q.updateTable('signature_invalidations').set({ undone_at: now, undone_by: userId }).where('id', '=', id).where('undone_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A petition's invalidations, newest first, with who made and undid them. */
export function invalidationsOf(q: Q, organizationId: string, petitionId: string) {
  return q
    .selectFrom('signature_invalidations as i')
    .leftJoin('users as made', 'made.id', 'i.created_by')
    .leftJoin('users as undid', 'undid.id', 'i.undone_by')
    .selectAll('i')
    .select(['made.name as created_by_name', 'undid.name as undone_by_name'])
    .where('i.organization_id', '=', organizationId)
    .where('i.petition_id', '=', petitionId)
    .orderBy('i.created_at', 'desc')
    .execute();
}

/** The busiest client keys and email domains among a petition's counted signatures since `since`, to help choose. */
export async function busiestSenders(q: Q, dialect: Dialect, organizationId: string, petitionId: string, since: string, limit = 10) {
  const keys = await q
    .selectFrom('signatures')
    .select(['client_key as value', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organization_id', '=', organizationId)
    .where('petition_id', '=', petitionId)
    .where('invalidated_at', 'is', null)
    .where('created_at', '>=', since)
    .where('client_key', 'is not', null)
    .groupBy('client_key')
    .orderBy('n', 'desc')
    .limit(limit)
    .execute();
  const at = dialect === 'postgres' ? sql`strpos(people.email, '@')` : sql`instr(people.email, '@')`;
  const domain = sql<string>`lower(substr(people.email, ${at} + 1))`;
  const domains = await q
    .selectFrom('signatures')
    .innerJoin('people', 'people.id', 'signatures.person_id')
    .select([domain.as('value'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('signatures.organization_id', '=', organizationId)
    .where('signatures.petition_id', '=', petitionId)
    .where('signatures.invalidated_at', 'is', null)
    .where('signatures.created_at', '>=', since)
    .where('people.email', 'is not', null)
    .groupBy(domain)
    .orderBy('n', 'desc')
    .limit(limit)
    .execute();
  return {
    keys: keys.map((r) => ({ value: r.value ?? '', n: Number(r.n) })),
    domains: domains.map((r) => ({ value: r.value, n: Number(r.n) })),
  };
}
