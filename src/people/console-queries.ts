import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { chunks } from '../util/chunks.ts';

type Q = Kysely<Database> | Transaction<Database>;

// What organizers do with people, beyond the writes every action makes (repository.ts):
// search, one person's page, export and erasure. Every query is scoped to the organization;
// tables without an organization column (taggings) are reached through its people or tags.

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

/** What a person agreed to (or declined), oldest first; the console adds each action's title from its capability. */
export function consentsOfPerson(q: Q, organizationId: string, personId: string) {
  return q
    .selectFrom('consents')
    .select([
      'consents.id',
      'consents.action_type',
      'consents.action_id',
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

/** The labels of the organization's API tokens by id (a consent given through the API names its token). */
export function apiTokenLabels(q: Q, organizationId: string, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return q.selectFrom('api_tokens').select(['id', 'label']).where('organization_id', '=', organizationId).where('id', 'in', [...ids]).execute();
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
      address_lines: null,
      locality: null,
      region: null,
      phone_number: null,
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

/** Deletes the identifiers other systems gave these records (a person and what they made); returns how many. */
export async function deleteIdentifiersOf(q: Q, organizationId: string, resourceIds: readonly string[]): Promise<number> {
  let n = 0;
  for (const ids of chunks([...new Set(resourceIds)], 500)) {
    const r = await q.deleteFrom('api_identifiers').where('organization_id', '=', organizationId).where('resource_id', 'in', ids).executeTakeFirst();
    n += Number(r.numDeletedRows);
  }
  return n;
}
