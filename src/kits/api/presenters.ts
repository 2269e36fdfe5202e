import type { Selectable } from 'kysely';
import type { Person, TagTable } from '../../db/schema.ts';
import { apiUrl, curies, identifiers, link } from './hal.ts';

// Presenters turn rows into Action Network's resources: only the fields listed here leave the
// server, under Action Network's names, with turnout's own fields in the `turnout:` namespace.

type PersonRow = Pick<
  Person,
  'id' | 'email' | 'email_status' | 'given_name' | 'family_name' | 'postal_code' | 'country' | 'language' | 'created_at' | 'modified_at'
>;

export function presentPerson(baseUrl: string, p: PersonRow) {
  return {
    identifiers: identifiers(p.id),
    origin_system: 'turnout',
    created_date: p.created_at,
    modified_date: p.modified_at,
    given_name: p.given_name,
    family_name: p.family_name,
    // An erased person keeps their record (for counts) but has no address left to show.
    email_addresses: p.email ? [{ primary: true, address: p.email, status: p.email_status }] : [],
    postal_addresses:
      p.postal_code || p.country ? [{ primary: true, postal_code: p.postal_code, country: p.country }] : [],
    preferred_language: p.language,
    languages_spoken: p.language ? [p.language] : [],
    custom_fields: {},
    _links: {
      self: link(apiUrl(baseUrl, `/people/${p.id}`)),
      'osdi:signatures': link(apiUrl(baseUrl, `/people/${p.id}/signatures`)),
    },
  };
}

// Tags are never edited, so a tag's modified_date is when it was made.
export function presentTag(baseUrl: string, t: Pick<Selectable<TagTable>, 'id' | 'name' | 'created_at'>) {
  return {
    identifiers: identifiers(t.id),
    origin_system: 'turnout',
    created_date: t.created_at,
    modified_date: t.created_at,
    name: t.name,
    _links: { self: link(apiUrl(baseUrl, `/tags/${t.id}`)) },
  };
}

/** A single resource as a top-level document: its links gain the curies that expand `osdi:…`. */
export function document<T extends { _links: object }>(baseUrl: string, resource: T): T {
  return { ...resource, _links: { ...resource._links, curies: curies(baseUrl) } };
}
