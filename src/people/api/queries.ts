import type { Kysely, Transaction, Updateable } from 'kysely';
import type { Database, PersonTable } from '../../db/schema.ts';
import { conditionSql, type Condition } from '../../kits/api/filter.ts';
import type { PageWindow } from '../../kits/api/list.ts';
import { newId } from '../../util/ids.ts';

type Q = Kysely<Database> | Transaction<Database>;

// The API's queries of people, tags and taggings (src/people/api/); the core's upsert and tags
// live in src/actions/people/repository.ts.

/** The people columns an API filter may compare. */
export type PersonColumn = 'id' | 'created_at' | 'modified_at' | 'family_name' | 'given_name' | 'email' | 'postal_code' | 'phone_number' | 'region' | 'country';

const peopleWhere = (q: Q, organizationId: string, where: Condition<PersonColumn>) =>
  q.selectFrom('people').where('organization_id', '=', organizationId).where(conditionSql(where));

/** One page of an organization's people matching a filter, oldest first. */
export const listPeople = (q: Q, organizationId: string, where: Condition<PersonColumn>, page: PageWindow) =>
  peopleWhere(q, organizationId, where).selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();

export async function countPeople(q: Q, organizationId: string, where: Condition<PersonColumn>): Promise<number> {
  const row = await peopleWhere(q, organizationId, where).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Changes some of one of the organization's people's fields; false when there is no such person. */
export async function updatePerson(q: Q, organizationId: string, personId: string, set: Updateable<PersonTable>): Promise<boolean> {
  const r = await q.updateTable('people').set(set).where('organization_id', '=', organizationId).where('id', '=', personId).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The organization's person with this email, if any (another than `exceptId`). */
export const personWithEmail = (q: Q, organizationId: string, email: string) =>
  q.selectFrom('people').select('id').where('organization_id', '=', organizationId).where('email', '=', email).executeTakeFirst();

export interface NewConsent {
  organizationId: string;
  personId: string;
  actionType: string;
  actionId: string;
  given: boolean;
  wording: string;
  now: string;
}

export async function insertConsent(q: Q, c: NewConsent) {
  await q
    .insertInto('consents')
    .values({ id: newId(), organization_id: c.organizationId, person_id: c.personId, action_type: c.actionType, action_id: c.actionId, given: c.given ? 1 : 0, wording: c.wording, created_at: c.now })
    .execute();
}

export type TagColumn = 'id' | 'created_at' | 'name';

const tagsWhere = (q: Q, organizationId: string, where: Condition<TagColumn>) =>
  q.selectFrom('tags').where('organization_id', '=', organizationId).where(conditionSql(where));

/** One page of an organization's tags, by name. */
export const listTags = (q: Q, organizationId: string, where: Condition<TagColumn>, page: PageWindow) =>
  tagsWhere(q, organizationId, where).selectAll().orderBy('name').orderBy('id').limit(page.limit).offset(page.offset).execute();

export async function countTags(q: Q, organizationId: string, where: Condition<TagColumn>): Promise<number> {
  const row = await tagsWhere(q, organizationId, where).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export const findTag = (q: Q, organizationId: string, id: string) =>
  q.selectFrom('tags').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();

/** The organization's tag of this name, made now when it has none; the same tag for a repeat. */
export async function ensureTag(q: Q, organizationId: string, name: string, now: string) {
  await q
    .insertInto('tags')
    .values({ id: newId(), organization_id: organizationId, name, created_at: now })
    .onConflict((oc) => oc.columns(['organization_id', 'name']).doNothing())
    .execute();
  return q.selectFrom('tags').selectAll().where('organization_id', '=', organizationId).where('name', '=', name).executeTakeFirstOrThrow();
}

/** Whose taggings: one tag's, or one person's (both of the organization). */
export type TaggingOwner = { tagId: string } | { personId: string };

export type TaggingColumn = 'id' | 'created_at';

// Taggings carry no organization: they are the organization's through their tag.
const taggingsWhere = (q: Q, organizationId: string, owner: TaggingOwner, where: Condition<TaggingColumn>) => {
  let query = q.selectFrom('taggings').innerJoin('tags', 'tags.id', 'taggings.tag_id').where('tags.organization_id', '=', organizationId);
  query = 'tagId' in owner ? query.where('taggings.tag_id', '=', owner.tagId) : query.where('taggings.person_id', '=', owner.personId);
  return query.where(conditionSql(where, (c) => `taggings.${c}`));
};

const TAGGING = ['taggings.id', 'taggings.tag_id', 'taggings.person_id', 'taggings.created_at'] as const;

/** One page of a tag's or a person's taggings, oldest first. */
export const listTaggings = (q: Q, organizationId: string, owner: TaggingOwner, where: Condition<TaggingColumn>, page: PageWindow) =>
  taggingsWhere(q, organizationId, owner, where).select(TAGGING).orderBy('taggings.created_at').orderBy('taggings.id').limit(page.limit).offset(page.offset).execute();

export async function countTaggings(q: Q, organizationId: string, owner: TaggingOwner, where: Condition<TaggingColumn>): Promise<number> {
  const row = await taggingsWhere(q, organizationId, owner, where).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export const findTagging = (q: Q, organizationId: string, tagId: string, id: string) =>
  taggingsWhere(q, organizationId, { tagId }, { all: [] }).select(TAGGING).where('taggings.id', '=', id).executeTakeFirst();

/** Tags a person (once: a repeat answers the tagging there is); returns the tagging. */
export async function ensureTagging(q: Q, tagId: string, personId: string, now: string) {
  await q
    .insertInto('taggings')
    .values({ id: newId(), tag_id: tagId, person_id: personId, created_at: now })
    .onConflict((oc) => oc.columns(['tag_id', 'person_id']).doNothing())
    .execute();
  return q.selectFrom('taggings').select(['id', 'tag_id', 'person_id', 'created_at']).where('tag_id', '=', tagId).where('person_id', '=', personId).executeTakeFirstOrThrow();
}

export async function deleteTagging(q: Q, tagId: string, id: string): Promise<boolean> {
  const r = await q.deleteFrom('taggings').where('tag_id', '=', tagId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
