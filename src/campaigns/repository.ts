import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { conditionSql, type Condition } from '../kits/api/filter.ts';
import type { PageWindow } from '../kits/api/list.ts';

type Q = Kysely<Database> | Transaction<Database>;

// Lists are the organization's tags (each a saved set of people); their items are the taggings.

/** The columns an API filter may compare, on tags (lists) and on taggings (items). */
export type ListColumn = 'id' | 'created_at';

const tagsMatching = (q: Q, organizationId: string, where: Condition<ListColumn>) =>
  q.selectFrom('tags').where('tags.organization_id', '=', organizationId).where(conditionSql(where, (c) => `tags.${c}`));

/** A page of the organization's tags with how many people each holds, oldest first. */
export const listLists = (q: Q, organizationId: string, where: Condition<ListColumn>, window: PageWindow) =>
  tagsMatching(q, organizationId, where)
    .select(['tags.id', 'tags.name', 'tags.created_at'])
    .select((eb) => eb.selectFrom('taggings').whereRef('taggings.tag_id', '=', 'tags.id').select((e) => e.fn.countAll<number>().as('n')).as('total_items'))
    .orderBy('tags.created_at')
    .orderBy('tags.id')
    .limit(window.limit)
    .offset(window.offset)
    .execute();

export type ListRow = Awaited<ReturnType<typeof listLists>>[number];

export async function countLists(q: Q, organizationId: string, where: Condition<ListColumn>): Promise<number> {
  const row = await tagsMatching(q, organizationId, where).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export const findList = async (q: Q, organizationId: string, id: string): Promise<ListRow | undefined> =>
  (await listLists(q, organizationId, { column: 'id', op: '=', value: id }, { limit: 1, offset: 0 }))[0];

export type ItemOwner = { listId: string } | { personId: string };

function itemsMatching(q: Q, organizationId: string, by: ItemOwner, where: Condition<ListColumn>) {
  let query = q
    .selectFrom('taggings')
    .innerJoin('tags', 'tags.id', 'taggings.tag_id')
    .where('tags.organization_id', '=', organizationId);
  query = 'listId' in by ? query.where('taggings.tag_id', '=', by.listId) : query.where('taggings.person_id', '=', by.personId);
  return query.where(conditionSql(where, (c) => `taggings.${c}`));
}

/** A page of a list's items (a person on it), oldest first. */
export const listItems = (q: Q, organizationId: string, by: ItemOwner, where: Condition<ListColumn>, window: PageWindow) =>
  itemsMatching(q, organizationId, by, where)
    .select(['taggings.id', 'taggings.tag_id', 'taggings.person_id', 'taggings.created_at'])
    .orderBy('taggings.created_at')
    .orderBy('taggings.id')
    .limit(window.limit)
    .offset(window.offset)
    .execute();

export type ItemRow = Awaited<ReturnType<typeof listItems>>[number];

export async function countItems(q: Q, organizationId: string, by: ItemOwner, where: Condition<ListColumn>): Promise<number> {
  const row = await itemsMatching(q, organizationId, by, where).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export const findItem = async (q: Q, organizationId: string, by: ItemOwner, id: string): Promise<ItemRow | undefined> =>
  (await listItems(q, organizationId, by, { column: 'id', op: '=', value: id }, { limit: 1, offset: 0 }))[0];

/** The organization as its email wrapper needs it. */
export const findOrganization = (q: Q, organizationId: string) =>
  q.selectFrom('organizations').select(['id', 'name', 'accent_color', 'created_at']).where('id', '=', organizationId).executeTakeFirst();
