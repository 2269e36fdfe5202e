import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organizerIn, type SignedIn } from './admin-helpers.ts';
import { createApiToken, createOrganization } from '../src/orgs/service.ts';
import { createPage, fundraisingCache } from '../src/donations/index.ts';
import { PageClosedError, startCheckout } from '../src/donations/service.ts';
import { saveSettings } from '../src/donations/repository.ts';
import { letterCache } from '../src/letters/index.ts';
import { CampaignClosedError, writeLetter } from '../src/letters/service.ts';
import { rsvp } from '../src/events/service.ts';
import { makeEvent } from './events-support.ts';
import { makeCampaign, writer } from './letters-support.ts';
import { StripeStandin, SECRET_KEY, WEBHOOK_SECRET, signed, sessionCompleted } from './donations-support.ts';
import { nowIso } from '../src/util/ids.ts';

// Deadlines of fundraising pages and letter campaigns, the share links of a gift's thank-you
// page, the preview tags of an event's thank-you page, and what the settings page shows of the
// emails' sender, postal address and tax wording.

const BASE = 'http://turnout.test';
const past = () => new Date(Date.now() - 60_000).toISOString();
const soon = () => new Date(Date.now() + 86_400_000).toISOString();

function metaTags(html: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const m of html.matchAll(/<meta (?:property|name)="([^"]+)" content="([^"]*)"\/>/g)) if (!tags.has(m[1]!)) tags.set(m[1]!, m[2]!);
  return tags;
}

const donor = (over: Record<string, string> = {}) => ({
  lang: 'en', form_id: 'deadline-form-0000001', amount: '2500', given_name: 'Ana', family_name: 'Ruiz', email: 'ana@example.org', postal_code: '94110', country: 'US', ...over,
});

const pageFields = (over: Record<string, unknown> = {}) => ({
  title: 'Fund the legal fight', description: 'We are suing.', currency: 'USD', goal_minor: 1_000_000, amounts: [1000, 2500], min_minor: 500, max_minor: 100_000_00,
  allow_monthly: false, offer_fee_cover: false, processor: 'stripe' as const, actblue_form: null, actblue_refcode: null, status: 'open' as const, ...over,
});

for (const target of targets()) {
  describe(`deadlines, share links and settings on ${target.name}`, () => {
    let h: Harness;
    let stripe: StripeStandin;
    let orgId: string;
    let owner: SignedIn;
    let token: string;

    before(async () => {
      stripe = await new StripeStandin().start();
      h = await harness(target, { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: stripe.url });
      const org = await createOrganization(h.ctx.database.db, { name: 'Faces Not Data', slug: 'fnd' });
      orgId = org.id;
      owner = await organizerIn(h, orgId, 'owner', 'owner@fnd.example');
      token = (await createApiToken(h.ctx.database.db, org.slug, 'test')).token;
    });
    after(async () => {
      await h.close();
      await stripe.stop();
    });

    const get = (url: string, headers: Record<string, string> = {}) => h.app.inject({ url, headers });
    const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) => h.app.inject({ method: 'POST', url, headers: { ...FORM, ...headers }, payload: form(fields) });
    const api = (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) =>
      h.app.inject({ method, url: `/api/v2${url}`, headers: { 'osdi-api-token': token, ...(body ? { 'content-type': 'application/json' } : {}) }, payload: body ? JSON.stringify(body) : undefined });
    const db = () => h.ctx.database.db;

    it('closes a fundraising page at its deadline, yet counts the gift of a checkout started before it', async () => {
      const page = await createPage(db(), orgId, pageFields({ closes_at: soon() }), nowIso());
      const path = `/fundraising/${page.slug}`;
      const setClosesAt = async (closes_at: string | null) => {
        await db().updateTable('fundraising_pages').set({ closes_at }).where('id', '=', page.id).execute();
        fundraisingCache(h.ctx).forget(page.slug);
      };
      const open = (await get(path)).body;
      assert.match(open, /Open until .+ \(UTC\)/);
      assert.match(open, /<form method="post"/);
      assert.match((await get('/')).body, /Fund the legal fight/);
      const started = await post(path, donor());
      assert.equal(started.statusCode, 303);
      const session = stripe.sessions.at(-1)!;

      await setClosesAt(past());
      for (const [lang, text] of [['en', 'This fundraiser is closed and no longer takes gifts.'], ['es', 'Esta recaudación está cerrada y ya no recibe donaciones.']] as const) {
        const html = (await get(`${path}?lang=${lang}`)).body;
        assert.ok(html.includes(`<p class="closed" role="status">${text}</p>`), lang);
        assert.doesNotMatch(html, /<form method="post"|role="progressbar"|Open until|Abierta hasta/);
        const late = await post(path, donor({ lang, form_id: `deadline-form-late-${lang}`, email: `late-${lang}@example.org` }));
        assert.equal(late.statusCode, 409, lang);
        assert.ok(late.body.includes(text), lang);
      }
      assert.doesNotMatch((await get('/')).body, /Fund the legal fight/, 'the home page lists open fundraisers only');
      const checkouts = await db().selectFrom('donation_checkouts').select('id').where('fundraising_page_id', '=', page.id).execute();
      assert.equal(checkouts.length, 1, 'no checkout after the deadline');

      // Inside the service too, against the transaction's time: a page read before the deadline.
      const gift = { person: { email: 'svc@example.org', givenName: 'S', familyName: 'V', postalCode: '94110', country: 'US' }, amountMinor: 2500, feeCoverMinor: 0, recurring: false, optIn: null, optInWording: '', language: 'en', referral: { source: null, referrer: null }, shareWith: [], idempotencyKey: 'svc-key' } as Parameters<typeof startCheckout>[2];
      await assert.rejects(
        h.ctx.committer.submit((uow) => startCheckout(uow, { ...page, closes_at: past() }, gift)),
        PageClosedError,
      );

      // The gift counts from the provider's signed webhook, whenever it lands.
      const { payload, headers } = signed(sessionCompleted(session, { paymentIntent: 'pi_before_deadline' }));
      const hook = await h.app.inject({ method: 'POST', url: '/webhooks/stripe', headers, payload });
      assert.equal(hook.statusCode, 200);
      assert.equal(hook.json().outcome, 'applied');
      const paid = await db().selectFrom('donations').select(['status', 'amount_minor']).where('payment_intent', '=', 'pi_before_deadline').executeTakeFirstOrThrow();
      assert.deepEqual([paid.status, paid.amount_minor], ['paid', 2500]);
      const thanks = new URL(session.successUrl);
      const done = await get(thanks.pathname + thanks.search);
      assert.match(done.body, /Your gift of \$25 to Faces Not Data was received/);
      fundraisingCache(h.ctx).forget(page.slug);
      assert.match((await get(path)).body, /\$25 raised of \$10,000/);
    });

    it('gives a fundraising page its deadline in the console and the API, refusing one it cannot read', async () => {
      const page = await createPage(db(), orgId, pageFields({ title: 'Bail fund' }), nowIso());
      const edit = await get(`/admin/fundraising/${page.id}/edit`, { cookie: owner.cookie });
      assert.match(edit.body, /name="closes_at"/);
      const fields = { _csrf: owner.csrf, title: 'Bail fund', slug: page.slug, description: '', currency: 'USD', goal: '10000', amounts: '10\n25', minimum: '5', maximum: '100000', processor: 'stripe', actblue_form: '', actblue_refcode: '', status: 'open' };
      const wrong = await post(`/admin/fundraising/${page.id}/edit`, { ...fields, closes_at: 'next friday' }, { cookie: owner.cookie });
      assert.equal(wrong.statusCode, 422);
      assert.match(wrong.body, /Enter the closing time as a day/);
      const saved = await post(`/admin/fundraising/${page.id}/edit`, { ...fields, closes_at: '2099-06-30' }, { cookie: owner.cookie });
      assert.equal(saved.statusCode, 303, saved.body);
      const row = () => db().selectFrom('fundraising_pages').select('closes_at').where('id', '=', page.id).executeTakeFirstOrThrow();
      assert.equal((await row()).closes_at, '2099-06-30T23:59:59.000Z');
      const again = await get(`/admin/fundraising/${page.id}/edit`, { cookie: owner.cookie });
      assert.match(again.body, /value="2099-06-30T23:59:59"/, 'the form shows it so that saving again keeps it');
      assert.match((await get(`/admin/fundraising/${page.id}`, { cookie: owner.cookie })).body, /Closes by itself \(UTC\)/);

      const read = await api('GET', `/fundraising_pages/${page.id}`);
      assert.equal(read.json()['turnout:closes_at'], '2099-06-30T23:59:59.000Z');
      const bad = await api('PUT', `/fundraising_pages/${page.id}`, { 'turnout:closes_at': 'soon' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error, /turnout:closes_at: Enter the closing time/);
      const title = await api('PUT', `/fundraising_pages/${page.id}`, { title: 'Bail fund now' });
      assert.equal(title.json()['turnout:closes_at'], '2099-06-30T23:59:59.000Z', 'a PUT without it keeps it');
      const moved = await api('PUT', `/fundraising_pages/${page.id}`, { 'turnout:closes_at': '2020-01-01T12:00-05:00' });
      assert.equal(moved.json()['turnout:closes_at'], '2020-01-01T17:00:00.000Z');
      const person = { given_name: 'Che', family_name: 'Ng', email_addresses: [{ address: 'check@example.org' }] };
      const late = await api('POST', `/fundraising_pages/${page.id}/donations`, { person, recipients: [{ display_name: 'x', amount: '20.00' }] });
      assert.equal(late.statusCode, 409);
      const dated = await api('POST', `/fundraising_pages/${page.id}/donations`, { person, recipients: [{ display_name: 'x', amount: '20.00' }], created_date: '2019-12-31' });
      assert.equal(dated.statusCode, 200, 'a check dated before the deadline is still a gift to the page');
      const cleared = await api('PUT', `/fundraising_pages/${page.id}`, { 'turnout:closes_at': null });
      assert.equal(cleared.json()['turnout:closes_at'], null);
    });

    it('offers the fundraiser’s share links on the thank-you page', async () => {
      const page = await createPage(db(), orgId, pageFields({ title: 'Pledge for the library', processor: 'pledge' }), nowIso());
      const pledged = await post(`/fundraising/${page.slug}`, donor({ form_id: 'pledge-form-00000001', email: 'pledger@example.org' }));
      assert.equal(pledged.statusCode, 303, pledged.body);
      const thanks = await get(String(pledged.headers.location));
      assert.equal(thanks.statusCode, 200);
      for (const network of ['email', 'whatsapp', 'facebook', 'bluesky', 'x']) {
        assert.match(thanks.body, new RegExp(`fundraising%2F${page.slug}%3Fsource%3Dshare-${network}`), network);
      }
      assert.ok(thanks.body.includes(`readonly value="${BASE}/fundraising/${page.slug}?source=share-copy"`));
      assert.match(thanks.body, /Share the fundraiser/);
      const es = await get(`${String(pledged.headers.location)}&lang=es`);
      assert.match(es.body, /Comparte la recaudación/);
    });

    it('closes a letter campaign at its deadline, in the form, the service and the API', async () => {
      const campaign = await makeCampaign(h, orgId, { title: 'Write the council', closes_at: '2099-06-30' });
      assert.equal(campaign.closes_at, '2099-06-30T23:59:59.000Z');
      const path = `/letters/${campaign.slug}`;
      const open = (await get(path)).body;
      assert.match(open, /Open until June 30, 2099 at 11:59 PM \(UTC\)/);
      assert.match(open, /<form method="post"/);
      await db().updateTable('letter_campaigns').set({ closes_at: past() }).where('id', '=', campaign.id).execute();
      letterCache(h.ctx).forget(campaign.slug);
      for (const [lang, text] of [['en', 'This campaign is closed and no longer sends letters.'], ['es', 'Esta campaña está cerrada y ya no envía cartas.']] as const) {
        const html = (await get(`${path}?lang=${lang}`)).body;
        assert.ok(html.includes(`<p class="closed" role="status">${text}</p>`), lang);
        assert.doesNotMatch(html, /<form method="post"|Open until|Abierta hasta/);
        const late = await post(path, writer({ lang, email: `late-${lang}@example.org` }));
        assert.equal(late.statusCode, 409, lang);
        assert.ok(late.body.includes(text), lang);
      }
      assert.doesNotMatch((await get('/')).body, /Write the council/);
      const written = await db().selectFrom('outreaches').select('id').where('campaign_id', '=', campaign.id).execute();
      assert.equal(written.length, 0);
      const person = { email: 'svc@example.org', givenName: 'S', familyName: 'V', postalCode: '60605', country: 'US' };
      await assert.rejects(
        h.ctx.committer.submit((uow) => writeLetter(uow, { ...campaign, closes_at: past(), targets: [] }, { person } as unknown as Parameters<typeof writeLetter>[2])),
        CampaignClosedError,
      );
      const doc = (await api('GET', `/advocacy_campaigns/${campaign.id}`)).json();
      assert.ok(doc['turnout:closes_at'] <= nowIso());
      const apiPerson = { given_name: 'Ana', family_name: 'Ruiz', email_addresses: [{ address: 'api@example.org' }], postal_addresses: [{ postal_code: '60605', country: 'US' }] };
      const refused = await api('POST', `/advocacy_campaigns/${campaign.id}/outreaches`, { person: apiPerson });
      assert.equal(refused.statusCode, 409);
      const bad = await api('PUT', `/advocacy_campaigns/${campaign.id}`, { 'turnout:closes_at': 'tuesday' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error, /turnout:closes_at: Enter the closing time/);
      const reopened = await api('PUT', `/advocacy_campaigns/${campaign.id}`, { 'turnout:closes_at': null });
      assert.equal(reopened.json()['turnout:closes_at'], null);
      letterCache(h.ctx).forget(campaign.slug);
      assert.match((await get(path)).body, /<form method="post"/);
    });

    it('sets a letter campaign’s deadline in the console', async () => {
      const campaign = await makeCampaign(h, orgId, { title: 'Write the mayor' });
      const edit = await get(`/admin/letters/${campaign.id}/edit`, { cookie: owner.cookie });
      assert.match(edit.body, /name="closes_at"/);
      const fields = {
        _csrf: owner.csrf, title: 'Write the mayor', slug: campaign.slug, description: '', subject: 'Keep the library', subject_editable: 'yes', letter_opening: 'I live here.',
        letter_body: 'Keep it open.', body_editable: 'yes', letter_closing: 'Thanks.', body_max_length: '2000', target_mode: 'fixed', hourly_cap: '30',
        window_start: '09:00', window_end: '17:00', time_zone: 'America/Chicago', status: 'open',
      };
      const wrong = await post(`/admin/letters/${campaign.id}/edit`, { ...fields, closes_at: '2026-02-30' }, { cookie: owner.cookie });
      assert.equal(wrong.statusCode, 422);
      assert.match(wrong.body, /Enter the closing time as a day/);
      const saved = await post(`/admin/letters/${campaign.id}/edit`, { ...fields, closes_at: '2099-06-30T17:00' }, { cookie: owner.cookie });
      assert.equal(saved.statusCode, 303, saved.body);
      const row = await db().selectFrom('letter_campaigns').select('closes_at').where('id', '=', campaign.id).executeTakeFirstOrThrow();
      assert.equal(row.closes_at, '2099-06-30T17:00:00.000Z');
      assert.match((await get(`/admin/letters/${campaign.id}`, { cookie: owner.cookie })).body, /closes by itself at 2099-06-30 17:00 UTC/);
      const cleared = await post(`/admin/letters/${campaign.id}/edit`, { ...fields, closes_at: '' }, { cookie: owner.cookie });
      assert.equal(cleared.statusCode, 303);
      assert.equal((await db().selectFrom('letter_campaigns').select('closes_at').where('id', '=', campaign.id).executeTakeFirstOrThrow()).closes_at, null);
    });

    it('gives the event’s thank-you page the event page’s preview tags, and a waitlisted one still no share links', async () => {
      const event = await makeEvent(h, orgId, { title: 'Tiny meetup', capacity: 1 });
      const eventTags = metaTags((await get(`/events/${event.slug}`)).body);
      const thanks = await get(`/events/${event.slug}/thanks?status=accepted`);
      const tags = metaTags(thanks.body);
      for (const name of ['og:title', 'og:description', 'og:url', 'og:image', 'twitter:card']) assert.equal(tags.get(name), eventTags.get(name), name);
      assert.equal(tags.get('og:url'), `${BASE}/events/${event.slug}`);
      assert.match(thanks.body, /source%3Dshare-whatsapp/);
      await h.ctx.committer.submit((uow) => rsvp(uow, event.id, { person: { email: 'one@example.org', givenName: 'One', familyName: 'A', postalCode: '60605', country: 'US' }, phone: null, comment: null, optIn: false, optInWording: 'test', language: 'en', referral: { source: null, referrer: null } }));
      for (const lang of ['en', 'es']) {
        const waiting = await get(`/events/${event.slug}/thanks?status=waitlisted&lang=${lang}`);
        assert.equal(waiting.statusCode, 200);
        assert.equal(metaTags(waiting.body).get('og:url'), `${BASE}/events/${event.slug}`);
        assert.doesNotMatch(waiting.body, /Invite friends|Invita a tus amistades|facebook\.com|x\.com\/intent|wa\.me|mailto:|share-copy/i);
      }
    });

    it('shows on the settings page what the emails carry, each with its edit link', async () => {
      const before = (await get('/admin/settings', { cookie: owner.cookie })).body;
      assert.match(before, /Not set: a mailing cannot be sent without it/);
      assert.match(before, /None: receipts carry no tax wording/);
      await db()
        .insertInto('mailing_settings')
        .values({ organization_id: orgId, sender_name: 'Faces <Not> Data', reply_to: 'hello@fnd.example', postal_address: '1 Main St\nChicago, IL 60605', rate_per_second: 10, daily_cap: 10_000, click_counting: 0, modified_at: nowIso() })
        .execute();
      await saveSettings(db(), orgId, { tax_wording: 'Gifts are not tax-deductible.', actblue_username: 'ab-user', actblue_password_hash: 'secret-hash' }, nowIso());
      const page = await get('/admin/settings', { cookie: owner.cookie });
      assert.equal(page.statusCode, 200);
      const mailing = /<dl class="facts" id="mailing-settings">(.*?)<\/dl>/s.exec(page.body)![1]!;
      assert.match(mailing, /<dt>Sender name<\/dt><dd><span>Faces &lt;Not(?:&gt;|>) Data<\/span><\/dd>/);
      assert.match(mailing, /hello@fnd\.example/);
      assert.match(mailing, /<span>1 Main St<\/span><br\/><span>Chicago, IL 60605<\/span>/);
      assert.match(page.body, /<dl class="facts" id="fundraising-settings">.*Gifts are not tax-deductible\..*<\/dl>/s);
      assert.doesNotMatch(page.body, /ab-user|secret-hash/);
      assert.match(page.body, /href="\/admin\/mailings\/settings"/);
      assert.match(page.body, /href="\/admin\/fundraising\/settings"/);
    });
  });
}
