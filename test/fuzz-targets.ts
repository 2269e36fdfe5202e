// What the fuzz suites send to each write route: the valid parameters of its URL and a plausible
// body that fast-check then makes hostile (test/fuzz-support.ts). Every POST, PUT, PATCH and
// DELETE route the app registers must be here or in EXCLUDED with a reason: test/fuzz-routes.test.ts
// reads the router and fails on one that is neither.
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { formInput, formRequest, FUZZ_SITE, hostileJson, hostileString, jsonInput, publicExtras, withQuery, type World } from './fuzz-support.ts';
import { nextWeek } from './event-campaigns-support.ts';

export interface Target {
  /** The URL's parameters that reach the record (a valid slug, id, token). */
  params?: (w: World) => Record<string, string>;
  /** A page whose form fields are fuzzed too (so a field added to the form is not left out). */
  page?: (w: World) => string;
  /** A plausible form body; each field is made hostile, repeated or left out. */
  form?: (w: World) => Record<string, string>;
  /** A valid JSON body (the API), mutated part by part. */
  json?: (w: World) => unknown;
  /** A public page: `?source=`, `?lang=`, Referer and Accept-Language are fuzzed as well. */
  public?: boolean;
  /** A file upload (multipart/form-data): a CSV of hostile cells under a hostile file name. */
  multipart?: boolean;
  /** Headers every request carries (the embeds' endpoints take only a listed `Origin`). */
  headers?: (w: World) => Record<string, string>;
}

/** A well-formed id that names nothing: the route answers 404 (and its parsing is still fuzzed). */
const NOBODY = '00000000-0000-4000-8000-000000000000';
const fund = (w: World) => w.fundraising ?? { id: NOBODY, slug: 'no-such-page' };
const letter = (w: World) => w.letter ?? { id: NOBODY, slug: 'no-such-letter', signatureId: NOBODY };
const letterId = (w: World) => ({ id: letter(w).id });
const advocacyId = (w: World) => ({ id: w.advocacy?.id ?? NOBODY });
const mailingId = (w: World) => ({ id: w.mailing?.id ?? NOBODY });
const advocacy = (w: World) => w.advocacy ?? { id: NOBODY, slug: 'no-such-campaign' };
const formOf = (w: World) => w.form ?? { id: NOBODY, slug: 'no-such-form' };
const answers = { q_short: 'Blue team', q_long: 'Line one.\nLine two.', q_one: 'M', q_many: 'Sat', q_box: 'yes' };

const person = { given_name: 'Ana', family_name: 'Ruiz', email: 'ana@fuzz.example', postal_code: '60605' };
const lang = { lang: 'en' };
const eventFields = () => ({
  lang: 'en',
  title: 'Teach-in',
  description: 'Bring a friend.',
  instructions: 'Side door.',
  start_date: nextWeek(10),
  start_time: '18:30',
  end_date: nextWeek(10),
  end_time: '20:00',
  timezone: 'America/Chicago',
  location_type: 'in_person',
  venue: 'Library',
  address_lines: '1703 Orrington Ave',
  locality: 'Evanston',
  region: 'IL',
  postal_code: '60201',
  country: 'US',
  join_url: '',
  capacity: '20',
  visibility: 'public',
});

/** The forms anyone can post, without an account (the sign-in forms of the console too). */
export const PUBLIC_TARGETS: Record<string, Target> = {
  'POST /petitions/:slug': {
    public: true,
    params: (w) => ({ slug: w.petition.slug }),
    page: (w) => `/petitions/${w.petition.slug}`,
    form: () => ({ ...lang, ...person, country: 'US', comments: 'Because it matters.', opt_in: 'yes', share: '' }),
  },
  'POST /petitions/:slug/confirm/:signatureId/:token': {
    public: true,
    params: (w) => ({ slug: w.confirmPetition.slug, signatureId: w.confirmPetition.signatureId, token: w.confirmPetition.token }),
    form: () => lang,
  },
  'POST /forms/:slug': {
    public: true,
    params: (w) => ({ slug: formOf(w).slug }),
    page: (w) => `/forms/${formOf(w).slug}`,
    form: () => ({ ...lang, ...person, ...answers, opt_in: 'yes' }),
  },
  'POST /events/:slug': {
    public: true,
    params: (w) => ({ slug: w.event.slug }),
    page: (w) => `/events/${w.event.slug}`,
    form: () => ({ ...lang, ...person, phone: '(312) 555-0100', opt_in: 'yes', share: '' }),
  },
  'POST /events/:slug/attendances/:attendanceId/:token/cancel': {
    public: true,
    params: (w) => ({ slug: w.event.slug, attendanceId: w.attendance.id, token: w.attendance.token }),
    form: () => lang,
  },
  'POST /events/:slug/host/:token': {
    params: (w) => ({ slug: w.hosted.slug, token: w.hosted.token }),
    page: (w) => `/events/${w.hosted.slug}/host/${w.hosted.token}`,
    form: eventFields,
  },
  'POST /events/:slug/host/:token/check-in': {
    params: (w) => ({ slug: w.hosted.slug, token: w.hosted.token }),
    form: (w) => ({ ...lang, attendance_id: w.hosted.attendanceId, attended: 'yes' }),
  },
  'POST /events/:slug/host/:token/message': {
    params: (w) => ({ slug: w.hosted.slug, token: w.hosted.token }),
    form: () => ({ ...lang, subject: 'See you Tuesday', body: 'Bring a friend.' }),
  },
  'POST /event_campaigns/:slug/host': {
    public: true,
    params: (w) => ({ slug: w.campaign.slug }),
    page: (w) => `/event_campaigns/${w.campaign.slug}/host`,
    form: () => ({ ...eventFields(), host_name: 'Rosa Parks', host_email: 'rosa@fuzz.example' }),
  },
  'POST /event_campaigns/:slug/host/confirm/:eventId/:token': {
    public: true,
    params: (w) => ({ slug: w.campaign.slug, eventId: w.offer.id, token: w.offer.token }),
    form: () => lang,
  },
  'POST /fundraising/:slug': {
    public: true,
    params: (w) => ({ slug: fund(w).slug }),
    page: (w) => `/fundraising/${fund(w).slug}`,
    form: () => ({ ...lang, ...person, form_id: 'fuzz-form-000000000001', amount: 'other', other_amount: '25', frequency: 'once', cover_fees: '', opt_in: 'yes' }),
  },
  'POST /letters/:slug': {
    public: true,
    params: (w) => ({ slug: advocacy(w).slug }),
    page: (w) => `/letters/${advocacy(w).slug}`,
    form: () => ({ ...lang, ...person, country: 'US', street_address: '1 State St', subject: 'Please act', body: 'Act now, <b>please</b>.', opt_in: 'yes', share: '' }),
  },
  'POST /fundraising/recurring/:id/:token': { public: true, params: () => ({ id: NOBODY, token: 'x'.repeat(43) }), form: () => lang },
  'POST /webhooks/stripe': { json: () => ({ id: 'evt_1', type: 'checkout.session.completed', data: { object: { id: 'cs_1', amount_total: 2500, currency: 'usd', metadata: { checkout: NOBODY } } } }) },
  'POST /webhooks/actblue/:org': {
    params: (w) => ({ org: w.orgSlug }),
    json: () => ({ contribution: { orderNumber: 'AB1', createdAt: '2024-05-01T12:00:00Z' }, donor: { firstname: 'Ana', lastname: 'Ruiz', email: 'ana@fuzz.example', zip: '60605' }, lineitems: [{ amount: '25.00', entityId: 1 }] }),
  },
  'POST /open_letters/:slug': {
    public: true,
    params: (w) => ({ slug: letter(w).slug }),
    page: (w) => `/open_letters/${letter(w).slug}`,
    form: () => ({ ...lang, ...person, organization: 'Signing Org', role: 'Director', locality: 'Chicago', website: 'https://org.example', opt_in: 'yes' }),
  },
  'POST /open_letters/:slug/confirm/:signatureId/:token': { public: true, params: (w) => ({ slug: letter(w).slug, signatureId: letter(w).signatureId, token: 'x'.repeat(43) }), form: () => lang },
  'POST /unsubscribe/:mailingId/:personId/:token': { public: true, params: (w) => ({ mailingId: NOBODY, personId: w.personId, token: 'x'.repeat(43) }), form: () => lang },
  'POST /webhooks/mail/:provider/:token': {
    params: () => ({ provider: 'postmark', token: 'x'.repeat(43) }),
    json: () => ({ RecordType: 'Bounce', Type: 'HardBounce', Email: 'ana@fuzz.example', MessageID: NOBODY, BouncedAt: '2024-05-01T12:00:00Z' }),
  },
  'POST /embed/v1/petitions/:slug': {
    params: (w) => ({ slug: w.petition.slug }),
    headers: () => ({ origin: FUZZ_SITE }),
    json: () => ({ ...lang, ...person, country: 'US', comments: 'Because.', opt_in: 'yes', share: [], source: 'site' }),
  },
  'POST /embed/v1/events/:slug': {
    params: (w) => ({ slug: w.event.slug }),
    headers: () => ({ origin: FUZZ_SITE }),
    json: () => ({ ...lang, ...person, phone: '(312) 555-0100', opt_in: 'yes', share: [] }),
  },
  'POST /embed/v1/forms/:slug': {
    params: (w) => ({ slug: formOf(w).slug }),
    headers: () => ({ origin: FUZZ_SITE }),
    json: () => ({ ...lang, ...person, ...answers, opt_in: 'yes' }),
  },
  'POST /embed/forms/:slug': {
    public: true,
    params: (w) => ({ slug: formOf(w).slug }),
    page: (w) => `/embed/forms/${formOf(w).slug}`,
    form: () => ({ ...lang, ...person, ...answers, opt_in: 'yes', site: FUZZ_SITE }),
  },
  'POST /embed/petitions/:slug': {
    public: true,
    params: (w) => ({ slug: w.petition.slug }),
    page: (w) => `/embed/petitions/${w.petition.slug}`,
    form: () => ({ ...lang, ...person, country: 'US', comments: 'Because.', opt_in: 'yes', site: FUZZ_SITE }),
  },
  'POST /embed/events/:slug': {
    public: true,
    params: (w) => ({ slug: w.event.slug }),
    page: (w) => `/embed/events/${w.event.slug}`,
    form: () => ({ ...lang, ...person, phone: '(312) 555-0100', opt_in: 'yes', site: FUZZ_SITE }),
  },
  'POST /admin/sign-in': { page: () => '/admin/sign-in', form: () => ({ email: 'owner@fuzz.example', password: 'plum orchard lantern 42', next: '/admin' }) },
  'POST /admin/password-reset': { page: () => '/admin/password-reset', form: () => ({ email: 'owner@fuzz.example' }) },
  'POST /admin/links/:id/:token': {
    params: (w) => ({ id: w.link.id, token: w.link.token }),
    page: (w) => `/admin/links/${w.link.id}/${w.link.token}`,
    form: () => ({ name: 'New Member', password: 'plum orchard lantern 42', password_confirm: 'plum orchard lantern 42' }),
  },
};

const osdiPerson = { given_name: 'Ana', family_name: 'Ruiz', email_addresses: [{ address: 'ana@fuzz.example', status: 'subscribed' }], postal_addresses: [{ postal_code: '60605', country: 'US' }], languages_spoken: ['es'] };
const personDetails = {
  postal_addresses: [{ address_lines: ['1 Main St', 'Apt 2'], locality: 'Chicago', region: 'IL', postal_code: '60605', country: 'US' }],
  phone_numbers: [{ number: '+1 312 555 0100' }],
  languages_spoken: ['es'],
  custom_fields: { shirt: 'L', 'Volunteer interest': 'canvassing' },
};
const referral = { 'action_network:referrer_data': { source: 'fuzz', referrer: 'partner' } };
const apiEvent = () => ({
  title: 'Town hall',
  description: 'Ask the council.',
  instructions: 'Side door.',
  start_date: `${nextWeek()}T18:00:00`,
  end_date: `${nextWeek()}T20:00:00`,
  timezone_identifier: 'America/Chicago',
  capacity: 20,
  visibility: 'public',
  status: 'confirmed',
  location: { venue: 'Council chambers', address_lines: ['121 N LaSalle St'], locality: 'Chicago', region: 'IL', postal_code: '60602', country: 'US', location: { latitude: 41.88, longitude: -87.63 } },
});

/** Every write route of /api/v2, sent with the organization's OSDI-API-Token. */
export const API_TARGETS: Record<string, Target> = {
  'POST /api/v2/petitions': { json: () => ({ title: 'Stop it', description: 'Why.', petition_text: 'Stop.', target: [{ name: 'CEO' }], 'turnout:goal': 100, origin_system: 'CRM' }) },
  'PUT /api/v2/petitions/:id': { params: (w) => ({ id: w.petition.id }), json: () => ({ title: 'Renamed', description: 'Why.', petition_text: 'Stop.', target: [{ name: 'CEO' }], 'turnout:goal': 10 }) },
  'POST /api/v2/petitions/:id/signatures': {
    params: (w) => ({ id: w.petition.id }),
    json: () => ({ person: osdiPerson, comments: 'Because.', add_tags: ['fuzz'], triggers: { autoresponse: { enabled: true } }, ...referral }),
  },
  'POST /api/v2/forms': { json: () => ({ title: 'Volunteer', description: 'Help **us**.', origin_system: 'CRM', 'turnout:questions': [{ kind: 'one_choice', label: 'When?', options: ['Day', 'Night'], required: true, field: 'shift' }] }) },
  'PUT /api/v2/forms/:id': { params: (w) => ({ id: formOf(w).id }), json: () => ({ title: 'Renamed form', description: 'Now *open*.', 'turnout:status': 'open' }) },
  'POST /api/v2/forms/:id/submissions': {
    params: (w) => ({ id: formOf(w).id }),
    json: () => ({ person: { ...osdiPerson, custom_fields: { team: 'Blue' } }, 'turnout:answers': { one: 'M', many: ['Sat', 'Sun'], box: 'yes' }, add_tags: ['fuzz'], triggers: { autoresponse: { enabled: true } }, ...referral }),
  },
  'POST /api/v2/people': { json: () => ({ person: { ...osdiPerson, ...personDetails, identifiers: ['fuzzcrm:signup'] }, add_tags: ['fuzz', 'api'] }) },
  'PUT /api/v2/people/:id': { params: (w) => ({ id: w.personId }), json: () => ({ given_name: 'Renamed', email_addresses: [{ address: 'ana@fuzz.example', status: 'unsubscribed' }], ...personDetails, identifiers: ['fuzzcrm:put'] }) },
  'POST /api/v2/tags': { json: () => ({ name: 'fuzz tag' }) },
  'POST /api/v2/tags/:id/taggings': { params: (w) => ({ id: w.tagging.tagId }), json: (w) => ({ _links: { 'osdi:person': { href: `http://localhost/api/v2/people/${w.personId}` } }, person: { identifiers: [`action_network:${w.personId}`] } }) },
  'DELETE /api/v2/tags/:id/taggings/:taggingId': { params: (w) => ({ id: w.tagging.tagId, taggingId: w.tagging.id }) },
  'POST /api/v2/events': { json: apiEvent },
  'PUT /api/v2/events/:id': { params: (w) => ({ id: w.event.id }), json: () => ({ title: 'Renamed', capacity: 30, start_date: `${nextWeek()}T19:00:00`, end_date: `${nextWeek()}T21:00:00` }) },
  'POST /api/v2/events/:id/attendances': {
    params: (w) => ({ id: w.event.id }),
    json: () => ({ person: { ...osdiPerson, phone_numbers: [{ number: '(312) 555-0100' }] }, comment: 'Wheelchair.', add_tags: ['fuzz'], triggers: { autoresponse: { enabled: true } }, ...referral }),
  },
  'POST /api/v2/event_campaigns': { json: () => ({ title: 'Week of action', description: 'Everywhere.', origin_system: 'Sync', identifiers: ['sync:1'] }) },
  'PUT /api/v2/event_campaigns/:id': { params: (w) => ({ id: w.campaign.id }), json: () => ({ title: 'Renamed week', description: null, 'turnout:status': 'open', identifiers: ['sync:week'] }) },
  'PUT /api/v2/events/:id/attendances/:attendanceId': {
    params: (w) => ({ id: w.event.id, attendanceId: w.attendance.id }),
    json: () => ({ comment: 'Bringing chairs.', attended: true, status: 'accepted', 'action_network:referrer_data': { source: 'email' }, 'turnout:phone_number': '(312) 555-0100', identifiers: ['door:1'] }),
  },
  'PUT /api/v2/petitions/:id/signatures/:signatureId': {
    params: (w) => ({ id: w.confirmPetition.id, signatureId: w.confirmPetition.signatureId }),
    json: () => ({ comments: 'Changed my mind.', 'action_network:referrer_data': { source: 'email', referrer: 'partner' }, identifiers: ['crm:1'] }),
  },
  'POST /api/v2/open_letters': { json: () => ({ title: 'Open letter', description: 'Sign on.', 'turnout:letter_text': 'We ask.', target: [{ name: 'Council' }], 'turnout:allow_individuals': true, 'turnout:hold_until_count': 10 }) },
  'PUT /api/v2/open_letters/:id': { params: (w) => ({ id: letter(w).id }), json: () => ({ title: 'Renamed letter', 'turnout:title_es': 'Carta', 'turnout:groups': ['National'], 'turnout:hold_until_count': null }) },
  'POST /api/v2/open_letters/:id/signatures': {
    params: letterId,
    json: () => ({ person: osdiPerson, 'turnout:organization': { name: 'Signing Org', website: 'https://org.example', locality: 'Chicago', region: 'IL', country: 'US', role: 'Director', show_signer: true }, ...referral }),
  },
  'POST /api/v2/messages': { json: () => ({ subject: 'News', body: 'Hello there.', from: 'Fuzz Org', reply_to: 'reply@fuzz.example', targets: [{ name: 'fuzz' }] }) },
  'PUT /api/v2/messages/:id': { params: mailingId, json: () => ({ subject: 'News again', body: 'Hello again.', targets: [{ name: 'fuzz' }] }) },
  'POST /api/v2/messages/:id/send': { params: mailingId, json: () => ({}) },
  'POST /api/v2/messages/:id/schedule': { params: mailingId, json: () => ({ scheduled_start_date: '2099-01-01T12:00:00Z' }) },
  'POST /api/v2/fundraising_pages': { json: () => ({ title: 'Fund us', description: 'Give.', currency: 'USD', 'turnout:goal': 1000, 'turnout:suggested_amounts': [10, 25, 50] }) },
  'PUT /api/v2/fundraising_pages/:id': { params: (w) => ({ id: fund(w).id }), json: () => ({ title: 'Renamed fund', description: 'Give more.', 'turnout:goal': 2000, 'turnout:closes_at': '2099-06-30' }) },
  'POST /api/v2/fundraising_pages/:id/donations': {
    params: (w) => ({ id: fund(w).id }),
    json: () => ({ person: osdiPerson, recipients: [{ display_name: 'Fuzz Org', amount: '10.00' }], currency: 'USD', payment: { method: 'check', reference_number: '123' }, created_date: '2024-05-01T12:00:00Z', ...referral }),
  },
  'POST /api/v2/advocacy_campaigns': {
    json: () => ({ title: 'Write the council', description: 'Why.', 'turnout:subject': 'Act', 'turnout:letter_body': 'Please act.', 'turnout:hourly_cap': 30, 'turnout:time_zone': 'America/Chicago', targets: [{ given_name: 'Bo', family_name: 'Chen', title: 'Mayor', organization: 'City', 'turnout:email_address': 'bo@city.example' }] }),
  },
  'PUT /api/v2/advocacy_campaigns/:id': { params: advocacyId, json: () => ({ title: 'Renamed', 'turnout:window_start': '08:00', 'turnout:window_end': '18:00', 'turnout:status': 'open', 'turnout:closes_at': '2099-06-30' }) },
  'POST /api/v2/advocacy_campaigns/:id/outreaches': {
    params: advocacyId,
    json: () => ({ person: osdiPerson, subject: 'Please act', message: 'Act now.', add_tags: ['fuzz'], ...referral }),
  },
  'POST /api/v2/event_campaigns/:id/events': { params: (w) => ({ id: w.campaign.id }), json: () => ({ ...apiEvent(), contact: { name: 'Kim Host', email_address: 'kim@fuzz.example' } }) },
};


/** The console, behind an owner's session and its CSRF token (fewer inputs: CONSOLE_INPUTS). */
export const CONSOLE_TARGETS: Record<string, Target> = {
  'POST /admin/petitions/new': { page: () => '/admin/petitions/new', form: () => ({ title: 'New petition', description: 'Why.', petition_text: 'Do it.', targets: 'Council', goal: '100', status: 'open' }) },
  'POST /admin/petitions/:id/edit': { params: (w) => ({ id: w.petition.id }), page: (w) => `/admin/petitions/${w.petition.id}/edit` },
  'POST /admin/petitions/:id/open': { params: (w) => ({ id: w.petition.id }) },
  'POST /admin/forms/new': {
    page: () => '/admin/forms/new',
    form: () => ({ title: 'New form', slug: '', description: 'Why.', status: 'open', q0_kind: 'one_choice', q0_label: 'When?', q0_options: 'Day\nNight', q0_required: 'yes', q0_field: '', q0_order: '1', q1_kind: 'short_text', q1_label: '', q1_order: '2' }),
  },
  'POST /admin/forms/:id/edit': { params: (w) => ({ id: formOf(w).id }), page: (w) => `/admin/forms/${formOf(w).id}/edit` },
  'POST /admin/forms/:id/open': { params: (w) => ({ id: formOf(w).id }) },
  'POST /admin/forms/:id/close': { params: (w) => ({ id: formOf(w).id }) },
  'POST /admin/petitions/:id/close': { params: (w) => ({ id: w.petition.id }) },
  'POST /admin/petitions/:id/challenge': { params: (w) => ({ id: w.petition.id }), page: (w) => `/admin/petitions/${w.petition.id}/abuse`, form: () => ({ challenge: 'always' }) },
  'POST /admin/petitions/:id/invalidations': {
    params: (w) => ({ id: w.petition.id }),
    page: (w) => `/admin/petitions/${w.petition.id}/abuse`,
    form: () => ({ from: '2020-01-01T00:00', before: '2099-01-01T00:00', source: 'spam', email_domain: 'example.net', reason: 'A bot.' }),
  },
  'POST /admin/petitions/:id/invalidations/:invalidationId/undo': { params: (w) => ({ id: w.petition.id, invalidationId: NOBODY }) },
  'POST /admin/petitions/:id/partners': { params: (w) => ({ id: w.petition.id }), page: (w) => `/admin/petitions/${w.petition.id}/partners`, form: () => ({ partner: 'other-org', partner_id: '00000000-0000-4000-8000-000000000000' }) },
  'POST /admin/petitions/:id/partners/:partnershipId/remove': { params: (w) => ({ id: w.petition.id, partnershipId: NOBODY }) },
  'POST /admin/petitions/:id/deliveries': { params: (w) => ({ id: w.petition.id }), page: (w) => `/admin/petitions/${w.petition.id}`, form: () => ({ delivered_on: '2099-01-01', recipient: 'Council', note: 'By hand.' }) },
  'POST /admin/petitions/:id/deliveries/:deliveryId/delete': { params: (w) => ({ id: w.petition.id, deliveryId: NOBODY }) },
  'POST /admin/people/:id/tags': { params: (w) => ({ id: w.personId }), page: (w) => `/admin/people/${w.personId}`, form: () => ({ tag: 'volunteer' }) },
  'POST /admin/people/:id/tags/remove': { params: (w) => ({ id: w.personId }), form: () => ({ tag: 'volunteer' }) },
  'POST /admin/people/:id/erase': { params: (w) => ({ id: w.personId }) },
  'POST /admin/partnerships/:id/accept': { params: () => ({ id: NOBODY }) },
  'POST /admin/partnerships/:id/decline': { params: () => ({ id: NOBODY }) },
  'POST /admin/events/new': { page: () => '/admin/events/new', form: eventFields },
  'POST /admin/events/:id/edit': { params: (w) => ({ id: w.event.id }), page: (w) => `/admin/events/${w.event.id}/edit`, form: eventFields },
  'POST /admin/events/:id/capacity': { params: (w) => ({ id: w.event.id }), page: (w) => `/admin/events/${w.event.id}`, form: () => ({ capacity: '10' }) },
  'POST /admin/events/:id/cancel': { params: (w) => ({ id: w.event.id }), page: (w) => `/admin/events/${w.event.id}/cancel` },
  'POST /admin/events/:id/challenge': { params: (w) => ({ id: w.event.id }), page: (w) => `/admin/events/${w.event.id}`, form: () => ({ challenge: 'always' }) },
  'POST /admin/events/:id/attendances/:attendanceId/check-in': { params: (w) => ({ id: w.event.id, attendanceId: w.attendance.id }), form: () => ({ attended: 'yes' }) },
  'POST /admin/events/:id/partners': { params: (w) => ({ id: w.event.id }), form: () => ({ partner: 'other-org' }) },
  'POST /admin/events/:id/partners/:partnershipId/remove': { params: (w) => ({ id: w.event.id, partnershipId: NOBODY }) },
  'POST /admin/event-campaigns': { page: () => '/admin/event-campaigns', form: () => ({ title: 'Week', description: 'Events.', status: 'open' }) },
  'POST /admin/event-campaigns/:id': { params: (w) => ({ id: w.campaign.id }), page: (w) => `/admin/event-campaigns/${w.campaign.id}` },
  'POST /admin/event-campaigns/:id/events/:eventId/revoke-host-link': { params: (w) => ({ id: w.campaign.id, eventId: w.hosted.id }), form: () => ({ send: 'yes' }) },
  'POST /admin/event-campaigns/:id/moderation/:eventId/approve': { params: (w) => ({ id: w.campaign.id, eventId: w.moderated.id }), form: () => ({ trust: 'yes' }) },
  'POST /admin/event-campaigns/:id/moderation/:eventId/reject': { params: (w) => ({ id: w.campaign.id, eventId: w.moderated.id }) },
  'POST /admin/event-campaigns/:id/trusted-hosts/remove': { params: (w) => ({ id: w.campaign.id }), form: () => ({ email: 'host@fuzz.example' }) },
  'POST /admin/event-campaigns/:id/events/new': {
    params: (w) => ({ id: w.campaign.id }),
    page: (w) => `/admin/event-campaigns/${w.campaign.id}/events/new`,
    form: () => ({ ...eventFields(), address_line1: '1 Main St', address_public: 'yes', host_name: 'Rosa Parks', host_email: 'rosa@fuzz.example' }),
  },
  'POST /admin/event-campaigns/:id/import': { params: (w) => ({ id: w.campaign.id }), multipart: true, form: () => ({}) },
  'POST /admin/event-campaigns/:id/import/commit': {
    params: (w) => ({ id: w.campaign.id }),
    form: () => ({ csv: `title,start_date,start_time,end_time,timezone,location_type,address_line1,city,state,postal_code\nTeach-in,${nextWeek(10)},18:00,20:00,America/Chicago,in_person,1 Main St,Evanston,IL,60201\n` }),
  },
  'POST /admin/fundraising/new': { page: () => '/admin/fundraising/new', form: () => ({ title: 'Fund', description: 'Give.', currency: 'USD' }) },
  'POST /admin/fundraising/settings': { page: () => '/admin/fundraising/settings' },
  'POST /admin/fundraising/:id/edit': { params: (w) => ({ id: fund(w).id }), page: (w) => `/admin/fundraising/${fund(w).id}/edit` },
  'POST /admin/fundraising/:id/partners': { params: (w) => ({ id: fund(w).id }), form: () => ({ partner: 'other-org' }) },
  'POST /admin/fundraising/:id/partners/:partnershipId/remove': { params: (w) => ({ id: fund(w).id, partnershipId: NOBODY }) },
  'POST /admin/open_letters/new': { page: () => '/admin/open_letters/new', form: () => ({ title: 'Letter', description: 'Sign on.', letter_text: 'We ask.', status: 'open' }) },
  'POST /admin/open_letters/trusted/:trustedId/delete': { params: () => ({ trustedId: NOBODY }) },
  'POST /admin/open_letters/:id/edit': { params: letterId, page: (w) => `/admin/open_letters/${letter(w).id}/edit` },
  'POST /admin/open_letters/:id/open': { params: letterId },
  'POST /admin/open_letters/:id/close': { params: letterId },
  'POST /admin/open_letters/:id/deliveries': { params: letterId, page: (w) => `/admin/open_letters/${letter(w).id}`, form: () => ({ delivered_on: '2099-01-01', recipient: 'Council', note: 'By hand.' }) },
  'POST /admin/open_letters/:id/deliveries/:deliveryId/delete': { params: (w) => ({ id: letter(w).id, deliveryId: NOBODY }) },
  'POST /admin/open_letters/:id/signatures/:signatureId/moderate': { params: (w) => ({ id: letter(w).id, signatureId: letter(w).signatureId }), form: () => ({ decision: 'approve' }) },
  'POST /admin/open_letters/:id/signatures/:signatureId/place': { params: (w) => ({ id: letter(w).id, signatureId: letter(w).signatureId }), form: () => ({ featured: 'yes', position: '1' }) },
  'POST /admin/open_letters/:id/signatures/:signatureId/trust': { params: (w) => ({ id: letter(w).id, signatureId: letter(w).signatureId }) },
  'POST /admin/open_letters/:id/merge': { params: letterId, form: (w) => ({ keep: letter(w).signatureId, merge: NOBODY }) },
  'POST /admin/open_letters/:id/partners': { params: letterId, form: () => ({ partner: 'other-org' }) },
  'POST /admin/open_letters/:id/partners/:partnershipId/remove': { params: (w) => ({ id: letter(w).id, partnershipId: NOBODY }) },
  'POST /admin/letters/new': {
    page: () => '/admin/letters/new',
    form: () => ({ title: 'Write to the council', description: 'Ask them.', subject: 'Please act', subject_editable: 'yes', letter_opening: 'I live here.', letter_body: 'Act.', body_editable: 'yes', letter_closing: 'Thanks.', body_max_length: '2000', target_mode: 'fixed', hourly_cap: '30', window_start: '09:00', window_end: '17:00', time_zone: 'America/Chicago', status: 'open' }),
  },
  'POST /admin/letters/:id/edit': { params: advocacyId, page: (w) => `/admin/letters/${advocacy(w).id}/edit` },
  'POST /admin/letters/:id/targets/fixed': { params: advocacyId, page: (w) => `/admin/letters/${advocacy(w).id}/targets`, form: () => ({ targets: 'Ana Ruiz, Council Member, City Council, ana@council.example' }) },
  'POST /admin/letters/:id/targets/fallback': { params: advocacyId, form: () => ({ name: 'Gov. Eve', title: 'Governor', email: 'eve@gov.example' }) },
  'POST /admin/letters/:id/targets/list': { params: advocacyId, multipart: true, form: () => ({ intent: 'check' }) },
  'POST /admin/letters/:id/targets/:targetId/bounce': { params: (w) => ({ id: advocacy(w).id, targetId: NOBODY }), form: () => ({ reason: '550 no such user' }) },
  'POST /admin/letters/:id/targets/:targetId/resume': { params: (w) => ({ id: advocacy(w).id, targetId: NOBODY }), form: () => ({ email: 'new@council.example' }) },
  'POST /admin/letters/:id/partners': { params: advocacyId, form: () => ({ partner: 'other-org' }) },
  'POST /admin/letters/:id/partners/:partnershipId/remove': { params: (w) => ({ id: advocacy(w).id, partnershipId: NOBODY }) },
  'POST /admin/mailings/new': { page: () => '/admin/mailings/new', form: () => ({ subject_en: 'News', body_en: 'Hello.', include_tags: 'fuzz' }) },
  'POST /admin/mailings/settings': { page: () => '/admin/mailings/settings' },
  'POST /admin/mailings/:id/edit': { params: mailingId, page: (w) => `/admin/mailings/${mailingId(w).id}/edit` },
  'POST /admin/mailings/:id/test': { params: mailingId, form: () => ({ email: 'owner@fuzz.example' }) },
  'POST /admin/mailings/:id/send': { params: mailingId, page: (w) => `/admin/mailings/${mailingId(w).id}`, form: () => ({ when: 'now' }) },
  'POST /admin/mailings/:id/pause': { params: mailingId },
  'POST /admin/mailings/:id/resume': { params: mailingId },
  'POST /admin/mailings/:id/cancel': { params: mailingId },
  'POST /admin/mailings/:id/unschedule': { params: mailingId },
  'POST /admin/mailings/:id/winner': { params: mailingId, form: () => ({ winner: '0' }) },
  'POST /admin/imports': { multipart: true, form: () => ({}) },
  'POST /admin/imports/:id/start': { params: (w) => ({ id: w.importId }), page: (w) => `/admin/imports/${w.importId}` },
  'POST /admin/imports/:id/discard': { params: (w) => ({ id: w.importId }) },
  'POST /admin/sign-out': {},
  'POST /admin/switch': { form: (w) => ({ organization_id: w.orgId, next: '/admin' }) },
  'POST /admin/settings': { page: () => '/admin/settings', form: () => ({ name: 'Fuzz Coalition', accent_color: '#1d70b8', require_two_factor: '' }) },
  'POST /admin/settings/logo': { multipart: true, form: () => ({}) },
  'POST /admin/settings/logo/remove': { form: () => ({}) },
  'POST /admin/two-factor': { form: () => ({ code: '123456', next: '/admin' }) },
  'POST /admin/account/two-factor': { page: () => '/admin/account', form: () => ({ code: '123456' }) },
  'POST /admin/account/two-factor/disable': { form: () => ({ code: '123456', password: 'plum orchard lantern 42' }) },
  'POST /admin/account/language': { page: () => '/admin/account', form: () => ({ language: 'es' }) },
  'POST /admin/account/sign-out-everywhere': {},
  'POST /admin/members/invite': { page: () => '/admin/members', form: () => ({ email: 'new@fuzz.example', role: 'viewer' }) },
  'POST /admin/members/:userId/role': { params: (w) => ({ userId: w.memberId }), form: () => ({ role: 'admin' }) },
  'POST /admin/members/:userId/remove': { params: (w) => ({ userId: w.memberId }) },
  'POST /admin/blocks': { page: () => '/admin/blocks', form: () => ({ kind: 'email_domain', value: 'spam.example', note: 'Bots.' }) },
  'POST /admin/blocks/:id/remove': { params: () => ({ id: NOBODY }) },
  'POST /admin/webhooks': { page: () => '/admin/webhooks/new', form: () => ({ url: 'https://203.0.113.10/hooks', description: 'CRM', events: 'signature' }) },
  'POST /admin/webhooks/:id': { params: () => ({ id: NOBODY }), form: () => ({ url: 'https://203.0.113.10/hooks', description: 'CRM', events: 'person' }) },
  'POST /admin/webhooks/:id/delete': { params: () => ({ id: NOBODY }) },
  'POST /admin/webhooks/:id/enable': { params: () => ({ id: NOBODY }) },
  'POST /admin/webhooks/:id/disable': { params: () => ({ id: NOBODY }) },
  'POST /admin/webhooks/:id/roll-secret': { params: () => ({ id: NOBODY }) },
  'POST /admin/webhooks/:id/test': { params: () => ({ id: NOBODY }) },
  'POST /admin/webhooks/:id/deliveries/:deliveryId/resend': { params: () => ({ id: NOBODY, deliveryId: NOBODY }) },
  'POST /admin/embeds/origins': { page: () => '/admin/embeds', form: () => ({ origin: 'https://www.fuzz.example', note: 'Our site' }) },
  'POST /admin/embeds/origins/:id/remove': { params: () => ({ id: NOBODY }) },
};

/** Write routes not fuzzed here, each with the reason. */
export const EXCLUDED: Record<string, string> = {};

/** A URL parameter: the valid one mostly, else anything (encoded as a browser would). */
const param = (good: string) =>
  fc.oneof(
    { weight: 9, arbitrary: fc.constant(good) },
    {
      weight: 1,
      arbitrary: hostileString.map((s) => {
        try {
          return encodeURIComponent(s).slice(0, 300) || 'x';
        } catch {
          return '%ED%A0%80'; // a lone surrogate, as the bytes a client would send
        }
      }),
    },
  );

/** The requests fuzzed at one route: its URL (parameters mostly valid), a hostile body, and for public pages hostile extras. */
export function requests(route: string, t: Target, w: World, opts: { harvested?: string[]; headers?: Record<string, string>; fields?: Record<string, string> } = {}): fc.Arbitrary<InjectOptions> {
  const [method, pattern] = route.split(' ') as [string, string];
  const good = t.params?.(w) ?? {};
  const names = [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  for (const n of names) if (good[n] === undefined) throw new Error(`${route}: no value for :${n}`);
  const url = fc.record(Object.fromEntries(names.map((n) => [n, param(good[n]!)]))).map((ps) => pattern.replace(/:(\w+)/g, (_, n: string) => ps[n]!));
  const headers = { ...(opts.headers ?? {}), ...(t.headers?.(w) ?? {}) };
  if (t.multipart) return fc.tuple(url, csvFile).map(([u, f]) => multipartRequest(method, u, f, headers, opts.fields ?? {}));
  if (t.json) {
    const body = fc.oneof(
      { weight: 12, arbitrary: jsonInput(t.json(w)).map((json) => ({ payload: JSON.stringify(json) ?? 'null', type: 'application/json' })) },
      { weight: 1, arbitrary: hostileString.map((raw) => ({ payload: raw, type: 'application/json' })) },
      { weight: 1, arbitrary: hostileJson.map((json) => ({ payload: JSON.stringify(json) ?? '', type: 'application/x-www-form-urlencoded' })) },
    );
    return fc.tuple(url, body).map(([u, b]) => ({ method: method as 'POST', url: u, headers: { ...headers, 'content-type': b.type }, payload: unique(b.payload) }));
  }
  const plausible = { ...Object.fromEntries((opts.harvested ?? []).map((n) => [n, 'x'])), ...(t.form?.(w) ?? {}), ...(opts.fields ?? {}) };
  const body = formInput(plausible);
  if (!t.public) return fc.tuple(url, body).map(([u, b]) => formRequest(method, u, b, headers));
  return fc.tuple(url, body, publicExtras).map(([u, b, x]) =>
    formRequest(method, withQuery(u, { source: x.source, lang: x.lang }), b, {
      ...headers,
      ...(x.referer !== undefined ? { referer: x.referer } : {}),
      ...(x.acceptLanguage !== undefined ? { 'accept-language': x.acceptLanguage } : {}),
    }),
  );
}

/** A CSV file of hostile cells: quotes, commas, line breaks, long and odd values, sometimes not CSV at all. */
const csvFile = fc.record({
  name: hostileString.map((n) => n.replace(/["\r\n\\]/g, '').slice(0, 300)),
  text: fc.oneof(
    { weight: 4, arbitrary: fc.array(fc.array(fc.oneof(hostileString, fc.constantFrom('email', 'ana@fuzz.example', '"', '""', ',', '\r\n', '60605')), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }).map((rows) => ['email,first_name,zip', ...rows.map((r) => r.join(','))].join('\n')) },
    { weight: 1, arbitrary: hostileString },
  ),
});

function multipartRequest(method: string, url: string, file: { name: string; text: string }, headers: Record<string, string>, fields: Record<string, string>): InjectOptions {
  const boundary = '----fuzz7MA4YWxkTrZu0gW';
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n${file.text}\r\n`);
  return { method: method as 'POST', url, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: `${parts.join('')}--${boundary}--\r\n` };
}

let made = 0;
/**
 * Each valid title made unique: hundreds of actions of one title make each new one search its
 * free web address one query per taken one (slug, slug-2 …), so the run would time the search.
 */
const unique = (payload: string) => payload.replace(/"title":"(Stop it|Renamed|Town hall|Week of action|Fund us|Renamed fund)"/, (_, t: string) => `"title":"${t} ${++made}"`);

/** The names of the fields of a page's forms. */
export function fieldNames(html: string): string[] {
  return [...new Set([...html.matchAll(/<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"/g)].map((m) => m[1]!))];
}
