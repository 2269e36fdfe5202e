/** Makes a URL slug from a title: lower case ASCII words joined by hyphens. */
export function slugify(title: string, fallback = 'petition'): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return base || fallback;
}

// Far more than any title is ever reused; past it something else is wrong (say, a conflict the
// insert does not report as a taken slug).
const MAX_TRIES = 10_000;

/**
 * Inserts a row under the first free address of `base`, `base-2`, `base-3` … and returns it.
 * `insert` writes the row unless the slug is taken (`ON CONFLICT (slug) DO NOTHING`) and says
 * whether it did: checking and inserting are then one step, so two creations of the same title
 * at the same moment each get an address instead of one failing on the unique index. `taken`
 * skips the addresses already in use without trying to insert them.
 */
export async function insertUnderFreeSlug(
  base: string,
  taken: (slug: string) => Promise<boolean>,
  insert: (slug: string) => Promise<boolean>,
): Promise<string> {
  for (let n = 1; n <= MAX_TRIES; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (await taken(slug)) continue;
    if (await insert(slug)) return slug;
  }
  throw new Error(`no free web address for "${base}" after ${MAX_TRIES} tries`);
}
