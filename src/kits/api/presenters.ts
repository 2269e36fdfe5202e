import type { Selectable } from 'kysely';
import type { Person, TagTable, TaggingTable } from '../../db/schema.ts';
import { apiUrl, curies, identifiers, link } from './hal.ts';

// Presenters turn rows into Action Network's resources: only the fields listed here leave the
// server, under Action Network's names. A person carries exactly Action Network's person fields;
// other resources put turnout's own fields under `turnout:` keys, as Action Network puts its own
// under `action_network:` (src/kits/api/README.md).

type PersonRow = Pick<
  Person,
  | 'id'
  | 'email'
  | 'email_status'
  | 'given_name'
  | 'family_name'
  | 'postal_code'
  | 'country'
  | 'language'
  | 'address_lines'
  | 'locality'
  | 'region'
  | 'phone_number'
  | 'created_at'
  | 'modified_at'
>;

/** The street address lines kept as JSON; anything unreadable shows as none. */
function addressLines(raw: string | null): string[] {
  if (!raw) return [];
  try {
    const lines: unknown = JSON.parse(raw);
    return Array.isArray(lines) ? lines.filter((l): l is string => typeof l === 'string') : [];
  } catch {
    return [];
  }
}

function postalAddresses(p: PersonRow) {
  const lines = addressLines(p.address_lines);
  if (!p.postal_code && !p.country && !p.locality && !p.region && lines.length === 0) return [];
  return [
    {
      primary: true,
      ...(lines.length > 0 ? { address_lines: lines } : {}),
      ...(p.locality ? { locality: p.locality } : {}),
      ...(p.region ? { region: p.region } : {}),
      postal_code: p.postal_code,
      country: p.country,
    },
  ];
}

/** A person as Action Network shows one; `customFields` are theirs (src/people/custom-fields.ts). */
export function presentPerson(baseUrl: string, p: PersonRow, customFields: Record<string, string> = {}) {
  return {
    identifiers: identifiers(p.id),
    created_date: p.created_at,
    modified_date: p.modified_at,
    given_name: p.given_name,
    family_name: p.family_name,
    languages_spoken: p.language ? [p.language] : [],
    // An erased person keeps their record (for counts) but has no address left to show.
    email_addresses: p.email ? [{ primary: true, address: p.email, status: p.email_status }] : [],
    phone_numbers: p.phone_number ? [{ primary: true, number: p.phone_number }] : [],
    postal_addresses: postalAddresses(p),
    custom_fields: customFields,
    _links: {
      self: link(apiUrl(baseUrl, `/people/${p.id}`)),
      'osdi:signatures': link(apiUrl(baseUrl, `/people/${p.id}/signatures`)),
      'osdi:attendances': link(apiUrl(baseUrl, `/people/${p.id}/attendances`)),
      'osdi:donations': link(apiUrl(baseUrl, `/people/${p.id}/donations`)),
      'osdi:outreaches': link(apiUrl(baseUrl, `/people/${p.id}/outreaches`)),
      'osdi:taggings': link(apiUrl(baseUrl, `/people/${p.id}/taggings`)),
    },
  };
}

// Tags are never renamed, so a tag's modified_date is when it was made.
export function presentTag(baseUrl: string, t: Pick<Selectable<TagTable>, 'id' | 'name' | 'created_at'>) {
  return {
    identifiers: identifiers(t.id),
    created_date: t.created_at,
    modified_date: t.created_at,
    name: t.name,
    _links: {
      self: link(apiUrl(baseUrl, `/tags/${t.id}`)),
      'osdi:taggings': link(apiUrl(baseUrl, `/tags/${t.id}/taggings`)),
    },
  };
}

/** A person having a tag, as Action Network's tagging resource. */
export function presentTagging(baseUrl: string, t: Pick<Selectable<TaggingTable>, 'id' | 'tag_id' | 'person_id' | 'created_at'>) {
  return {
    identifiers: identifiers(t.id),
    created_date: t.created_at,
    modified_date: t.created_at,
    item_type: 'osdi:person',
    _links: {
      self: link(apiUrl(baseUrl, `/tags/${t.tag_id}/taggings/${t.id}`)),
      'osdi:tag': link(apiUrl(baseUrl, `/tags/${t.tag_id}`)),
      'osdi:person': link(apiUrl(baseUrl, `/people/${t.person_id}`)),
    },
  };
}

/** A single resource as a top-level document: its links gain the curies that expand `osdi:…`. */
export function document<T extends { _links: object }>(baseUrl: string, resource: T): T {
  return { ...resource, _links: { ...resource._links, curies: curies(baseUrl) } };
}
