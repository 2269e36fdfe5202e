// Telling that two signatures are one organization: the same website, or nearly the same name
// once case, accents, punctuation, a leading "The" and a legal form ("Inc.", "LLC", "A.C.") are
// set aside. Both are only flags: the organizer decides, and merges.

/** Legal forms at the end of a name, once dots are gone ("Inc." → "inc", "A.C." → "ac"). */
const LEGAL_FORMS = new Set(['inc', 'incorporated', 'llc', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company', 'pbc', 'nfp', 'ac', 'sa', 'sc', 'gmbh', 'ev']);
const LEADING = new Set(['the', 'la', 'el', 'los', 'las']);

/** The words of a name as duplicates compare them: lower case, no accents, no punctuation, "&" as "and". */
function words(name: string): string[] {
  const plain = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’.]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  const list = plain ? plain.split(' ') : [];
  while (list.length > 1 && LEADING.has(list[0]!)) list.shift();
  while (list.length > 1 && LEGAL_FORMS.has(list[list.length - 1]!)) list.pop();
  return list;
}

/** The key two names share when they are nearly the same: "The Face-Forward Coalition, Inc." and "face forward coalition" alike. */
export function organizationKey(name: string): string {
  return words(name).join('');
}

/** Hosts many organizations share: their page's first path segment tells them apart. */
const SHARED_HOSTS = new Set(['facebook.com', 'instagram.com', 'x.com', 'twitter.com', 'linktr.ee', 'sites.google.com', 'medium.com', 'linkedin.com', 'tiktok.com', 'youtube.com', 'github.com', 'bsky.app']);

/**
 * A website as typed ("example.org", "https://www.example.org/about") as an address to store and
 * the domain duplicates compare ("example.org"); null when it is not a web address.
 */
export function parseWebsite(raw: string): { url: string; domain: string } | null {
  const typed = raw.trim();
  if (!typed || typed.length > 300 || /\s/.test(typed)) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(typed) ? typed : `https://${typed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  // A name with a dot and a top-level domain of letters: not an IP address, not "localhost".
  if (!/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{2,59})$/.test(host)) return null;
  const bare = host.replace(/^(?:www|m)\./, '');
  const first = url.pathname.split('/').filter(Boolean)[0]?.toLowerCase();
  const domain = SHARED_HOSTS.has(bare) && first ? `${bare}/${first}` : bare;
  return { url: url.toString(), domain };
}

/** Edit distance, for a typo in a long name ("Coaliton"); small strings only. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 1) return 2;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

/** Whether two organizations look like one: the same domain, the same key, or keys of ten letters or more one typo apart. */
export function looksLikeSame(a: { org_key: string; org_domain: string | null }, b: { org_key: string; org_domain: string | null }): 'domain' | 'name' | null {
  if (a.org_domain && a.org_domain === b.org_domain) return 'domain';
  if (a.org_key && a.org_key === b.org_key) return 'name';
  if (a.org_key.length >= 10 && b.org_key.length >= 10 && distance(a.org_key, b.org_key) <= 1) return 'name';
  return null;
}

/** Pairs of organizations that look like one, each pair once, the older first. */
export function duplicatePairs<S extends { id: string; org_key: string; org_domain: string | null; created_at: string }>(signatures: S[]): { first: S; second: S; by: 'domain' | 'name' }[] {
  const sorted = [...signatures].sort((x, y) => x.created_at.localeCompare(y.created_at) || x.id.localeCompare(y.id));
  const pairs: { first: S; second: S; by: 'domain' | 'name' }[] = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const by = looksLikeSame(sorted[i]!, sorted[j]!);
      if (by) pairs.push({ first: sorted[i]!, second: sorted[j]!, by });
    }
  }
  return pairs;
}
