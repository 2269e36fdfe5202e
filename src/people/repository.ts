import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { newId } from '../util/ids.ts';

type Q = Kysely<Database> | Transaction<Database>;

export interface UpsertPerson {
  organizationId: string;
  email: string;
  givenName: string | null;
  familyName: string | null;
  postalCode: string | null;
  country: string | null;
  language: string | null;
  /** true: subscribe; false: leave the current status (a new person starts unsubscribed). */
  subscribe: boolean;
  now: string;
}

/** Inserts the person or, when the email is already on the organization's list, refreshes what they typed. */
export async function upsertPerson(q: Q, p: UpsertPerson): Promise<string> {
  const row = await q
    .insertInto('people')
    .values({
      id: newId(),
      organization_id: p.organizationId,
      email: p.email,
      given_name: p.givenName,
      family_name: p.familyName,
      postal_code: p.postalCode,
      country: p.country,
      language: p.language,
      email_status: p.subscribe ? 'subscribed' : 'unsubscribed',
      created_at: p.now,
      modified_at: p.now,
    })
    .onConflict((oc) =>
      oc.columns(['organization_id', 'email']).doUpdateSet((eb) => ({
        given_name: sql<string>`coalesce(${eb.ref('excluded.given_name')}, people.given_name)`,
        family_name: sql<string>`coalesce(${eb.ref('excluded.family_name')}, people.family_name)`,
        postal_code: sql<string>`coalesce(${eb.ref('excluded.postal_code')}, people.postal_code)`,
        country: sql<string>`coalesce(${eb.ref('excluded.country')}, people.country)`,
        language: sql<string>`coalesce(${eb.ref('excluded.language')}, people.language)`,
        email_status: p.subscribe ? 'subscribed' : sql<'subscribed' | 'unsubscribed'>`people.email_status`,
        modified_at: p.now,
      })),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findPerson(q: Q, organizationId: string, id: string) {
  return q
    .selectFrom('people')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findPersonByEmail(q: Q, organizationId: string, email: string) {
  return q
    .selectFrom('people')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('email', '=', email)
    .executeTakeFirst();
}

/** Adds tags by name to a person, creating tags the organization does not have yet. */
export async function addTags(q: Q, organizationId: string, personId: string, names: string[], now: string) {
  for (const name of new Set(names)) {
    await q
      .insertInto('tags')
      .values({ id: newId(), organization_id: organizationId, name, created_at: now })
      .onConflict((oc) => oc.columns(['organization_id', 'name']).doNothing())
      .execute();
    const tag = await q
      .selectFrom('tags')
      .select('id')
      .where('organization_id', '=', organizationId)
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    await q
      .insertInto('taggings')
      .values({ tag_id: tag.id, person_id: personId, created_at: now })
      .onConflict((oc) => oc.columns(['tag_id', 'person_id']).doNothing())
      .execute();
  }
}

export async function tagsOf(q: Q, personId: string): Promise<string[]> {
  const rows = await q
    .selectFrom('taggings')
    .innerJoin('tags', 'tags.id', 'taggings.tag_id')
    .select('tags.name')
    .where('taggings.person_id', '=', personId)
    .orderBy('tags.name')
    .execute();
  return rows.map((r) => r.name);
}

export async function recordConsent(
  q: Q,
  c: { organizationId: string; personId: string; actionType: string; actionId: string; given: boolean; wording: string; now: string },
) {
  await q
    .insertInto('consents')
    .values({
      id: newId(),
      organization_id: c.organizationId,
      person_id: c.personId,
      action_type: c.actionType,
      action_id: c.actionId,
      given: c.given ? 1 : 0,
      wording: c.wording,
      created_at: c.now,
    })
    .execute();
}

/** One comparison from an API filter (`email_address eq '…'`), on a column the API allows. */
export interface PersonComparison {
  column: 'id' | 'created_at' | 'modified_at' | 'family_name' | 'given_name' | 'email' | 'postal_code';
  op: '=' | '<' | '>' | '>=';
  value: string;
}

function peopleMatching(q: Q, organizationId: string, where: PersonComparison[]) {
  let query = q.selectFrom('people').where('organization_id', '=', organizationId);
  for (const c of where) query = query.where(c.column, c.op, c.value);
  return query;
}

/** One page of an organization's people, oldest first. */
export async function listPeople(q: Q, organizationId: string, where: PersonComparison[], page: { limit: number; offset: number }) {
  return peopleMatching(q, organizationId, where)
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countPeople(q: Q, organizationId: string, where: PersonComparison[]): Promise<number> {
  const row = await peopleMatching(q, organizationId, where)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface TagComparison {
  column: 'id' | 'created_at' | 'name';
  op: '=' | '<' | '>' | '>=';
  value: string;
}

function tagsMatching(q: Q, organizationId: string, where: TagComparison[]) {
  let query = q.selectFrom('tags').where('organization_id', '=', organizationId);
  for (const c of where) query = query.where(c.column, c.op, c.value);
  return query;
}

/** One page of an organization's tags, by name. */
export async function listTags(q: Q, organizationId: string, where: TagComparison[], page: { limit: number; offset: number }) {
  return tagsMatching(q, organizationId, where).selectAll().orderBy('name').orderBy('id').limit(page.limit).offset(page.offset).execute();
}

export async function countTags(q: Q, organizationId: string, where: TagComparison[]): Promise<number> {
  const row = await tagsMatching(q, organizationId, where)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findTag(q: Q, organizationId: string, id: string) {
  return tagsMatching(q, organizationId, []).selectAll().where('id', '=', id).executeTakeFirst();
}
