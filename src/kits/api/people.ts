import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import * as repo from '../../actions/people/repository.ts';
import { loadByIdentifier } from './load.ts';

/** The organization's person named by a URL identifier; anyone else's is a 404 like a missing one. */
export const loadPerson = (db: Kysely<Database>, organizationId: string, rawId: string) =>
  loadByIdentifier('person', rawId, (id) => repo.findPerson(db, organizationId, id));
