import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { RowStatement } from '../db/row-statements.ts';
import type { NewPetition, NewSignature, PetitionUpdate } from './tables.ts';
import type { SharedStatement } from '../actions/unit-of-work.ts';
import { conditionSql, type Condition } from '../kits/api/filter.ts';

type Q = Kysely<Database> | Transaction<Database>;

export async function findPetitionBySlug(q: Q, slug: string) {
  return q
    .selectFrom('petitions')
    .innerJoin('organizations', 'organizations.id', 'petitions.organization_id')
    .selectAll('petitions')
    .select(['organizations.name as organization_name', 'organizations.slug as organization_slug'])
    .where('petitions.slug', '=', slug)
    .executeTakeFirst();
}

export async function findPetition(q: Q, organizationId: string, id: string) {
  return q
    .selectFrom('petitions')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findPetitionById(q: Q, id: string) {
  return q
    .selectFrom('petitions')
    .innerJoin('organizations', 'organizations.id', 'petitions.organization_id')
    .selectAll('petitions')
    .select(['organizations.name as organization_name'])
    .where('petitions.id', '=', id)
    .executeTakeFirst();
}

export async function slugExists(q: Q, slug: string): Promise<boolean> {
  const row = await q.selectFrom('petitions').select('id').where('slug', '=', slug).executeTakeFirst();
  return row !== undefined;
}

/** Inserts a petition unless its slug is taken (then nothing is written and it says false). */
export async function insertPetitionUnlessSlugTaken(q: Q, petition: NewPetition): Promise<boolean> {
  const result = await q.insertInto('petitions').values(petition).onConflict((oc) => oc.column('slug').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updatePetition(q: Q, organizationId: string, id: string, changes: PetitionUpdate) {
  await q.updateTable('petitions').set(changes).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

export async function listOpenPetitions(q: Q, limit = 50) {
  return q
    .selectFrom('petitions')
    .innerJoin('organizations', 'organizations.id', 'petitions.organization_id')
    .select(['petitions.slug', 'petitions.title', 'petitions.signature_count', 'organizations.name as organization_name'])
    .where('petitions.status', '=', 'open')
    .orderBy('petitions.created_at', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Inserts the signatures whose signer has not signed that petition yet, many per statement,
 * and says which were inserted, by id. Of two in one call for the same signer, the first wins.
 */
const signaturesIfNew = new RowStatement('signature insert', (q, rows: NewSignature[]) =>
  q.insertInto('signatures').values(rows).onConflict((oc) => oc.columns(['petition_id', 'person_id']).doNothing()).returning('id'),
);

export async function insertSignaturesIfNew(q: Q, signatures: readonly NewSignature[]): Promise<Set<string>> {
  return new Set((await signaturesIfNew.execute(q, signatures)).map((r) => r.id));
}

/** The signatures of a batch's actions, inserted in one statement; each answers whether it was new. */
export const signatureInsert: SharedStatement<NewSignature, boolean> = {
  name: 'signature insert',
  async run(uow, signatures) {
    const inserted = await insertSignaturesIfNew(uow.trx, signatures);
    return signatures.map((s) => inserted.has(s.id));
  },
};

export async function findSignatureOf(q: Q, petitionId: string, personId: string) {
  return q
    .selectFrom('signatures')
    .selectAll()
    .where('petition_id', '=', petitionId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
}

export async function findSignature(q: Q, id: string) {
  return q.selectFrom('signatures').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Confirms a pending signature; true only for the call that actually confirmed it. */
export async function confirmSignature(q: Q, id: string, now: string): Promise<boolean> {
  const r = await q
    .updateTable('signatures')
    .set({ confirmed_at: now, modified_at: now })
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    // An invalidated signature stays out of the count, even if its link is followed later.
    .where('invalidated_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * A petition's signatures with their signer in the columns of the CSV export, in its order,
 * oldest first (the order of `SIGNATURE_COLUMNS` in export.ts); the id as Action Network
 * writes its own (`turnout:…`). `from` and `before` bound the signing time, for an export
 * written in parts.
 */
export function signaturesForExport(q: Q, organizationId: string, petitionId: string, range: { from?: string; before?: string } = {}) {
  let query = q
    .selectFrom('signatures')
    .innerJoin('people', 'people.id', 'signatures.person_id')
    .select([
      sql<string>`'turnout:' || ${sql.ref('signatures.id')}`.as('uuid'),
      'people.given_name',
      'people.family_name',
      'people.email',
      'people.postal_code',
      'people.country',
      'people.email_status',
      'signatures.comments',
      'signatures.source',
      'signatures.referrer',
      'signatures.language',
      'signatures.created_at',
      'signatures.confirmed_at',
    ])
    .where('signatures.organization_id', '=', organizationId)
    .where('signatures.petition_id', '=', petitionId)
    .where('signatures.invalidated_at', 'is', null);
  if (range.from !== undefined) query = query.where('signatures.created_at', '>=', range.from);
  if (range.before !== undefined) query = query.where('signatures.created_at', '<', range.before);
  return query.orderBy('signatures.created_at').orderBy('signatures.id');
}

/**
 * How many signatures a petition has, and the signing time of the one at `share` of them (0.5:
 * the middle), read from the (petition, time) index alone.
 */
export async function signingTimeAt(q: Q, petitionId: string, share: number): Promise<{ total: number; at: string | null }> {
  const counted = await q
    .selectFrom('signatures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('petition_id', '=', petitionId)
    .where('invalidated_at', 'is', null)
    .executeTakeFirstOrThrow();
  const total = Number(counted.n);
  const row = await q
    .selectFrom('signatures')
    .select('created_at')
    .where('petition_id', '=', petitionId)
    .where('invalidated_at', 'is', null)
    .orderBy('created_at')
    .offset(Math.floor(total * share))
    .limit(1)
    .executeTakeFirst();
  return { total, at: row?.created_at ?? null };
}

/** One comparison from an API filter (`created_date gt '2024-01-01'`), on a column the API allows. */
export interface PetitionComparison {
  column: 'id' | 'created_at' | 'modified_at' | 'origin_system' | 'title';
  op: '=' | '<' | '>' | '>=';
  value: string;
}

function petitionsMatching(q: Q, organizationId: string, where: Condition<PetitionComparison['column']>) {
  let query = q.selectFrom('petitions').where('organization_id', '=', organizationId);
  query = query.where(conditionSql(where));
  return query;
}

/** One page of an organization's petitions, oldest first. */
export async function listPetitions(q: Q, organizationId: string, where: Condition<PetitionComparison['column']>, page: { limit: number; offset: number }) {
  return petitionsMatching(q, organizationId, where)
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countPetitions(q: Q, organizationId: string, where: Condition<PetitionComparison['column']>): Promise<number> {
  const row = await petitionsMatching(q, organizationId, where)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface SignatureComparison {
  column: 'id' | 'created_at' | 'modified_at';
  op: '=' | '<' | '>' | '>=';
  value: string;
}

/** An organization's signatures on one petition, or by one person when `by` says so. */
function signaturesMatching(q: Q, organizationId: string, by: { petitionId: string } | { personId: string }, where: Condition<SignatureComparison['column']>) {
  // Invalidated signatures are not listed (they stay in the database, out of every count and export).
  let query = q.selectFrom('signatures').where('organization_id', '=', organizationId).where('invalidated_at', 'is', null);
  query = 'petitionId' in by ? query.where('petition_id', '=', by.petitionId) : query.where('person_id', '=', by.personId);
  query = query.where(conditionSql(where));
  return query;
}

/** One page of signatures, oldest first. */
export async function listSignatures(
  q: Q,
  organizationId: string,
  by: { petitionId: string } | { personId: string },
  where: Condition<SignatureComparison['column']>,
  page: { limit: number; offset: number },
) {
  return signaturesMatching(q, organizationId, by, where)
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countSignatures(
  q: Q,
  organizationId: string,
  by: { petitionId: string } | { personId: string },
  where: Condition<SignatureComparison['column']>,
): Promise<number> {
  const row = await signaturesMatching(q, organizationId, by, where)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A signature, only if it belongs to the organization and to the petition or person named. */
export async function findSignatureIn(q: Q, organizationId: string, by: { petitionId: string } | { personId: string }, id: string) {
  return signaturesMatching(q, organizationId, by, { all: [] }).selectAll().where('id', '=', id).executeTakeFirst();
}

/** Signatures counted per petition and UTC day since `since`, for the dashboard's trend. */
export function dailySignatureCounts(q: Q, organizationId: string, since: string) {
  return q
    .selectFrom('signatures')
    .select(['petition_id', sql<string>`substr(created_at, 1, 10)`.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('organization_id', '=', organizationId)
    .where('created_at', '>=', since)
    .where('confirmed_at', 'is not', null)
    .where('invalidated_at', 'is', null)
    .groupBy(['petition_id', sql`substr(created_at, 1, 10)`])
    .execute();
}

export const petitionsOf = (q: Q, organizationId: string) =>
  q
    .selectFrom('petitions')
    .select(['id', 'slug', 'title', 'status', 'signature_count', 'goal', 'created_at'])
    .where('organization_id', '=', organizationId)
    .orderBy('created_at', 'desc')
    .execute();

export async function setSharedWith(q: Q, signatureId: string, json: string) {
  await q.updateTable('signatures').set({ shared_with: json }).where('id', '=', signatureId).execute();
}

/** Signatures on a petition whose signer's name or email contains `search` (any case); all of them when it is empty. */
function signersMatching(q: Q, organizationId: string, petitionId: string, search: string) {
  let query = q
    .selectFrom('signatures')
    .innerJoin('people', 'people.id', 'signatures.person_id')
    .where('signatures.organization_id', '=', organizationId)
    .where('signatures.petition_id', '=', petitionId);
  if (search) {
    const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(
      sql<boolean>`(lower(people.email) like ${pattern} escape '\\' or lower(coalesce(people.given_name, '') || ' ' || coalesce(people.family_name, '')) like ${pattern} escape '\\')`,
    );
  }
  return query;
}

/** One page of a petition's signatures with their signers, newest first, for the console. */
export function searchSignatures(q: Q, organizationId: string, petitionId: string, search: string, page: { limit: number; offset: number }) {
  return signersMatching(q, organizationId, petitionId, search)
    .select([
      'signatures.id',
      'signatures.comments',
      'signatures.source',
      'signatures.confirmed_at',
      'signatures.invalidated_at',
      'signatures.created_at',
      'people.email',
      'people.given_name',
      'people.family_name',
      'people.postal_code',
    ])
    .orderBy('signatures.created_at', 'desc')
    .orderBy('signatures.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countSignaturesMatching(q: Q, organizationId: string, petitionId: string, search: string): Promise<number> {
  const row = await signersMatching(q, organizationId, petitionId, search)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Signatures still waiting for their email confirmation (they are not in the count yet). */
export async function countPendingSignatures(q: Q, organizationId: string, petitionId: string): Promise<number> {
  const row = await q
    .selectFrom('signatures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organization_id', '=', organizationId)
    .where('petition_id', '=', petitionId)
    .where('confirmed_at', 'is', null)
    .where('invalidated_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Petitions by id, of any organization, as a partner's list of partnerships shows them. */
export const petitionsByIds = (q: Q, ids: readonly string[]) =>
  q.selectFrom('petitions').select(['id', 'slug', 'title', 'signature_count']).where('id', 'in', [...ids]).execute();

/** The sponsor's confirmed signatures of a petition by `?source=` code. */
export const signaturesBySource = (q: Q, sponsorId: string, petitionId: string) =>
  q
    .selectFrom('signatures')
    .select(['source', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organization_id', '=', sponsorId)
    .where('petition_id', '=', petitionId)
    .where('confirmed_at', 'is not', null)
    .where('invalidated_at', 'is', null)
    .groupBy('source')
    .execute();

/** Signatures of a petition copied to each partner organization (signers who ticked its box). */
export const signaturesSharedWith = (q: Q, sponsorId: string, petitionId: string) =>
  q
    .selectFrom('signatures')
    .select(['organization_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('petition_id', '=', petitionId)
    .where('organization_id', '!=', sponsorId)
    .where('invalidated_at', 'is', null)
    .groupBy('organization_id')
    .execute();

/** A person's signatures in the organization, newest first, with their petitions. */
export function signaturesOfPerson(q: Q, organizationId: string, personId: string) {
  return q
    .selectFrom('signatures')
    .innerJoin('petitions', 'petitions.id', 'signatures.petition_id')
    .select([
      'signatures.id as id',
      'petitions.id as action_id',
      'petitions.title as action_title',
      'petitions.slug as action_slug',
      'signatures.comments as comments',
      'signatures.source as source',
      'signatures.referrer as referrer',
      'signatures.language as language',
      'signatures.confirmed_at as confirmed_at',
      // Partners the signer chose to share with, kept until the signature is confirmed.
      'signatures.shared_with as shared_with',
      'signatures.client_key as client_key',
      'signatures.invalidated_at as invalidated_at',
      'signatures.created_at as created_at',
      'signatures.modified_at as modified_at',
    ])
    .where('signatures.organization_id', '=', organizationId)
    .where('petitions.organization_id', '=', organizationId)
    .where('signatures.person_id', '=', personId)
    .orderBy('signatures.created_at', 'desc')
    .orderBy('signatures.id', 'desc')
    .execute();
}
