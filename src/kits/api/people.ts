import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import * as repo from '../../actions/people/repository.ts';
import { notFound } from './errors.ts';
import { parseIdentifier } from './hal.ts';

/** The organization's person named by a URL identifier; anyone else's is a 404 like a missing one. */
export async function loadPerson(db: Kysely<Database>, organizationId: string, rawId: string) {
  const id = parseIdentifier(rawId);
  const person = id ? await repo.findPerson(db, organizationId, id) : undefined;
  if (!person) throw notFound('person', rawId);
  return person;
}
