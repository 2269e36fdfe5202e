import { decimalString } from '../money.ts';
import { offlineRef } from '../service.ts';
import { apiUrl, identifiers, link } from '../../kits/api/hal.ts';
import type { ApiDonation, PageWithTotals } from './repository.ts';

// A fundraising page and a donation as Action Network's resources (see src/kits/api/presenters.ts):
// amounts are strings with the currency's decimals ("1250.00"), turnout's own fields `turnout:`.

export function presentPage(baseUrl: string, p: PageWithTotals) {
  const self = apiUrl(baseUrl, `/fundraising_pages/${p.id}`);
  const money = (minor: number) => decimalString(minor, p.currency);
  return {
    identifiers: identifiers(p.id),
    origin_system: p.origin_system,
    created_date: p.created_at,
    modified_date: p.modified_at,
    title: p.title,
    description: p.description,
    // The Spanish versions (null: none; the English text is shown to Spanish readers).
    'turnout:title_es': p.title_es ?? null,
    'turnout:description_es': p.description_es ?? null,
    browser_url: `${baseUrl}/fundraising/${p.slug}`,
    currency: p.currency,
    // Paid gifts, less what was refunded; pledges, disputed and refunded gifts are not money received.
    total_donations: p.totals.donations,
    total_amount: money(p.totals.received_minor),
    'action_network:sponsor': { title: p.organization_name },
    'turnout:status': p.status,
    // The stored status stays open past the closing time: the page closes by itself at `closes_at`.
    'turnout:closes_at': p.closes_at ?? null,
    'turnout:processor': p.processor,
    'turnout:suggested_amounts': (JSON.parse(p.amounts) as number[]).map(money),
    'turnout:minimum_amount': money(p.min_minor),
    'turnout:maximum_amount': money(p.max_minor),
    'turnout:goal': p.goal_minor === null ? null : money(p.goal_minor),
    'turnout:allow_monthly': p.allow_monthly === 1,
    'turnout:offer_fee_cover': p.offer_fee_cover === 1,
    'turnout:actblue_form': p.actblue_form,
    'turnout:actblue_refcode': p.actblue_refcode,
    'turnout:total_donors': p.totals.donors,
    'turnout:total_pledged': money(p.totals.pledged_minor),
    'turnout:total_pledgers': p.totals.pledgers,
    _links: {
      self: link(self),
      'osdi:donations': link(`${self}/donations`),
      'osdi:record_donation_helper': link(`${self}/donations`),
    },
  };
}

/** OSDI's payment methods ("Credit Card", "Check", "Cash" …): Stripe and ActBlue charge cards. */
const METHOD: Record<ApiDonation['processor'], string> = {
  stripe: 'Credit Card',
  actblue: 'Credit Card',
  offline: 'Offline',
  pledge: 'Pledge',
};

/** The processor's reference: Stripe's PaymentIntent or invoice, ActBlue's line item, the API client's own; a pledge has none. */
function referenceNumber(d: ApiDonation): string | null {
  if (d.processor === 'pledge') return null; // its ref is the form's idempotency key, an HMAC nobody needs
  const prefix = offlineRef(d.organization_id, '');
  if (d.processor === 'offline' && d.processor_ref.startsWith(prefix)) return d.processor_ref.slice(prefix.length);
  return d.processor_ref;
}

export function presentDonation(baseUrl: string, d: ApiDonation) {
  const page = d.fundraising_page_id ? apiUrl(baseUrl, `/fundraising_pages/${d.fundraising_page_id}`) : null;
  const money = (minor: number) => decimalString(minor, d.currency);
  return {
    identifiers: identifiers(d.id),
    origin_system: d.processor === 'actblue' ? 'ActBlue' : 'turnout',
    created_date: d.created_at,
    modified_date: d.modified_at,
    amount: money(d.amount_minor),
    currency: d.currency,
    // The sponsor receives the whole gift.
    recipients: [{ display_name: d.organization_name, amount: money(d.amount_minor) }],
    payment: { method: METHOD[d.processor], reference_number: referenceNumber(d), authorization_stored: d.recurring_id !== null },
    'action_network:recurrence': d.recurring_period ? { recurring: true, period: d.recurring_period === 'weekly' ? 'Weekly' : 'Monthly' } : { recurring: false },
    'action_network:person_id': d.person_id,
    'action_network:fundraising_page_id': d.fundraising_page_id,
    'action_network:referrer_data': { source: d.source, referrer: d.referrer },
    'turnout:status': d.status,
    'turnout:refunded_amount': money(d.refunded_minor),
    'turnout:fee_cover_amount': money(d.fee_cover_minor),
    'turnout:processor': d.processor,
    _links: {
      self: link(page ? `${page}/donations/${d.id}` : apiUrl(baseUrl, `/donations/${d.id}`)),
      'osdi:person': link(apiUrl(baseUrl, `/people/${d.person_id}`)),
      ...(page ? { 'osdi:fundraising_page': link(page) } : {}),
    },
  };
}
