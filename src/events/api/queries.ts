import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { conditionSql, type Condition } from '../../kits/api/filter.ts';
import type { PageWindow } from '../../kits/api/list.ts';

type Q = Kysely<Database> | Transaction<Database>;

// The events API's filtered queries: a whole `?filter=` (`and`, `or`, parentheses) as one condition.

/** The event columns an API filter may compare. */
export type EventColumn = 'id' | 'created_at' | 'modified_at' | 'origin_system' | 'title' | 'start_at' | 'end_at';

const eventsWhere = (q: Q, organizationId: string, where: Condition<EventColumn>) =>
  q.selectFrom('events').where('organization_id', '=', organizationId).where(conditionSql(where));

/** One page of an organization's events matching a filter, oldest first. */
export const listEventsMatching = (q: Q, organizationId: string, where: Condition<EventColumn>, page: PageWindow) =>
  eventsWhere(q, organizationId, where).selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();

export async function countEventsMatching(q: Q, organizationId: string, where: Condition<EventColumn>): Promise<number> {
  const row = await eventsWhere(q, organizationId, where).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
