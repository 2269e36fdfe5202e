import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { newId } from '../../util/ids.ts';
import { RowStatement } from '../../db/row-statements.ts';

type Q = Kysely<Database> | Transaction<Database>;

export interface UpsertPerson {
  organizationId: string;
  email: string;
  givenName: string | null;
  familyName: string | null;
  postalCode: string | null;
  country: string | null;
  language: string | null;
  /** A phone number as `normalizePhone` (src/kits/api/person-input.ts) writes it; absent or null keeps the stored one. */
  phoneNumber?: string | null;
  /** true: subscribe; false: leave the current status (a new person starts unsubscribed). */
  subscribe: boolean;
  now: string;
}

/** A person's place on an organization's list: the key `upsertPeople` answers by. */
export function personKey(organizationId: string, email: string): string {
  return `${organizationId}\u0000${email}`;
}

/** Two upserts of one email in one statement, as if written one after the other. */
function merged(first: UpsertPerson, then: UpsertPerson): UpsertPerson {
  return {
    ...then,
    givenName: then.givenName ?? first.givenName,
    familyName: then.familyName ?? first.familyName,
    postalCode: then.postalCode ?? first.postalCode,
    country: then.country ?? first.country,
    language: then.language ?? first.language,
    phoneNumber: then.phoneNumber ?? first.phoneNumber,
    subscribe: first.subscribe || then.subscribe,
  };
}

const peopleUpsert = new RowStatement('people upsert', (q, rows: Insertable<Database['people']>[]) =>
  q
    .insertInto('people')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['organization_id', 'email']).doUpdateSet((eb) => ({
        given_name: sql<string>`coalesce(${eb.ref('excluded.given_name')}, people.given_name)`,
        family_name: sql<string>`coalesce(${eb.ref('excluded.family_name')}, people.family_name)`,
        postal_code: sql<string>`coalesce(${eb.ref('excluded.postal_code')}, people.postal_code)`,
        country: sql<string>`coalesce(${eb.ref('excluded.country')}, people.country)`,
        language: sql<string>`coalesce(${eb.ref('excluded.language')}, people.language)`,
        phone_number: sql<string>`coalesce(${eb.ref('excluded.phone_number')}, people.phone_number)`,
        // "subscribed" in the new row means the person asked to be; otherwise the status stays.
        email_status: sql<'subscribed' | 'unsubscribed'>`case when ${eb.ref('excluded.email_status')} = 'subscribed' then 'subscribed' else people.email_status end`,
        modified_at: eb.ref('excluded.modified_at'),
      })),
    )
    .returning(['id', 'organization_id', 'email']),
);

/**
 * Inserts people or, when an email is already on the organization's list, refreshes what they
 * typed: a value replaces the stored one and a missing one keeps it; `subscribe` subscribes,
 * and otherwise a new person starts unsubscribed and one on the list keeps their status.
 * Many people per statement. The same email twice is merged first (PostgreSQL refuses to
 * update a row twice in one statement), and rows go in key order, so two transactions
 * upserting the same people lock them in the same order. Returns each id by `personKey`.
 */
export async function upsertPeople(q: Q, people: readonly UpsertPerson[]): Promise<Map<string, string>> {
  const byKey = new Map<string, UpsertPerson>();
  for (const p of people) {
    const key = personKey(p.organizationId, p.email);
    const before = byKey.get(key);
    byKey.set(key, before ? merged(before, p) : p);
  }
  const ordered = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
  const ids = new Map<string, string>();
  const rows = ordered.map((p) => ({
    id: newId(),
    organization_id: p.organizationId,
    email: p.email,
    given_name: p.givenName,
    family_name: p.familyName,
    postal_code: p.postalCode,
    country: p.country,
    language: p.language,
    phone_number: p.phoneNumber ?? null,
    email_status: p.subscribe ? ('subscribed' as const) : ('unsubscribed' as const),
    created_at: p.now,
    modified_at: p.now,
  }));
  for (const r of await peopleUpsert.execute(q, rows)) ids.set(personKey(r.organization_id, r.email!), r.id);
  return ids;
}

/** Inserts the person or, when the email is already on the organization's list, refreshes what they typed. */
export async function upsertPerson(q: Q, p: UpsertPerson): Promise<string> {
  const ids = await upsertPeople(q, [p]);
  return ids.get(personKey(p.organizationId, p.email))!;
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
      .values({ id: newId(), tag_id: tag.id, person_id: personId, created_at: now })
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
