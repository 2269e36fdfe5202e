import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { apiOrganization, BASE, HAL, idOf, osdiPerson, type ApiClient } from './api-support.ts';
import { insertDonation, insertRecurring } from '../src/donations/repository.ts';
import { tagsOf } from '../src/actions/people/repository.ts';
import { newId, nowIso } from '../src/util/ids.ts';

// The API of fundraising pages and donations: Action Network's resources, the record donation
// helper for gifts taken offline, lists and filters, and another organization's ids.

for (const target of targets()) {
  describe(`API fundraising pages and donations on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;
    let other: ApiClient;
    let n = 0;

    before(async () => {
      h = await harness(target);
      api = await apiOrganization(h, 'fund-alpha');
      other = await apiOrganization(h, 'fund-beta');
    });
    after(() => h.close());

    const db = () => h.ctx.database.db;
    const count = async (table: 'fundraising_pages' | 'donations' | 'people' | 'jobs' | 'consents') =>
      Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const newPage = async (over: Record<string, unknown> = {}, client = api) => {
      const res = await client.post('/fundraising_pages', { title: `Legal defense fund ${++n}`, ...over });
      assert.equal(res.status, 200, res.text);
      return res.body;
    };
    const give = (pageId: string, over: Record<string, unknown> = {}, client = api) =>
      client.post(`/fundraising_pages/${pageId}/donations`, {
        person: osdiPerson(`donor${++n}@example.org`),
        recipients: [{ display_name: 'Org fund-alpha', amount: '10.00' }],
        ...over,
      });

    it('lists its collections on the entry point', async () => {
      const res = await api.get('/');
      assert.equal(res.body._links['osdi:fundraising_pages'].href, `${BASE}/fundraising_pages`);
      assert.equal(res.body._links['osdi:donations'].href, `${BASE}/donations`);
    });

    it('creates a fundraising page with Action Network’s fields and turnout’s own', async () => {
      const res = await api.post('/fundraising_pages', {
        title: 'Bail fund',
        description: 'Help us post bail.',
        origin_system: 'FreeFundraisers.com',
        currency: 'usd',
        'turnout:suggested_amounts': ['10.00', 25, '50'],
        'turnout:minimum_amount': '5',
        'turnout:maximum_amount': 500,
        'turnout:goal': '1250.00',
        'turnout:processor': 'pledge',
        total_amount: '99999.00', // read-only, ignored
      });
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers['content-type'] as string, HAL);
      const p = res.body;
      const id = idOf(p);
      assert.deepEqual(p.identifiers, [`action_network:${id}`, `turnout:${id}`]);
      assert.equal(p.origin_system, 'FreeFundraisers.com');
      assert.equal(p.title, 'Bail fund');
      assert.equal(p.description, 'Help us post bail.');
      assert.match(p.browser_url, /^http:\/\/turnout\.test\/fundraising\/bail-fund/);
      assert.equal(p.currency, 'USD');
      assert.equal(p.total_donations, 0);
      assert.equal(p.total_amount, '0.00');
      assert.deepEqual(p['action_network:sponsor'], { title: 'Org fund-alpha' });
      assert.equal('featured_image_url' in p, false);
      assert.deepEqual(p['turnout:suggested_amounts'], ['10.00', '25.00', '50.00']);
      assert.equal(p['turnout:minimum_amount'], '5.00');
      assert.equal(p['turnout:maximum_amount'], '500.00');
      assert.equal(p['turnout:goal'], '1250.00');
      assert.equal(p['turnout:processor'], 'pledge');
      assert.equal(p['turnout:status'], 'open');
      assert.ok(!Number.isNaN(Date.parse(p.created_date)) && !Number.isNaN(Date.parse(p.modified_date)));
      assert.equal(p._links.self.href, `${BASE}/fundraising_pages/${id}`);
      assert.equal(p._links['osdi:donations'].href, `${BASE}/fundraising_pages/${id}/donations`);
      assert.equal(p._links['osdi:record_donation_helper'].href, `${BASE}/fundraising_pages/${id}/donations`);
      assert.deepEqual(p._links.curies.map((c: { name: string }) => c.name), ['osdi', 'action_network', 'turnout']);
      assert.deepEqual((await api.get(`/fundraising_pages/turnout:${id}`)).body, p);
    });

    it('gives a page made with a title only sensible defaults', async () => {
      const p = await newPage();
      assert.equal(p.origin_system, 'turnout');
      assert.equal(p.currency, 'USD');
      assert.deepEqual(p['turnout:suggested_amounts'], ['10.00', '25.00', '50.00', '100.00']);
      assert.equal(p['turnout:goal'], null);
      assert.equal(p['turnout:processor'], 'stripe');
    });

    it('refuses bad amounts with a 400 naming the field, and writes nothing', async () => {
      const page = await newPage({ 'turnout:minimum_amount': '2.00' });
      const pages = await count('fundraising_pages');
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ 'turnout:minimum_amount': 0 }, /turnout:minimum_amount: .*more than zero/],
        [{ 'turnout:minimum_amount': -5 }, /turnout:minimum_amount: .*more than zero/],
        [{ 'turnout:goal': '-5.00' }, /turnout:goal: .*more than zero/],
        [{ 'turnout:maximum_amount': 1e9 }, /turnout:maximum_amount: .*more than any single gift/],
        [{ 'turnout:suggested_amounts': ['10', 'abc'] }, /turnout:suggested_amounts: “abc” is not an amount/],
        [{ 'turnout:goal': '10.001' }, /turnout:goal: .*more digits after the decimal point/],
        [{ 'turnout:minimum_amount': '20', 'turnout:maximum_amount': '10' }, /turnout:maximum_amount: The maximum must be at least the minimum/],
        [{ currency: 'XYZ' }, /currency: /],
        [{ currency: ' ' }, /currency: Enter a currency code/],
        [{ 'turnout:processor': 'actblue' }, /turnout:actblue_form: /],
        [{ 'turnout:minimum_amount': true }, /turnout:minimum_amount must be a string or a number/],
      ];
      for (const [body, message] of cases) {
        const created = await api.post('/fundraising_pages', { title: 'Bad amounts', ...body });
        assert.equal(created.status, 400, JSON.stringify(body));
        assert.match(created.body.error, message, JSON.stringify(body));
        const updated = await api.put(`/fundraising_pages/${idOf(page)}`, { title: 'Changed', ...body });
        assert.equal(updated.status, 400, JSON.stringify(body));
        assert.match(updated.body.error, message);
      }
      assert.equal(await count('fundraising_pages'), pages);
      const after = (await api.get(`/fundraising_pages/${idOf(page)}`)).body;
      assert.equal(after.title, page.title);
      assert.equal(after['turnout:minimum_amount'], '2.00');
      assert.equal(after.modified_date, page.modified_date);
    });

    it('merges a PUT: fields left out keep their value, null clears', async () => {
      const page = await newPage({ description: 'Old words', 'turnout:goal': '500' });
      const res = await api.put(`/fundraising_pages/${idOf(page)}`, { title: 'Renamed fund', description: null, 'turnout:goal': null, 'turnout:status': 'closed', _links: page._links });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.title, 'Renamed fund');
      assert.equal(res.body.description, '');
      assert.equal(res.body['turnout:goal'], null);
      assert.equal(res.body['turnout:status'], 'closed');
      assert.equal(res.body.browser_url, page.browser_url, 'the web address stays');
      assert.deepEqual(res.body['turnout:suggested_amounts'], page['turnout:suggested_amounts']);
      const euro = await api.put(`/fundraising_pages/${idOf(page)}`, { currency: 'EUR' });
      assert.equal(euro.status, 200, euro.text);
      assert.equal(euro.body.currency, 'EUR');
      assert.deepEqual(euro.body['turnout:suggested_amounts'], ['10.00', '25.00', '50.00', '100.00']);
    });

    it('lets no page change its currency once it has gifts', async () => {
      const page = await newPage();
      assert.equal((await give(idOf(page))).status, 200);
      const res = await api.put(`/fundraising_pages/${idOf(page)}`, { currency: 'EUR' });
      assert.equal(res.status, 409);
      assert.match(res.body.error, /currency cannot change/);
      assert.equal((await api.get(`/fundraising_pages/${idOf(page)}`)).body.currency, 'USD');
    });

    it('records an offline gift through the helper, counted in the page’s total', async () => {
      const page = await newPage();
      await h.runJobs(); // the receipts of earlier tests
      const jobs = await count('jobs');
      const res = await api.post(`/fundraising_pages/${idOf(page)}/donations`, {
        person: osdiPerson('checkwriter@example.org', { email_addresses: [{ address: 'checkwriter@example.org', status: 'subscribed' }] }),
        recipients: [{ display_name: 'Org fund-alpha', amount: '10.00' }, { display_name: 'Someone', amount: 15.5 }],
        payment: { method: 'Check', reference_number: 'CHK-1001' },
        add_tags: ['check-donor'],
        'action_network:referrer_data': { source: 'gala', referrer: 'table-7' },
      });
      assert.equal(res.status, 200, res.text);
      const d = res.body;
      const id = idOf(d);
      const person = d._embedded['osdi:person'];
      assert.equal(d.amount, '25.50');
      assert.equal(d.currency, 'USD');
      assert.deepEqual(d.recipients, [{ display_name: 'Org fund-alpha', amount: '25.50' }]);
      assert.deepEqual(d.payment, { method: 'Offline', reference_number: 'CHK-1001', authorization_stored: false });
      assert.deepEqual(d['action_network:recurrence'], { recurring: false });
      assert.deepEqual(d['action_network:referrer_data'], { source: 'gala', referrer: 'table-7' });
      assert.equal(d['action_network:fundraising_page_id'], idOf(page));
      assert.equal(d['action_network:person_id'], idOf(person));
      assert.equal(d['turnout:status'], 'paid');
      assert.equal(d['turnout:refunded_amount'], '0.00');
      assert.equal(d['turnout:processor'], 'offline');
      assert.equal(d._links.self.href, `${BASE}/fundraising_pages/${idOf(page)}/donations/${id}`);
      assert.equal(d._links['osdi:fundraising_page'].href, `${BASE}/fundraising_pages/${idOf(page)}`);
      assert.equal(d._links['osdi:person'].href, `${BASE}/people/${idOf(person)}`);
      assert.equal(person.email_addresses[0].status, 'subscribed');
      assert.deepEqual(await tagsOf(db(), idOf(person)), ['check-donor']);

      const totals = (await api.get(`/fundraising_pages/${idOf(page)}`)).body;
      assert.equal(totals.total_amount, '25.50');
      assert.equal(totals.total_donations, 1);
      assert.equal(await count('jobs'), jobs + 1, 'a receipt is queued');
      h.mailer.sent = [];
      await h.runJobs();
      assert.deepEqual(h.mailer.sent.map((m) => m.to), ['checkwriter@example.org']);

      // A retry with the same reference records nothing new and answers the same gift.
      const [donations, consents] = [await count('donations'), await count('consents')];
      const again = await api.post(`/fundraising_pages/${idOf(page)}/donations`, {
        person: osdiPerson('checkwriter@example.org', { email_addresses: [{ address: 'checkwriter@example.org', status: 'subscribed' }] }),
        recipients: [{ amount: '25.50' }],
        payment: { reference_number: ' CHK-1001 ' },
      });
      assert.equal(again.status, 200, again.text);
      assert.equal(idOf(again.body), id);
      assert.equal(await count('donations'), donations);
      assert.equal(await count('consents'), consents);
      assert.equal((await api.get(`/fundraising_pages/${idOf(page)}`)).body.total_amount, '25.50');
      assert.equal(await h.runJobs(), 0, 'no second receipt');
    });

    it('sends no receipt when the client turns the autoresponse off, and takes a date in the past', async () => {
      const page = await newPage();
      await h.runJobs();
      h.mailer.sent = [];
      const res = await give(idOf(page), { triggers: { autoresponse: { enabled: false } }, created_date: '2026-11-20T15:00:00Z' });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.created_date, '2026-11-20T15:00:00.000Z');
      assert.notEqual(res.body.payment.reference_number, null, 'the gift is its own reference');
      await h.runJobs();
      assert.deepEqual(h.mailer.sent, []);
      const future = await give(idOf(page), { created_date: '2999-01-01' });
      assert.equal(future.status, 400);
      assert.match(future.body.error, /created_date must not be in the future/);
    });

    it('refuses bad gift amounts, another currency and a closed page, and writes nothing', async () => {
      const page = await newPage();
      const closed = await newPage({ 'turnout:status': 'closed' });
      const before = await Promise.all([count('donations'), count('people'), count('jobs')]);
      const cases: [unknown, RegExp][] = [
        [0, /recipients\[0\]\.amount: .*more than zero/],
        ['0.00', /recipients\[0\]\.amount: .*more than zero/],
        [-5, /recipients\[0\]\.amount: .*more than zero/],
        ['abc', /recipients\[0\]\.amount: “abc” is not an amount/],
        ['10.001', /recipients\[0\]\.amount: .*more digits after the decimal point/],
        [1e9, /recipients\[0\]\.amount: .*more than any single gift/],
        [null, /recipients\[0\]\.amount must be a string or a number/],
      ];
      for (const [amount, message] of cases) {
        const res = await give(idOf(page), { recipients: [{ amount }] });
        assert.equal(res.status, 400, String(amount));
        assert.match(res.body.error, message, String(amount));
      }
      const sum = await give(idOf(page), { recipients: [{ amount: '60000000' }, { amount: '60000000' }] });
      assert.equal(sum.status, 400);
      assert.match(sum.body.error, /add up to more than any single gift/);
      assert.equal((await give(idOf(page), { recipients: [] })).status, 400);
      const euro = await give(idOf(page), { currency: 'EUR' });
      assert.equal(euro.status, 400);
      assert.match(euro.body.error, /currency must be the fundraising page's, USD/);
      const shut = await give(idOf(closed));
      assert.equal(shut.status, 409);
      assert.match(shut.body.error, /closed/);
      assert.deepEqual(await Promise.all([count('donations'), count('people'), count('jobs')]), before);
    });

    it('keeps a reference to its organization: another one may use it, another page of the same may not', async () => {
      const mine = await newPage();
      const theirs = await newPage({}, other);
      const first = await give(idOf(mine), { payment: { reference_number: 'SHARED-1' } });
      const second = await give(idOf(theirs), { payment: { reference_number: 'SHARED-1' } }, other);
      assert.equal(second.status, 200, second.text);
      assert.notEqual(idOf(second.body), idOf(first.body));
      assert.equal(second.body.payment.reference_number, 'SHARED-1');
      // A number is the same reference as its digits.
      const numbered = await give(idOf(mine), { payment: { reference_number: 1001 } });
      assert.equal(numbered.body.payment.reference_number, '1001');
      assert.equal(idOf((await give(idOf(mine), { payment: { reference_number: '1001' } })).body), idOf(numbered.body));
      const elsewhere = await give(idOf(await newPage()), { payment: { reference_number: 'SHARED-1' } });
      assert.equal(elsewhere.status, 409);
      assert.match(elsewhere.body.error, /already recorded on another fundraising page/);
    });

    it('lists every gift, marking refunds, disputes and pledges, under the page, the person and the organization', async () => {
      const page = await newPage();
      const pageId = idOf(page);
      const paid = await give(pageId, { person: osdiPerson('regular@example.org') });
      const personId = idOf(paid.body._embedded['osdi:person']);
      const now = nowIso();
      const recurringId = newId();
      await insertRecurring(db(), {
        id: recurringId, organization_id: api.orgId, fundraising_page_id: pageId, person_id: personId, checkout_id: null, amount_minor: 2000, currency: 'USD',
        period: 'monthly', processor: 'stripe', processor_ref: `sub_${recurringId}`, status: 'active', created_at: now, modified_at: now, canceled_at: null,
      });
      const gift = (status: 'paid' | 'refunded' | 'disputed' | 'pledged', over: Record<string, unknown> = {}) =>
        insertDonation(db(), {
          id: newId(), organization_id: api.orgId, fundraising_page_id: pageId, person_id: personId, recurring_id: null, checkout_id: null,
          amount_minor: 2000, fee_cover_minor: 0, currency: 'USD', status, processor: status === 'pledged' ? 'pledge' : 'stripe', processor_ref: `pi_${newId()}`,
          payment_intent: null, source: null, referrer: null, language: 'en', created_at: nowIso(), modified_at: nowIso(), ...over,
        });
      await gift('paid', { recurring_id: recurringId, processor_ref: 'in_monthly_1' });
      await gift('paid', { refunded_minor: 500 });
      await gift('refunded', { refunded_minor: 2000 });
      await gift('disputed');
      await gift('pledged', { processor_ref: 'secret-idempotency-key' });

      const list = await api.get(`/fundraising_pages/${pageId}/donations`);
      assert.equal(list.status, 200);
      assert.equal(list.body.total_records, 6);
      const listed = list.body._embedded['osdi:donations'];
      assert.deepEqual(listed.map((d: any) => d['turnout:status']), ['paid', 'paid', 'paid', 'refunded', 'disputed', 'pledged']);
      assert.deepEqual(listed[1]['action_network:recurrence'], { recurring: true, period: 'Monthly' });
      assert.deepEqual(listed[1].payment, { method: 'Credit Card', reference_number: 'in_monthly_1', authorization_stored: true });
      assert.equal(listed[2]['turnout:refunded_amount'], '5.00');
      assert.equal(listed[5].payment.reference_number, null);
      assert.equal(listed[5].payment.method, 'Pledge');
      assert.doesNotMatch(list.text, /secret-idempotency-key/);
      assert.deepEqual(list.body._links['osdi:donations'].map((l: { href: string }) => l.href), listed.map((d: any) => d._links.self.href));
      const totals = (await api.get(`/fundraising_pages/${pageId}`)).body;
      assert.equal(totals.total_amount, '45.00', '10 offline + 20 monthly + 15 kept of a partial refund');
      assert.equal(totals.total_donations, 3);
      assert.equal(totals['turnout:total_pledged'], '20.00');

      const mine = await api.get(`/people/${personId}/donations`);
      assert.equal(mine.body.total_records, 6);
      const one = await api.get(`/people/${personId}/donations/${idOf(listed[3])}`);
      assert.equal(one.status, 200);
      assert.equal(one.body['turnout:status'], 'refunded');
      const top = await api.get(`/donations/${idOf(listed[0])}`);
      assert.equal(top.status, 200);
      assert.deepEqual({ ...top.body, _links: undefined }, { ...listed[0], _links: undefined });
      assert.ok(top.body._links.curies);
      assert.ok((await api.get('/donations')).body.total_records >= 6);
    });

    it('pages and filters lists', async () => {
      const page = await newPage({ origin_system: 'Filter test' });
      for (let i = 0; i < 3; i++) assert.equal((await give(idOf(page))).status, 200);
      const first = await api.get(`/fundraising_pages/${idOf(page)}/donations?per_page=2`);
      assert.equal(first.body.total_pages, 2);
      assert.equal(first.body._embedded['osdi:donations'].length, 2);
      assert.equal(first.body._links.next.href, `${BASE}/fundraising_pages/${idOf(page)}/donations?page=2&per_page=2`);
      const second = await api.get(`/fundraising_pages/${idOf(page)}/donations?page=2&per_page=2`);
      assert.equal(second.body._embedded['osdi:donations'].length, 1);
      const third = first.body._embedded['osdi:donations'][1];
      const later = await api.get(`/fundraising_pages/${idOf(page)}/donations?filter=${encodeURIComponent(`created_date gt '${third.created_date}'`)}`);
      assert.equal(later.body.total_records, 1);
      const byId = await api.get(`/donations?filter=${encodeURIComponent(`identifier eq '${third.identifiers[0]}'`)}`);
      assert.deepEqual(byId.body._embedded['osdi:donations'].map(idOf), [idOf(third)]);
      const byOrigin = await api.get(`/fundraising_pages?filter=${encodeURIComponent("origin_system eq 'Filter test'")}`);
      assert.deepEqual(byOrigin.body._embedded['osdi:fundraising_pages'].map(idOf), [idOf(page)]);
      assert.equal(byOrigin.body._embedded['osdi:fundraising_pages'][0].total_donations, 3);
      const byTitle = await api.get(`/fundraising_pages?filter=${encodeURIComponent(`title eq '${page.title}'`)}`);
      assert.equal(byTitle.body.total_records, 1);
      const all = await api.get('/fundraising_pages?per_page=1');
      assert.equal(all.body.per_page, 1);
      assert.ok(all.body.total_pages > 1 && all.body._links.next);
      const bad = await api.get(`/donations?filter=${encodeURIComponent("amount eq '10'")}`);
      assert.equal(bad.status, 400);
    });

    it('answers another organization’s ids with 404 and keeps its gifts out of lists', async () => {
      const page = await newPage();
      const gift = (await give(idOf(page))).body;
      const personId = idOf(gift._embedded['osdi:person']);
      const [pageId, giftId] = [idOf(page), idOf(gift)];
      for (const path of [
        `/fundraising_pages/${pageId}`,
        `/fundraising_pages/${pageId}/donations`,
        `/fundraising_pages/${pageId}/donations/${giftId}`,
        `/people/${personId}/donations`,
        `/people/${personId}/donations/${giftId}`,
        `/donations/${giftId}`,
      ]) {
        const res = await other.get(path);
        assert.equal(res.status, 404, path);
        assert.deepEqual(Object.keys(res.body), ['error'], path);
      }
      const before = await Promise.all([count('donations'), count('people')]);
      assert.equal((await other.put(`/fundraising_pages/${pageId}`, { title: 'Taken over' })).status, 404);
      assert.equal((await give(pageId, {}, other)).status, 404);
      assert.deepEqual(await Promise.all([count('donations'), count('people')]), before);
      assert.equal((await api.get(`/fundraising_pages/${pageId}`)).body.title, page.title);
      const theirs = await other.get('/donations');
      assert.ok(!theirs.body._embedded['osdi:donations'].some((d: any) => idOf(d) === giftId));
      const pages = await other.get(`/fundraising_pages?filter=${encodeURIComponent(`identifier eq '${pageId}'`)}`);
      assert.equal(pages.body.total_records, 0);
      // A gift under the wrong page of the right organization is not found either.
      assert.equal((await api.get(`/fundraising_pages/${idOf(await newPage())}/donations/${giftId}`)).status, 404);
    });
  });
}
