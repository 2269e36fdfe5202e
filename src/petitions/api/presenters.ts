import type { Petition, Signature } from '../tables.ts';
import { targetsOf } from '../service.ts';
import { apiUrl, identifiers, link } from '../../kits/api/hal.ts';

// A petition and a signature as Action Network's resources (see src/kits/api/presenters.ts).

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
> & { closes_at?: string | null; title_es?: string | null; description_es?: string | null; petition_text_es?: string | null };

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
    'turnout:closes_at': p.closes_at ?? null,
    'turnout:title_es': p.title_es ?? null,
    'turnout:description_es': p.description_es ?? null,
    'turnout:petition_text_es': p.petition_text_es ?? null,
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

export function presentSignature(baseUrl: string, s: SignatureRow & { other_identifiers?: string[] }) {
  const petition = apiUrl(baseUrl, `/petitions/${s.petition_id}`);
  return {
    identifiers: [...identifiers(s.id), ...(s.other_identifiers ?? [])],
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
