import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { newId } from '../util/ids.ts';
import { chunks } from '../util/chunks.ts';

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
    subscribe: first.subscribe || then.subscribe,
  };
}

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
  for (const chunk of chunks(ordered)) {
    const rows = await q
      .insertInto('people')
      .values(
        chunk.map((p) => ({
          id: newId(),
          organization_id: p.organizationId,
          email: p.email,
          given_name: p.givenName,
          family_name: p.familyName,
          postal_code: p.postalCode,
          country: p.country,
          language: p.language,
          email_status: p.subscribe ? ('subscribed' as const) : ('unsubscribed' as const),
          created_at: p.now,
          modified_at: p.now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['organization_id', 'email']).doUpdateSet((eb) => ({
          given_name: sql<string>`coalesce(${eb.ref('excluded.given_name')}, people.given_name)`,
          family_name: sql<string>`coalesce(${eb.ref('excluded.family_name')}, people.family_name)`,
          postal_code: sql<string>`coalesce(${eb.ref('excluded.postal_code')}, people.postal_code)`,
          country: sql<string>`coalesce(${eb.ref('excluded.country')}, people.country)`,
          language: sql<string>`coalesce(${eb.ref('excluded.language')}, people.language)`,
          // "subscribed" in the new row means the person asked to be; otherwise the status stays.
          email_status: sql<'subscribed' | 'unsubscribed'>`case when ${eb.ref('excluded.email_status')} = 'subscribed' then 'subscribed' else people.email_status end`,
          modified_at: eb.ref('excluded.modified_at'),
        })),
      )
      .returning(['id', 'organization_id', 'email'])
      .execute();
    for (const r of rows) ids.set(personKey(r.organization_id, r.email!), r.id);
  }
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

// The organizer's console: search, one person's page, export and erasure. Every query is
// scoped to the organization; tables without an organization column (taggings) are reached
// through the organization's people or tags.

/** What the console's people search asks: words matched against name, email and ZIP, and a tag. */
export interface PeopleSearch {
  /** Each word must match the given name, family name or email (anywhere) or the postal code (start). */
  words: string[];
  tag: string | null;
}

/** A LIKE pattern that matches `text` literally; `!` escapes the wildcards (ESCAPE '!'). */
function likeLiteral(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

// lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
const lowerLike = (column: string, pattern: string) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '!'`;

function peopleSearched(q: Q, organizationId: string, s: PeopleSearch) {
  let query = q.selectFrom('people').where('people.organization_id', '=', organizationId);
  for (const word of s.words) {
    const w = likeLiteral(word.toLowerCase());
    query = query.where((eb) =>
      eb.or([
        lowerLike('people.given_name', `%${w}%`),
        lowerLike('people.family_name', `%${w}%`),
        lowerLike('people.email', `%${w}%`),
        lowerLike('people.postal_code', `${w}%`),
      ]),
    );
  }
  if (s.tag !== null) {
    const tag = s.tag;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('taggings')
          .innerJoin('tags', 'tags.id', 'taggings.tag_id')
          .select('taggings.tag_id')
          .whereRef('taggings.person_id', '=', 'people.id')
          .where('tags.organization_id', '=', organizationId)
          .where('tags.name', '=', tag),
      ),
    );
  }
  return query;
}

/** One page of the organization's people matching a search, newest first. */
export function searchPeople(q: Q, organizationId: string, s: PeopleSearch, page: { limit: number; offset: number }) {
  return peopleSearched(q, organizationId, s)
    .select([
      'people.id',
      'people.email',
      'people.given_name',
      'people.family_name',
      'people.postal_code',
      'people.country',
      'people.email_status',
      'people.created_at',
    ])
    .orderBy('people.created_at', 'desc')
    .orderBy('people.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countPeopleSearched(q: Q, organizationId: string, s: PeopleSearch): Promise<number> {
  const row = await peopleSearched(q, organizationId, s)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A person's tags in the organization, by name, with when each was added. */
export function tagsOfPerson(q: Q, organizationId: string, personId: string) {
  return q
    .selectFrom('taggings')
    .innerJoin('tags', 'tags.id', 'taggings.tag_id')
    .select(['tags.id', 'tags.name', 'taggings.created_at'])
    .where('tags.organization_id', '=', organizationId)
    .where('taggings.person_id', '=', personId)
    .orderBy('tags.name')
    .execute();
}

/** Takes one tag, by name, off a person; the tag itself stays in the organization's list. */
export async function removeTag(q: Q, organizationId: string, personId: string, name: string): Promise<boolean> {
  const r = await q
    .deleteFrom('taggings')
    .where('person_id', '=', personId)
    .where('tag_id', 'in', (eb) => eb.selectFrom('tags').select('id').where('organization_id', '=', organizationId).where('name', '=', name))
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** What a person agreed to (or declined), oldest first, with the petition's title where the consent came from one. */
export function consentsOfPerson(q: Q, organizationId: string, personId: string) {
  return q
    .selectFrom('consents')
    .leftJoin('petitions', (join) =>
      join
        .onRef('petitions.id', '=', 'consents.action_id')
        .on('consents.action_type', '=', 'petition')
        .on('petitions.organization_id', '=', organizationId),
    )
    .select([
      'consents.id',
      'consents.action_type',
      'consents.action_id',
      'petitions.title as action_title',
      'consents.given',
      'consents.wording',
      'consents.created_at',
    ])
    .where('consents.organization_id', '=', organizationId)
    .where('consents.person_id', '=', personId)
    .orderBy('consents.created_at')
    .orderBy('consents.id')
    .execute();
}

/** A person's signatures as actions: the columns every action type gives `actionsOfPerson`. */
function signatureActions(q: Q, organizationId: string, personId: string) {
  return q
    .selectFrom('signatures')
    .innerJoin('petitions', 'petitions.id', 'signatures.petition_id')
    .select([
      sql<string>`'signature'`.as('type'),
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
      'signatures.created_at as created_at',
      'signatures.modified_at as modified_at',
    ])
    .where('signatures.organization_id', '=', organizationId)
    .where('petitions.organization_id', '=', organizationId)
    .where('signatures.person_id', '=', personId);
}

/**
 * Every action a person took in the organization, newest first. Signatures are the only
 * action today; another type adds a select of the same columns with `.unionAll(…)` below.
 */
export function actionsOfPerson(q: Q, organizationId: string, personId: string) {
  const actions = signatureActions(q, organizationId, personId);
  return q.selectFrom(actions.as('actions')).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

/** Clears every personal field of a person; the row stays so their actions stay counted. */
export async function clearPersonFields(q: Q, organizationId: string, personId: string, now: string): Promise<boolean> {
  const r = await q
    .updateTable('people')
    .set({
      email: null,
      given_name: null,
      family_name: null,
      postal_code: null,
      country: null,
      language: null,
      email_status: 'unsubscribed',
      modified_at: now,
    })
    .where('organization_id', '=', organizationId)
    .where('id', '=', personId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

const personIn = (organizationId: string, personId: string) => (eb: ExpressionBuilder<Database, 'taggings' | 'consents'>) =>
  eb.selectFrom('people').select('people.id').where('people.organization_id', '=', organizationId).where('people.id', '=', personId);

/** Removes every tag and every consent of one of the organization's people. */
export async function deleteTagsAndConsentsOf(q: Q, organizationId: string, personId: string) {
  await q.deleteFrom('taggings').where('person_id', 'in', personIn(organizationId, personId)).execute();
  await q.deleteFrom('consents').where('person_id', 'in', personIn(organizationId, personId)).execute();
}

/**
 * Clears what a person wrote or brought with their signatures (comment, source code, referring
 * site) and any share with partners still waiting for confirmation (a consent); the signatures stay.
 */
export async function clearSignatureDetailsOf(q: Q, organizationId: string, personId: string, now: string): Promise<number> {
  const r = await q
    .updateTable('signatures')
    .set({ comments: null, source: null, referrer: null, shared_with: null, modified_at: now })
    .where('organization_id', '=', organizationId)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
