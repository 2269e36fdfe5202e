import { describe, it, before, after } from 'node:test';
import { petitionCache } from '../src/petitions/index.ts';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organizerIn, organization, type SignedIn } from './admin-helpers.ts';
import { createPetition } from '../src/petitions/service.ts';
import { nowIso } from '../src/util/ids.ts';

for (const target of targets()) {
  describe(`coalitions on ${target.name}`, () => {
    let h: Harness;
    let sponsor: SignedIn;
    let partner: SignedIn;
    let bystander: SignedIn;
    let ids: { a: string; b: string; c: string };
    let petition: { id: string; slug: string };

    before(async () => {
      h = await harness(target);
      const [a, b, c] = [await organization(h, 'Sponsor Coalition'), await organization(h, 'Neighbours for Privacy'), await organization(h, 'Unrelated Group')];
      ids = { a: a.id, b: b.id, c: c.id };
      sponsor = await organizerIn(h, a.id, 'owner', 'lead@sponsor.example');
      partner = await organizerIn(h, b.id, 'admin', 'lead@partner.example');
      bystander = await organizerIn(h, c.id, 'owner', 'lead@other.example');
      const p = await createPetition(h.ctx.database.db, a.id, { title: 'Ban face recognition', description: '', petition_text: 'Ban it.', targets: [], goal: null, confirmation_required: false, status: 'open' }, nowIso());
      petition = { id: p.id, slug: p.slug };
    });
    after(() => h.close());

    const people = (orgId: string) => h.ctx.database.db.selectFrom('people').select(['email', 'email_status']).where('organization_id', '=', orgId).orderBy('email').execute();
    const sign = (fields: Record<string, string | string[]>, query = '') => {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries({ given_name: 'Sam', family_name: 'Lee', postal_code: '10001', ...fields })) for (const x of [v].flat()) body.append(k, x);
      return h.app.inject({ method: 'POST', url: `/petitions/${petition.slug}${query}`, headers: FORM, payload: body.toString() });
    };

    it('lets the sponsor invite a partner, who accepts from their own console', async () => {
      const bad = await h.app.inject({ method: 'POST', url: `/admin/petitions/${petition.id}/partners`, headers: { ...FORM, cookie: sponsor.cookie }, payload: form({ _csrf: sponsor.csrf, partner: 'no-such-org' }) });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /No organization on this site is called/);
      const invite = await h.app.inject({ method: 'POST', url: `/admin/petitions/${petition.id}/partners`, headers: { ...FORM, cookie: sponsor.cookie }, payload: form({ _csrf: sponsor.csrf, partner: 'neighbours-for-privacy' }) });
      assert.equal(invite.statusCode, 303);
      const afterInvite = await h.app.inject({ url: invite.headers.location as string, headers: { cookie: sponsor.cookie } });
      assert.match(afterInvite.body, /The partner is invited/);
      assert.match(afterInvite.body, /Neighbours for Privacy/);
      let page = await h.app.inject({ url: `/petitions/${petition.slug}` });
      assert.doesNotMatch(page.body, /Share my name and email with Neighbours/, 'no box before the partner accepts');
      const list = await h.app.inject({ url: '/admin/partnerships', headers: { cookie: partner.cookie } });
      const partnershipId = /\/admin\/partnerships\/([0-9a-f-]+)\/accept/.exec(list.body)![1]!;
      const stranger = await h.app.inject({ method: 'POST', url: `/admin/partnerships/${partnershipId}/accept`, headers: { ...FORM, cookie: bystander.cookie }, payload: form({ _csrf: bystander.csrf }) });
      assert.equal(stranger.statusCode, 404, 'another organization cannot accept for the partner');
      const accept = await h.app.inject({ method: 'POST', url: `/admin/partnerships/${partnershipId}/accept`, headers: { ...FORM, cookie: partner.cookie }, payload: form({ _csrf: partner.csrf }) });
      assert.equal(accept.statusCode, 303);
      page = await h.app.inject({ url: `/petitions/${petition.slug}` });
      assert.match(page.body, new RegExp(`<input type="checkbox" id="share-${ids.b}" name="share" value="${ids.b}"/><label for="share-${ids.b}">Share my name and email with Neighbours for Privacy`));
    });

    it('puts a signer on the partner’s list only when they ticked the partner’s box', async () => {
      assert.equal((await sign({ email: 'shares@example.org', share: ids.b }, '?source=neighbours-for-privacy')).statusCode, 303);
      assert.equal((await sign({ email: 'keeps@example.org' }, '?source=neighbours-for-privacy')).statusCode, 303);
      assert.equal((await sign({ email: 'forged@example.org', share: [ids.c, 'not-an-id'] })).statusCode, 303, 'boxes for non-partners are ignored');
      assert.deepEqual((await people(ids.a)).map((p) => p.email), ['forged@example.org', 'keeps@example.org', 'shares@example.org']);
      assert.deepEqual(await people(ids.b), [{ email: 'shares@example.org', email_status: 'subscribed' }]);
      assert.deepEqual(await people(ids.c), []);
      const count = await h.ctx.database.db.selectFrom('petitions').select('signature_count').where('id', '=', petition.id).executeTakeFirstOrThrow();
      assert.equal(Number(count.signature_count), 3, 'the shared total counts each signer once');
      const consent = await h.ctx.database.db.selectFrom('consents').select(['wording', 'given']).where('organization_id', '=', ids.b).execute();
      assert.deepEqual(consent, [{ wording: 'Share my name and email with Neighbours for Privacy so they can contact me about their work', given: 1 }]);
    });

    it('shows the sponsor counts per partner link without personal data', async () => {
      const view = await h.app.inject({ url: `/admin/petitions/${petition.id}/partners`, headers: { cookie: sponsor.cookie } });
      assert.equal(view.statusCode, 200);
      assert.match(view.body, /3 signatures in all; 2 came through partners&#39; links\.|3 signatures in all; 2 came through partners' links\./);
      assert.match(view.body, /<td class="num"[^>]*>2<\/td><td class="num"[^>]*>1<\/td>/);
      assert.doesNotMatch(view.body, /@example\.org/);
      const partnerView = await h.app.inject({ url: '/admin/partnerships', headers: { cookie: partner.cookie } });
      assert.match(partnerView.body, /<td class="num"[^>]*>3<\/td>/, 'the partner sees the shared total');
      assert.equal((await h.app.inject({ url: `/admin/petitions/${petition.id}/partners`, headers: { cookie: partner.cookie } })).statusCode, 404, 'the partner cannot open the sponsor’s coalition view');
    });

    it('keeps each organization’s API to its own supporters', async () => {
      const { createApiToken } = await import('../src/orgs/service.ts');
      const tokenB = (await createApiToken(h.ctx.database.db, 'neighbours-for-privacy')).token;
      const res = await h.app.inject({ url: '/api/v2/people', headers: { 'osdi-api-token': tokenB } });
      const emails = res.json()._embedded['osdi:people'].map((p: { email_addresses: { address: string }[] }) => p.email_addresses[0]!.address);
      assert.deepEqual(emails, ['shares@example.org']);
      const tokenA = (await createApiToken(h.ctx.database.db, 'sponsor-coalition')).token;
      const sigs = await h.app.inject({ url: `/api/v2/petitions/${petition.id}/signatures`, headers: { 'osdi-api-token': tokenA } });
      assert.equal(sigs.json().total_records, 3, 'the sponsor’s signature list holds its own records, not the partner’s copies');
    });

    it('works the same for an event: invite, accept, and the RSVP share box', async () => {
      const db = h.ctx.database.db;
      const id = (await import('../src/util/ids.ts')).newId();
      const now = nowIso();
      const start = new Date(Date.now() + 5 * 86400_000);
      await db.insertInto('events').values({
        id, organization_id: ids.a, campaign_id: null, slug: 'coalition-vigil', title: 'Coalition vigil', description: '', instructions: '',
        start_at: start.toISOString(), end_at: new Date(start.getTime() + 7200_000).toISOString(), timezone: 'America/New_York', online: 0, join_url: null,
        venue: 'Hall', address_lines: '["1 Main St"]', locality: 'New York', region: 'NY', postal_code: '10001', country: 'US', latitude: null, longitude: null,
        capacity: null, visibility: 'public', status: 'confirmed', reminders: '[]', host_name: null, host_email: null, host_email_confirmed_at: null,
        origin_system: 'turnout', created_at: now, modified_at: now,
      }).execute();
      const invite = await h.app.inject({ method: 'POST', url: `/admin/events/${id}/partners`, headers: { ...FORM, cookie: sponsor.cookie }, payload: form({ _csrf: sponsor.csrf, partner: 'neighbours-for-privacy' }) });
      assert.equal(invite.statusCode, 303);
      assert.equal((await h.app.inject({ url: `/admin/events/${id}/partners`, headers: { cookie: bystander.cookie } })).statusCode, 404);
      const list = await h.app.inject({ url: '/admin/partnerships', headers: { cookie: partner.cookie } });
      assert.match(list.body, /href="\/events\/coalition-vigil">Coalition vigil</);
      const partnershipId = new RegExp(`/admin/partnerships/([0-9a-f-]+)/accept" class="inline"><input type="hidden" name="_csrf" value="[^"]+"/><button type="submit" class="secondary" aria-label="Accept partnership on Coalition vigil"`).exec(list.body)![1]!;
      assert.equal((await h.app.inject({ method: 'POST', url: `/admin/partnerships/${partnershipId}/accept`, headers: { ...FORM, cookie: partner.cookie }, payload: form({ _csrf: partner.csrf }) })).statusCode, 303);
      const page = await h.app.inject({ url: '/events/coalition-vigil' });
      assert.match(page.body, new RegExp(`name="share" value="${ids.b}"`));
      const body = new URLSearchParams({ given_name: 'Eve', family_name: 'Nt', email: 'rsvp-shares@example.org', postal_code: '10001', share: ids.b });
      const res = await h.app.inject({ method: 'POST', url: '/events/coalition-vigil', headers: FORM, payload: body.toString() });
      assert.equal(res.statusCode, 303);
      assert.ok((await people(ids.b)).some((p) => p.email === 'rsvp-shares@example.org'), 'the partner gets the RSVP who shared');
      const view = await h.app.inject({ url: `/admin/events/${id}/partners`, headers: { cookie: sponsor.cookie } });
      assert.match(view.body, /1 accepted RSVPs in all/);
      assert.doesNotMatch(view.body, /rsvp-shares@example\.org/);
    });

    it('shares with partners only once a signature is confirmed', async () => {
      await h.ctx.database.db.updateTable('petitions').set({ confirmation_required: 1 }).where('id', '=', petition.id).execute();
      petitionCache(h.ctx).forget(petition.slug);
      await sign({ email: 'later@example.org', share: ids.b });
      assert.ok(!(await people(ids.b)).some((p) => p.email === 'later@example.org'), 'not shared before confirmation');
      h.mailer.sent = [];
      await h.runJobs();
      const link = /http:\/\/turnout\.test(\/petitions\/\S+\/confirm\/\S+)/.exec(h.mailer.sent.find((m) => m.to === 'later@example.org')!.text)![1]!;
      assert.equal((await h.app.inject({ method: 'POST', url: link, headers: FORM, payload: '' })).statusCode, 200);
      assert.ok((await people(ids.b)).some((p) => p.email === 'later@example.org'), 'shared once confirmed');
    });
  });
}
