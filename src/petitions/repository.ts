import type { Kysely, Transaction } from 'kysely';
import type { Database, NewPetition, NewSignature, PetitionUpdate } from '../db/schema.ts';

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

export async function insertPetition(q: Q, petition: NewPetition) {
  await q.insertInto('petitions').values(petition).execute();
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

export async function insertSignatureIfNew(
  q: Q,
  s: NewSignature,
) {
  return q
    .insertInto('signatures')
    .values(s)
    .onConflict((oc) => oc.columns(['petition_id', 'person_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
}

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
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Signatures with their signer, for exports and the API, oldest first. */
export function signaturesWithPeople(q: Q, organizationId: string, petitionId: string) {
  return q
    .selectFrom('signatures')
    .innerJoin('people', 'people.id', 'signatures.person_id')
    .select([
      'signatures.id',
      'signatures.comments',
      'signatures.source',
      'signatures.referrer',
      'signatures.language',
      'signatures.confirmed_at',
      'signatures.created_at',
      'signatures.modified_at',
      'people.id as person_id',
      'people.email',
      'people.given_name',
      'people.family_name',
      'people.postal_code',
      'people.country',
      'people.email_status',
    ])
    .where('signatures.organization_id', '=', organizationId)
    .where('signatures.petition_id', '=', petitionId);
}
