import type { LetterCampaign, LetterTarget, Outreach } from '../tables.ts';
import { apiUrl, identifiers, link } from '../../kits/api/hal.ts';

// An advocacy campaign and an outreach as Action Network's resources; what it has no field for is `turnout:`.

/** A target's name in Action Network's two parts: the last word is the family name. */
function names(name: string) {
  const i = name.trim().lastIndexOf(' ');
  return i > 0 ? { given_name: name.slice(0, i).trim(), family_name: name.slice(i + 1).trim() } : { given_name: '', family_name: name.trim() };
}

export function presentTarget(t: Pick<LetterTarget, 'name' | 'title' | 'target_organization' | 'email' | 'state' | 'district' | 'kind' | 'status'>) {
  return {
    title: t.title,
    organization: t.target_organization,
    ...names(t.name),
    ...(t.state ? { postal_addresses: [{ region: t.state, country: 'US' }] } : {}),
    'turnout:name': t.name,
    'turnout:email_address': t.email,
    'turnout:district': t.district,
    'turnout:kind': t.kind,
    'turnout:status': t.status,
  };
}

export function presentCampaign(baseUrl: string, c: LetterCampaign, targets: LetterTarget[]) {
  const self = apiUrl(baseUrl, `/advocacy_campaigns/${c.id}`);
  return {
    identifiers: identifiers(c.id),
    origin_system: c.origin_system,
    created_date: c.created_at,
    modified_date: c.modified_at,
    title: c.title,
    description: c.description,
    browser_url: `${baseUrl}/letters/${c.slug}`,
    type: 'email',
    targets: targets.map(presentTarget),
    total_outreaches: c.outreach_count,
    'turnout:slug': c.slug,
    'turnout:status': c.status,
    // The stored status stays open past the closing time: the campaign closes by itself at `closes_at`.
    'turnout:closes_at': c.closes_at ?? null,
    'turnout:subject': c.subject,
    'turnout:subject_editable': c.subject_editable === 1,
    'turnout:letter_opening': c.letter_opening,
    'turnout:letter_body': c.letter_body,
    'turnout:body_editable': c.body_editable === 1,
    'turnout:letter_closing': c.letter_closing,
    'turnout:body_max_length': c.body_max_length,
    'turnout:ask_address': c.ask_address === 1,
    'turnout:target_mode': c.target_mode,
    'turnout:hourly_cap': c.hourly_cap,
    'turnout:window_start': c.window_start,
    'turnout:window_end': c.window_end,
    'turnout:time_zone': c.time_zone,
    // The Spanish versions (null: none; the English text is shown to Spanish readers).
    'turnout:title_es': c.title_es ?? null,
    'turnout:description_es': c.description_es ?? null,
    'turnout:subject_es': c.subject_es ?? null,
    'turnout:letter_opening_es': c.letter_opening_es ?? null,
    'turnout:letter_body_es': c.letter_body_es ?? null,
    'turnout:letter_closing_es': c.letter_closing_es ?? null,
    _links: {
      self: link(self),
      'osdi:outreaches': link(`${self}/outreaches`),
      'osdi:record_outreach_helper': link(`${self}/outreaches`),
    },
  };
}

export interface SendOfOutreach {
  outreach_id: string;
  status: string;
  sent_at: string | null;
  name: string;
  title: string;
  target_organization: string;
  state: string | null;
  district: string | null;
}

export function presentOutreach(baseUrl: string, o: Outreach, sends: SendOfOutreach[]) {
  const campaign = apiUrl(baseUrl, `/advocacy_campaigns/${o.campaign_id}`);
  return {
    identifiers: identifiers(o.id),
    origin_system: 'turnout',
    created_date: o.created_at,
    modified_date: o.modified_at,
    action_date: o.created_at,
    type: 'email',
    subject: o.subject,
    message: o.body,
    targets: sends
      .filter((s) => s.outreach_id === o.id)
      .map((s) => ({ title: s.title, organization: s.target_organization, ...names(s.name), 'turnout:delivery': s.status, 'turnout:sent_date': s.sent_at })),
    'action_network:person_id': o.person_id,
    'action_network:advocacy_campaign_id': o.campaign_id,
    'action_network:referrer_data': { source: o.source, referrer: o.referrer },
    _links: {
      self: link(`${campaign}/outreaches/${o.id}`),
      'osdi:person': link(apiUrl(baseUrl, `/people/${o.person_id}`)),
      'osdi:advocacy_campaign': link(campaign),
    },
  };
}
