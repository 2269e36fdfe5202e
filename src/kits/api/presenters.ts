import type { Selectable } from 'kysely';
import type { Person, Petition, Signature, TagTable } from '../../db/schema.ts';
import { targetsOf } from '../../petitions/service.ts';
import { apiUrl, curies, identifiers, link } from './hal.ts';

// Presenters turn rows into Action Network's resources: only the fields listed here leave the
// server, under Action Network's names, with turnout's own fields in the `turnout:` namespace.

type PetitionRow = Pick<
  Petition,
  | 'id'
  | 'slug'
  | 'title'
  | 'description'
  | 'petition_text'
  | 'targets'
  | 'goal'
  | 'confirmation_required'
  | 'status'
  | 'signature_count'
  | 'origin_system'
  | 'created_at'
  | 'modified_at'
>;

export function presentPetition(baseUrl: string, p: PetitionRow) {
  const self = apiUrl(baseUrl, `/petitions/${p.id}`);
  return {
    identifiers: identifiers(p.id),
    origin_system: p.origin_system,
    created_date: p.created_at,
    modified_date: p.modified_at,
    title: p.title,
    description: p.description,
    petition_text: p.petition_text,
    browser_url: `${baseUrl}/petitions/${p.slug}`,
    target: targetsOf(p).map((t) => ({ name: t.name })),
    total_signatures: p.signature_count,
    'turnout:goal': p.goal,
    'turnout:confirmation_required': p.confirmation_required === 1,
    'turnout:status': p.status,
    _links: {
      self: link(self),
      'osdi:signatures': link(`${self}/signatures`),
      'osdi:record_signature_helper': link(`${self}/signatures`),
    },
  };
}

type SignatureRow = Pick<
  Signature,
  'id' | 'petition_id' | 'person_id' | 'comments' | 'source' | 'referrer' | 'confirmed_at' | 'created_at' | 'modified_at'
>;

export function presentSignature(baseUrl: string, s: SignatureRow) {
  const petition = apiUrl(baseUrl, `/petitions/${s.petition_id}`);
  return {
    identifiers: identifiers(s.id),
    origin_system: 'turnout',
    created_date: s.created_at,
    modified_date: s.modified_at,
    comments: s.comments,
    'action_network:person_id': s.person_id,
    'action_network:petition_id': s.petition_id,
    'action_network:referrer_data': { source: s.source, referrer: s.referrer },
    'turnout:confirmed': s.confirmed_at !== null,
    _links: {
      self: link(`${petition}/signatures/${s.id}`),
      'osdi:person': link(apiUrl(baseUrl, `/people/${s.person_id}`)),
      'osdi:petition': link(petition),
    },
  };
}

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
