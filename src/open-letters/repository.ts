import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { NewLetterSignature, NewOpenLetter, OpenLetterUpdate, SignatureStatus } from './tables.ts';
import type { SharedStatement } from '../actions/unit-of-work.ts';
import { chunks } from '../util/chunks.ts';
import { conditionSql, type Condition } from '../kits/api/filter.ts';

type Q = Kysely<Database> | Transaction<Database>;

export async function findLetterBySlug(q: Q, slug: string) {
  return q
    .selectFrom('open_letters')
    .innerJoin('organizations', 'organizations.id', 'open_letters.organization_id')
    .selectAll('open_letters')
    .select(['organizations.name as organization_name'])
    .where('open_letters.slug', '=', slug)
    .executeTakeFirst();
}

export async function findLetter(q: Q, organizationId: string, id: string) {
  return q.selectFrom('open_letters').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export async function findLetterById(q: Q, id: string) {
  return q
    .selectFrom('open_letters')
    .innerJoin('organizations', 'organizations.id', 'open_letters.organization_id')
    .selectAll('open_letters')
    .select(['organizations.name as organization_name'])
    .where('open_letters.id', '=', id)
    .executeTakeFirst();
}

export async function slugExists(q: Q, slug: string): Promise<boolean> {
  return (await q.selectFrom('open_letters').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;
}

export async function insertLetterUnlessSlugTaken(q: Q, letter: NewOpenLetter): Promise<boolean> {
  const r = await q.insertInto('open_letters').values(letter).onConflict((oc) => oc.column('slug').doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateLetter(q: Q, organizationId: string, id: string, changes: OpenLetterUpdate) {
  await q.updateTable('open_letters').set(changes).where('organization_id', '=', organizationId).where('id', '=', id).execute();
}

export const lettersOf = (q: Q, organizationId: string) =>
  q
    .selectFrom('open_letters')
    .select(['id', 'slug', 'title', 'status', 'deadline', 'organization_count', 'individual_count', 'created_at'])
    .where('organization_id', '=', organizationId)
    .orderBy('created_at', 'desc')
    .execute();

export const listOpenLetters = (q: Q, now: string, limit = 50) =>
  q
    .selectFrom('open_letters')
    .innerJoin('organizations', 'organizations.id', 'open_letters.organization_id')
    .select(['open_letters.slug', 'open_letters.title', 'open_letters.title_es', 'open_letters.organization_count', 'organizations.name as organization_name'])
    .where('open_letters.status', '=', 'open')
    .where((eb) => eb.or([eb('open_letters.deadline', 'is', null), eb('open_letters.deadline', '>', now)]))
    .orderBy('open_letters.created_at', 'desc')
    .limit(limit)
    .execute();

/** The signatures of a batch's actions in one statement; each says whether it was new (a person signs once per organization name). */
export const letterSignatureInsert: SharedStatement<NewLetterSignature, boolean> = {
  name: 'open letter signature insert',
  async run(uow, rows) {
    const inserted = new Set<string>();
    for (const chunk of chunks(rows)) {
      const got = await uow.trx
        .insertInto('open_letter_signatures')
        .values(chunk)
        .onConflict((oc) => oc.columns(['open_letter_id', 'person_id', 'org_key']).doNothing())
        .returning('id')
        .execute();
      for (const r of got) inserted.add(r.id);
    }
    return rows.map((r) => inserted.has(r.id));
  },
};

export const findSignature = (q: Q, id: string) => q.selectFrom('open_letter_signatures').selectAll().where('id', '=', id).executeTakeFirst();

export const findSignatureOf = (q: Q, letterId: string, personId: string, orgKey: string) =>
  q.selectFrom('open_letter_signatures').selectAll().where('open_letter_id', '=', letterId).where('person_id', '=', personId).where('org_key', '=', orgKey).executeTakeFirst();

/** Confirms an unconfirmed signature with the status it takes then; true only for the call that confirmed it. */
export async function confirmSignature(q: Q, id: string, status: SignatureStatus, now: string, trusted: boolean): Promise<boolean> {
  const r = await q
    .updateTable('open_letter_signatures')
    .set({ confirmed_at: now, status, trusted: trusted ? 1 : 0, modified_at: now, ...(status === 'approved' ? { moderated_at: now, moderation_reason: 'trusted organization' } : {}) })
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Sets the letter's count of organizations from its approved signatures, in the caller's transaction. */
export async function recountOrganizations(q: Q, letterId: string) {
  await sql`update open_letters set organization_count = (
      select count(*) from open_letter_signatures s where s.open_letter_id = ${letterId} and s.kind = 'organization' and s.status = 'approved'
    ) where id = ${letterId}`.execute(q);
}

/** Approved organizations of a letter, for the public list and the delivery; the signer's name only where they chose to show it. */
export function approvedOrganizations(q: Q, letterId: string) {
  return q
    .selectFrom('open_letter_signatures as s')
    .innerJoin('people', 'people.id', 's.person_id')
    .leftJoin('open_letter_logos as l', 'l.signature_id', 's.id')
    .select([
      's.id', 's.org_name', 's.org_website', 's.city', 's.region', 's.country', 's.group_name', 's.featured', 's.created_at', 's.show_signer', 's.signer_role',
      'people.given_name', 'people.family_name', 'l.id as logo_id',
    ])
    .where('s.open_letter_id', '=', letterId)
    .where('s.kind', '=', 'organization')
    .where('s.status', '=', 'approved')
    .execute();
}

/** Every signature of a letter with its signer, for the console, newest first. */
export function signaturesForConsole(q: Q, organizationId: string, letterId: string) {
  return q
    .selectFrom('open_letter_signatures as s')
    .innerJoin('people', 'people.id', 's.person_id')
    .leftJoin('open_letter_logos as l', 'l.signature_id', 's.id')
    .select([
      's.id', 's.kind', 's.org_name', 's.org_key', 's.org_website', 's.org_domain', 's.city', 's.region', 's.country', 's.signer_role', 's.show_signer',
      's.status', 's.moderation_reason', 's.moderated_at', 's.merged_into', 's.group_name', 's.featured', 's.trusted', 's.source', 's.confirmed_at', 's.created_at',
      'people.email', 'people.given_name', 'people.family_name', 'people.postal_code', 'l.id as logo_id',
    ])
    .where('s.organization_id', '=', organizationId)
    .where('s.open_letter_id', '=', letterId)
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id', 'desc')
    .execute();
}

export const findSignatureIn = (q: Q, organizationId: string, letterId: string, id: string) =>
  q.selectFrom('open_letter_signatures').selectAll().where('organization_id', '=', organizationId).where('open_letter_id', '=', letterId).where('id', '=', id).executeTakeFirst();

export async function setModeration(q: Q, id: string, changes: { status: SignatureStatus; reason: string | null; mergedInto?: string | null }, now: string) {
  await q
    .updateTable('open_letter_signatures')
    .set({ status: changes.status, moderation_reason: changes.reason, moderated_at: now, modified_at: now, ...(changes.mergedInto !== undefined ? { merged_into: changes.mergedInto } : {}) })
    .where('id', '=', id)
    .execute();
}

export async function setPlacement(q: Q, id: string, placement: { group_name: string | null; featured: number }, now: string) {
  await q.updateTable('open_letter_signatures').set({ ...placement, modified_at: now }).where('id', '=', id).execute();
}

/** The logo of a signature the public list shows: approved, on this letter. */
export const publicLogo = (q: Q, letterId: string, logoId: string) =>
  q
    .selectFrom('open_letter_logos as l')
    .innerJoin('open_letter_signatures as s', 's.id', 'l.signature_id')
    .select(['l.bytes', 'l.content_type'])
    .where('l.id', '=', logoId)
    .where('s.open_letter_id', '=', letterId)
    .where('s.status', '=', 'approved')
    .executeTakeFirst();

/** A logo for the console, within the organization. */
export const consoleLogo = (q: Q, organizationId: string, letterId: string, signatureId: string) =>
  q
    .selectFrom('open_letter_logos as l')
    .innerJoin('open_letter_signatures as s', 's.id', 'l.signature_id')
    .select(['l.bytes', 'l.content_type'])
    .where('l.organization_id', '=', organizationId)
    .where('s.open_letter_id', '=', letterId)
    .where('s.id', '=', signatureId)
    .executeTakeFirst();

export const trustedOf = (q: Q, organizationId: string) =>
  q.selectFrom('open_letter_trusted').selectAll().where('organization_id', '=', organizationId).orderBy('name').execute();

export async function insertTrusted(q: Q, row: { id: string; organization_id: string; name: string; org_key: string; org_domain: string | null; created_by: string | null; created_at: string }) {
  await q.insertInto('open_letter_trusted').values(row).onConflict((oc) => oc.columns(['organization_id', 'org_key']).doNothing()).execute();
}

export async function deleteTrusted(q: Q, organizationId: string, id: string): Promise<boolean> {
  const r = await q.deleteFrom('open_letter_trusted').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export const findTrusted = (q: Q, organizationId: string, orgKey: string) =>
  q.selectFrom('open_letter_trusted').selectAll().where('organization_id', '=', organizationId).where('org_key', '=', orgKey).executeTakeFirst();

/** Whether this person signed for this organization on one of the sponsor's letters and was approved. */
export async function approvedBefore(q: Q, organizationId: string, personId: string, orgKey: string): Promise<boolean> {
  const row = await q
    .selectFrom('open_letter_signatures')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('person_id', '=', personId)
    .where('org_key', '=', orgKey)
    .where('status', '=', 'approved')
    .executeTakeFirst();
  return row !== undefined;
}

/** A person's signatures on the organization's letters, newest first. */
export function signaturesOfPerson(q: Q, organizationId: string, personId: string) {
  return q
    .selectFrom('open_letter_signatures as s')
    .innerJoin('open_letters as o', 'o.id', 's.open_letter_id')
    .select([
      's.id', 's.kind', 's.org_name', 's.org_website', 's.city', 's.region', 's.country', 's.signer_role', 's.show_signer', 's.status', 's.source', 's.referrer',
      's.language', 's.confirmed_at', 's.shared_with', 's.created_at', 's.modified_at', 'o.id as letter_id', 'o.title as letter_title', 'o.slug as letter_slug',
    ])
    .where('s.organization_id', '=', organizationId)
    .where('s.person_id', '=', personId)
    .orderBy('s.created_at', 'desc')
    .execute();
}

export const lettersByIds = (q: Q, ids: readonly string[]) =>
  q.selectFrom('open_letters').select(['id', 'slug', 'title', 'organization_count']).where('id', 'in', [...ids]).execute();

/** The sponsor's confirmed signatures of a letter by `?source=` code. */
export const signaturesBySource = (q: Q, sponsorId: string, letterId: string) =>
  q
    .selectFrom('open_letter_signatures')
    .select(['source', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organization_id', '=', sponsorId)
    .where('open_letter_id', '=', letterId)
    .where('confirmed_at', 'is not', null)
    .groupBy('source')
    .execute();

/** Signers of a letter put on each partner's list (their consent there is the copy: no signature row is made for a partner). */
export const signaturesSharedWith = (q: Q, sponsorId: string, letterId: string) =>
  q
    .selectFrom('consents')
    .select(['organization_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('action_type', '=', 'open_letter')
    .where('action_id', '=', letterId)
    .where('organization_id', '!=', sponsorId)
    .groupBy('organization_id')
    .execute();

/** Organizations of a letter kept on the list of a person being erased. */
export async function countOrganizationsOf(q: Q, organizationId: string, personId: string): Promise<number> {
  const row = await q
    .selectFrom('open_letter_signatures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organization_id', '=', organizationId)
    .where('person_id', '=', personId)
    .where('kind', '=', 'organization')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setSharedWith(q: Q, id: string, json: string | null) {
  await q.updateTable('open_letter_signatures').set({ shared_with: json }).where('id', '=', id).execute();
}

/** One comparison from an API filter, on a column the API allows. */
export interface LetterComparison {
  column: 'id' | 'created_at' | 'modified_at' | 'origin_system' | 'title';
  op: '=' | '<' | '>' | '>=';
  value: string;
}

/** One page of an organization's letters, oldest first. */
export function listLetters(q: Q, organizationId: string, where: Condition<LetterComparison['column']>, page: { limit: number; offset: number }) {
  let query = q.selectFrom('open_letters').selectAll().where('organization_id', '=', organizationId);
  query = query.where(conditionSql(where));
  return query.orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
}

export async function countLetters(q: Q, organizationId: string, where: Condition<LetterComparison['column']>): Promise<number> {
  let query = q.selectFrom('open_letters').select((eb) => eb.fn.countAll<number>().as('n')).where('organization_id', '=', organizationId);
  query = query.where(conditionSql(where));
  return Number((await query.executeTakeFirstOrThrow()).n);
}

export interface LetterSignatureComparison {
  column: 'id' | 'created_at' | 'modified_at';
  op: '=' | '<' | '>' | '>=';
  value: string;
}

/** One page of a letter's signatures, oldest first. */
export function listLetterSignatures(q: Q, organizationId: string, letterId: string, where: Condition<LetterSignatureComparison['column']>, page: { limit: number; offset: number }) {
  let query = q.selectFrom('open_letter_signatures').selectAll().where('organization_id', '=', organizationId).where('open_letter_id', '=', letterId);
  query = query.where(conditionSql(where));
  return query.orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
}

export async function countLetterSignatures(q: Q, organizationId: string, letterId: string, where: Condition<LetterSignatureComparison['column']>): Promise<number> {
  let query = q.selectFrom('open_letter_signatures').select((eb) => eb.fn.countAll<number>().as('n')).where('organization_id', '=', organizationId).where('open_letter_id', '=', letterId);
  query = query.where(conditionSql(where));
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/** Organization signatures waiting for review, per letter, for the dashboard. */
export const signaturesAwaitingReview = (q: Q, organizationId: string) =>
  q
    .selectFrom('open_letter_signatures')
    .innerJoin('open_letters', 'open_letters.id', 'open_letter_signatures.open_letter_id')
    .select(['open_letters.id', 'open_letters.title', (eb) => eb.fn.countAll<number>().as('n')])
    .where('open_letter_signatures.organization_id', '=', organizationId)
    .where('open_letter_signatures.status', '=', 'pending')
    .groupBy(['open_letters.id', 'open_letters.title'])
    .orderBy('open_letters.title')
    .execute();
