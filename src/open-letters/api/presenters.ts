import type { LetterSignature, OpenLetter } from '../tables.ts';
import { groupsOf, holdOf, spanishGroupsOf, targetsOf } from '../service.ts';
import { apiUrl, identifiers, link } from '../../kits/api/hal.ts';

// An open letter and its signatures as turnout's own resources, in the HAL style of Action
// Network's: its field names where it has them (title, description, target, browser_url,
// origin_system, referrer data), `turnout:` for the rest.

export function presentLetter(baseUrl: string, l: OpenLetter, now: string) {
  const self = apiUrl(baseUrl, `/open_letters/${l.id}`);
  const hold = holdOf(l, now);
  return {
    identifiers: identifiers(l.id),
    origin_system: l.origin_system,
    created_date: l.created_at,
    modified_date: l.modified_at,
    title: l.title,
    description: l.description,
    'turnout:letter_text': l.letter_text,
    'turnout:title_es': l.title_es ?? null,
    'turnout:description_es': l.description_es ?? null,
    'turnout:letter_text_es': l.letter_text_es ?? null,
    browser_url: `${baseUrl}/open_letters/${l.slug}`,
    target: targetsOf(l),
    'turnout:status': l.status,
    'turnout:deadline': l.deadline,
    'turnout:total_organizations': l.organization_count,
    'turnout:total_individuals': l.individual_count,
    'turnout:allow_individuals': l.allow_individuals === 1,
    'turnout:hold': { until_count: l.hold_until_count, until_date: l.hold_until_date, held: hold.held },
    'turnout:list_order': l.list_order,
    'turnout:featured_first': l.featured_first === 1,
    'turnout:groups': groupsOf(l),
    'turnout:groups_es': spanishGroupsOf(l),
    _links: {
      self: link(self),
      'turnout:signatures': link(`${self}/signatures`),
      'turnout:record_signature_helper': link(`${self}/signatures`),
    },
  };
}

export function presentLetterSignature(baseUrl: string, s: LetterSignature) {
  const letter = apiUrl(baseUrl, `/open_letters/${s.open_letter_id}`);
  return {
    identifiers: identifiers(s.id),
    origin_system: 'turnout',
    created_date: s.created_at,
    modified_date: s.modified_at,
    'turnout:signed_as': s.kind,
    'turnout:organization':
      s.kind === 'organization'
        ? { name: s.org_name, website: s.org_website, locality: s.city, region: s.region, country: s.country, role: s.signer_role, show_signer: s.show_signer === 1 }
        : null,
    'turnout:status': s.status,
    'turnout:moderation_reason': s.moderation_reason,
    'turnout:group': s.group_name,
    'turnout:featured': s.featured === 1,
    'turnout:confirmed': s.confirmed_at !== null,
    'action_network:person_id': s.person_id,
    'turnout:open_letter_id': s.open_letter_id,
    'action_network:referrer_data': { source: s.source, referrer: s.referrer },
    _links: {
      self: link(`${letter}/signatures/${s.id}`),
      'osdi:person': link(apiUrl(baseUrl, `/people/${s.person_id}`)),
      'turnout:open_letter': link(letter),
    },
  };
}
