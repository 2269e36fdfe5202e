import { notFound } from './errors.ts';
import { parseIdentifier } from './hal.ts';

/**
 * What a URL identifier names, found by `find` (which looks only in the token's organization):
 * a 404 naming `what` when there is none, so another organization's is like a missing one.
 */
export async function loadByIdentifier<T>(what: string, rawId: string, find: (id: string) => Promise<T | undefined>): Promise<T> {
  const id = parseIdentifier(rawId);
  const found = id ? await find(id) : undefined;
  if (!found) throw notFound(what, rawId);
  return found;
}
