import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { WebhookRecord } from '../context.ts';
import { findPerson } from '../actions/people/repository.ts';
import { presentPerson } from '../kits/api/presenters.ts';
import { identifiersOf, withIdentifiers } from '../kits/api/identifiers.ts';

/** People as a webhook carries them (`osdi:person`), after the signup helper, a PUT or an unsubscribe; an erased person is left out. */
export async function presentPeople(db: Kysely<Database>, baseUrl: string, organizationId: string, ids: readonly string[]) {
  const out = new Map<string, WebhookRecord>();
  // With the identifiers other systems gave them (`mycrm:42`), so a receiver finds its own record.
  const others = await identifiersOf(db, organizationId, 'person', ids);
  for (const id of ids) {
    const person = await findPerson(db, organizationId, id);
    if (person?.email) out.set(id, { resource: withIdentifiers(presentPerson(baseUrl, person), others.get(id)), personId: id });
  }
  return out;
}
