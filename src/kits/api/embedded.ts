import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { WebhookRecord } from '../../context.ts';
import { presentPerson } from './presenters.ts';

/**
 * Records as the API presents them, each with its person embedded (`person`), as Action
 * Network's webhooks carry them: what a capability's `webhooks[].present` returns, by record id.
 * A record of another organization is left out, like a missing one.
 */
export async function withPeople<R extends { id: string; organization_id: string; person_id: string | null }>(
  db: Kysely<Database>,
  baseUrl: string,
  organizationId: string,
  rows: readonly (R | undefined)[],
  present: (row: R) => Record<string, unknown>,
): Promise<Map<string, WebhookRecord>> {
  const mine = rows.filter((r): r is R => r !== undefined && r.organization_id === organizationId);
  const personIds = [...new Set(mine.map((r) => r.person_id).filter((id): id is string => id !== null))];
  const people =
    personIds.length === 0
      ? []
      : await db.selectFrom('people').selectAll().where('organization_id', '=', organizationId).where('id', 'in', personIds).execute();
  const byId = new Map(people.map((p) => [p.id, presentPerson(baseUrl, p)]));
  const out = new Map<string, WebhookRecord>();
  for (const row of mine) {
    const person = row.person_id ? byId.get(row.person_id) : undefined;
    out.set(row.id, { resource: { ...present(row), ...(person ? { person } : {}) }, personId: row.person_id });
  }
  return out;
}
