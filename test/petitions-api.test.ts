import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { apiOrganization, BASE, HAL, idOf, type ApiClient } from './api-support.ts';
import { createPetition } from '../src/petitions/service.ts';

const petitionBody = (over: Record<string, unknown> = {}) => ({
  title: 'Stop face surveillance',
  description: 'Lumidex sells face recognition to police.',
  petition_text: 'Stop selling it.',
  target: [{ name: 'Lumidex CEO' }, { name: 'Lumidex board' }],
  ...over,
});

for (const target of targets()) {
  describe(`API entry point and petitions on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;

    before(async () => {
      h = await harness(target);
      api = await apiOrganization(h, 'alpha');
    });
    after(() => h.close());

    const petitionCount = async () =>
      Number((await h.ctx.database.db.selectFrom('petitions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    it('answers the entry point with Action Network’s fields and links', async () => {
      const res = await api.get('/');
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'] as string, HAL);
      assert.equal(res.body.vendor_name, 'turnout');
      assert.equal(res.body.product_name, 'turnout');
      assert.equal(res.body.osdi_version, '1.1.1');
      assert.equal(res.body.namespace, 'turnout');
      assert.equal(res.body.max_page_size, 25);
      assert.equal(typeof res.body.motd, 'string');
      assert.equal(res.body._links.self.href, `${BASE}/`);
      assert.equal(res.body._links['osdi:people'].href, `${BASE}/people`);
      assert.equal(res.body._links['osdi:petitions'].href, `${BASE}/petitions`);
      assert.equal(res.body._links['osdi:person_signup_helper'].href, `${BASE}/people`);
      assert.equal(res.body._links['osdi:tags'].href, `${BASE}/tags`);
      assert.equal(res.body._links['osdi:events'].href, `${BASE}/events`);
      assert.equal(res.body._links['action_network:event_campaigns'].href, `${BASE}/event_campaigns`);
      assert.deepEqual(
        res.body._links.curies.map((c: { name: string }) => c.name),
        ['osdi', 'action_network', 'turnout'],
      );
      assert.deepEqual(res.body._links.curies[0], { name: 'osdi', href: 'http://turnout.test/docs/v2/{rel}', templated: true });
    });

    it('refuses requests without a valid token with 403 and Action Network’s error shape', async () => {
      for (const headers of [{}, { 'osdi-api-token': 'tnt_wrong' }, { 'osdi-api-token': '' }, { 'osdi-api-token': 'x'.repeat(5000) }]) {
        for (const url of ['/api/v2/petitions', '/api/v2/people']) {
          const res = await h.app.inject({ url, headers });
          assert.equal(res.statusCode, 403, `${url} ${JSON.stringify(headers).slice(0, 40)}`);
          assert.match(res.headers['content-type'] as string, HAL);
          assert.deepEqual(res.json(), { error: 'API Key invalid or not present' });
        }
        // The entry point answers, as Action Network's does, without the links a key opens.
        const aep = await h.app.inject({ url: '/api/v2/', headers });
        assert.equal(aep.statusCode, 200);
        assert.equal(aep.json()._links['osdi:petitions'], undefined);
      }
      const post = await h.app.inject({ method: 'POST', url: '/api/v2/petitions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(petitionBody()) });
      assert.equal(post.statusCode, 403);
      assert.equal(await petitionCount(), 0, 'nothing was created without a token');
    });

    it('accepts the token as ?osdi-api-token= too', async () => {
      const res = await h.app.inject({ url: `/api/v2/?osdi-api-token=${encodeURIComponent(api.token)}` });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().vendor_name, 'turnout');
    });

    it('creates a petition with Action Network’s field names and turnout’s extensions', async () => {
      const res = await api.post('/petitions', petitionBody({ 'turnout:goal': 500, origin_system: 'CRM sync' }));
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'] as string, HAL);
      const p = res.body;
      const id = idOf(p);
      assert.match(id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(p.identifiers, [`action_network:${id}`, `turnout:${id}`]);
      assert.equal(p.title, 'Stop face surveillance');
      assert.equal(p.description, 'Lumidex sells face recognition to police.');
      assert.equal(p.petition_text, 'Stop selling it.');
      assert.deepEqual(p.target, [{ name: 'Lumidex CEO' }, { name: 'Lumidex board' }]);
      assert.equal(p.total_signatures, 0);
      assert.equal(p.browser_url, 'http://turnout.test/petitions/stop-face-surveillance');
      assert.equal(p.origin_system, 'CRM sync');
      assert.equal(p.featured_image_url, undefined);
      assert.equal(p['turnout:goal'], 500);
      assert.equal(p['turnout:confirmation_required'], false);
      assert.equal(p['turnout:status'], 'open');
      assert.ok(!Number.isNaN(Date.parse(p.created_date)));
      assert.equal(p.modified_date, p.created_date);
      assert.equal(p._links.self.href, `${BASE}/petitions/${id}`);
      assert.equal(p._links['osdi:signatures'].href, `${BASE}/petitions/${id}/signatures`);
      assert.equal(p._links['osdi:record_signature_helper'].href, `${BASE}/petitions/${id}/signatures`);
      assert.equal(p._links.curies.length, 3);

      const page = await h.app.inject({ url: '/petitions/stop-face-surveillance' });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Stop face surveillance/);
    });

    it('reads a petition by action_network:<id>, turnout:<id> or bare id; an unknown id is a JSON 404', async () => {
      const created = (await api.post('/petitions', petitionBody({ title: 'Read me' }))).body;
      const id = idOf(created);
      for (const ref of [id, `turnout:${id}`, `action_network:${id}`, id.toUpperCase()]) {
        const res = await api.get(`/petitions/${ref}`);
        assert.equal(res.status, 200, ref);
        assert.equal(res.body.title, 'Read me');
        assert.deepEqual(res.body.identifiers, [`action_network:${id}`, `turnout:${id}`]);
      }
      for (const ref of ['00000000-0000-4000-8000-000000000000', 'not-an-id', 'None', `salsa:${id}`]) {
        const res = await api.get(`/petitions/${ref}`);
        assert.equal(res.status, 404, ref);
        assert.match(res.headers['content-type'] as string, HAL);
        assert.match(res.body.error, /No petition with identifier/);
      }
    });

    it('answers unknown API routes with a JSON 404', async () => {
      const res = await api.get('/petitions/x/y/z');
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, { error: 'Not found' });
      assert.equal((await api.get('/nothing-here')).status, 404);
    });

    it('updates with merge semantics: absent fields stay, null clears, the public page follows', async () => {
      const created = (await api.post('/petitions', petitionBody({ title: 'Merge me', 'turnout:goal': 100 }))).body;
      const id = idOf(created);
      const slug = new URL(created.browser_url).pathname.split('/').pop();
      assert.match((await h.app.inject({ url: `/petitions/${slug}` })).body, /Merge me/, 'the page is cached with the old title');

      const res = await api.put(`/petitions/${id}`, { title: 'Merged', total_signatures: 999, browser_url: 'http://evil.test' });
      assert.equal(res.status, 200);
      assert.equal(res.body.title, 'Merged');
      assert.equal(res.body.description, created.description, 'absent fields keep their value');
      assert.deepEqual(res.body.target, created.target);
      assert.equal(res.body['turnout:goal'], 100);
      assert.equal(res.body.total_signatures, 0, 'total_signatures is read-only');
      assert.equal(res.body.browser_url, created.browser_url, 'browser_url is read-only');
      assert.ok(res.body.modified_date >= created.modified_date);
      assert.match((await h.app.inject({ url: `/petitions/${slug}` })).body, /Merged/, 'the public page shows the change at once');

      const cleared = await api.put(`/petitions/turnout:${id}`, {
        description: null,
        'turnout:goal': null,
        target: [{ name: 'New target' }],
        'turnout:status': 'closed',
        'turnout:confirmation_required': true,
      });
      assert.equal(cleared.status, 200);
      assert.equal(cleared.body.description, '');
      assert.equal(cleared.body['turnout:goal'], null);
      assert.deepEqual(cleared.body.target, [{ name: 'New target' }]);
      assert.equal(cleared.body['turnout:status'], 'closed');
      assert.equal(cleared.body['turnout:confirmation_required'], true);
      assert.equal(cleared.body.title, 'Merged');

      const again = await api.get(`/petitions/${id}`);
      assert.deepEqual(again.body, cleared.body, 'what PUT answered is what is stored');
    });

    it('rejects bad petition input with a 400 naming the field, and stores nothing', async () => {
      const before = await petitionCount();
      const cases: [unknown, RegExp][] = [
        [{ description: 'no title' }, /^title is required$/],
        [petitionBody({ title: 42 }), /^title must be a string$/],
        [petitionBody({ title: '   ' }), /^title must not be empty$/],
        [petitionBody({ title: 'x'.repeat(5000) }), /^title must be 200 characters or fewer$/],
        [petitionBody({ title: 'line\nbreak' }), /^title contains line breaks/],
        [petitionBody({ target: 'Lumidex' }), /^target must be an array or null$/],
        [petitionBody({ target: [{ name: 7 }] }), /^target\[0\]\.name must be a string$/],
        [petitionBody({ 'turnout:goal': 1.5 }), /^turnout:goal must be a whole number or null$/],
        [petitionBody({ 'turnout:goal': 0 }), /^turnout:goal must be 1 or more$/],
        [petitionBody({ 'turnout:status': 'paused' }), /^turnout:status must be "open" or "closed"$/],
        [petitionBody({ 'turnout:confirmation_required': 'yes' }), /^turnout:confirmation_required must be true or false$/],
        [[petitionBody()], /^body must be a JSON object$/],
        ['a title', /^body must be a JSON object$/],
        [null, /^body must be a JSON object$/],
      ];
      for (const [body, message] of cases) {
        const res = await api.post('/petitions', body);
        assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
        assert.match(res.headers['content-type'] as string, HAL);
        assert.match(res.body.error, message, JSON.stringify(body).slice(0, 80));
      }
      assert.equal(await petitionCount(), before, 'no petition was stored');

      const id = idOf((await api.post('/petitions', petitionBody({ title: 'Keep me' }))).body);
      const nullTitle = await api.put(`/petitions/${id}`, { title: null });
      assert.equal(nullTitle.status, 400);
      assert.match(nullTitle.body.error, /^title must be a string$/);
      const bad = await api.put(`/petitions/${id}`, { description: 'fine', 'turnout:goal': 'lots' });
      assert.equal(bad.status, 400);
      assert.equal((await api.get(`/petitions/${id}`)).body.description, petitionBody().description, 'a rejected PUT changes nothing');
    });

    it('stores markup as typed and returns it as a JSON string', async () => {
      const title = '<script>alert("x")</script> & "quotes"';
      const res = await api.post('/petitions', petitionBody({ title, description: '<img src=x onerror=alert(1)>' }));
      assert.equal(res.status, 200);
      const got = await api.get(`/petitions/${idOf(res.body)}`);
      assert.match(got.headers['content-type'] as string, HAL);
      assert.equal(got.body.title, title);
      assert.equal(got.body.description, '<img src=x onerror=alert(1)>');
      assert.equal(got.headers['x-content-type-options'], 'nosniff');
    });
  });

  describe(`API petition collection on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;
    const ids: string[] = [];

    before(async () => {
      h = await harness(target);
      api = await apiOrganization(h, 'beta');
      // 27 petitions, one a day through January 2024, so paging and date filters have known answers.
      for (let day = 1; day <= 27; day++) {
        const date = `2024-01-${String(day).padStart(2, '0')}T12:00:00.000Z`;
        const p = await createPetition(
          h.ctx.database.db,
          api.orgId,
          {
            title: `Petition ${day}`,
            description: '',
            petition_text: '',
            targets: [],
            goal: null,
            confirmation_required: false,
            status: 'open',
            origin_system: day % 3 === 0 ? 'importer' : 'turnout',
          },
          date,
        );
        ids.push(p.id);
      }
    });
    after(() => h.close());

    const list = async (query: string) => fetchPage(`/petitions${query}`);
    const fetchPage = async (path: string) => {
      const res = await api.get(path);
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      return res.body;
    };
    const idsIn = (body: any): string[] => body._embedded['osdi:petitions'].map(idOf);
    const pathOf = (href: string) => href.slice(BASE.length);

    it('pages 25 at a time with the counts and links Action Network clients follow', async () => {
      const first = await list('');
      assert.equal(first.total_records, 27);
      assert.equal(first.total_pages, 2);
      assert.equal(first.per_page, 25);
      assert.equal(first.page, 1);
      assert.deepEqual(idsIn(first), ids.slice(0, 25), 'oldest first');
      assert.equal(first._links.self.href, `${BASE}/petitions?page=1`);
      assert.equal(first._links.next.href, `${BASE}/petitions?page=2`);
      assert.equal(first._links.previous, undefined);
      assert.equal(first._links['osdi:petitions'].length, 25);
      assert.equal(first._links['osdi:petitions'][0].href, `${BASE}/petitions/${ids[0]}`);
      assert.equal(first._links.curies.length, 3);
      assert.equal(first._embedded['osdi:petitions'][0].title, 'Petition 1');
      assert.equal(first._embedded['osdi:petitions'][0].total_signatures, 0);

      const second = await fetchPage(pathOf(first._links.next.href));
      assert.equal(second.page, 2);
      assert.deepEqual(idsIn(second), ids.slice(25));
      assert.equal(second._links.next, undefined);
      assert.equal(second._links.previous.href, `${BASE}/petitions?page=1`);
    });

    it('walks every page by following next links with a smaller per_page', async () => {
      let body = await list('?per_page=10');
      assert.equal(body.total_pages, 3);
      assert.equal(body.per_page, 10);
      const seen = [...idsIn(body)];
      while (body._links.next) {
        body = await fetchPage(pathOf(body._links.next.href));
        seen.push(...idsIn(body));
        assert.match(body._links.self.href, /per_page=10/);
      }
      assert.equal(body.page, 3);
      assert.equal(idsIn(body).length, 7);
      assert.deepEqual(seen, ids);
      assert.equal(body._links.previous.href, `${BASE}/petitions?page=2&per_page=10`);
    });

    it('clamps per_page to 25 and answers past the last page with an empty page', async () => {
      const big = await list('?per_page=1000');
      assert.equal(big.per_page, 25);
      assert.equal(idsIn(big).length, 25);
      const past = await list('?page=9');
      assert.deepEqual(idsIn(past), []);
      assert.equal(past.total_records, 27);
      assert.equal(past._links.next, undefined);
      assert.equal(past._links.previous.href, `${BASE}/petitions?page=2`);
    });

    it('rejects page and per_page that are not whole numbers of 1 or more', async () => {
      for (const query of ['?page=0', '?page=abc', '?per_page=0', '?per_page=-5', '?per_page=ten', '?page=1&page=2']) {
        const res = await api.get(`/petitions${query}`);
        assert.equal(res.status, 400, query);
        assert.match(res.body.error, /(page|per_page) must be a whole number of 1 or more/, query);
      }
    });

    it('filters by title, origin_system and identifier with eq', async () => {
      const q = (f: string) => list(`?filter=${encodeURIComponent(f)}`);
      assert.deepEqual(idsIn(await q("title eq 'Petition 7'")), [ids[6]]);
      const imported = await q("origin_system eq 'importer'");
      assert.equal(imported.total_records, 9);
      assert.ok(imported._embedded['osdi:petitions'].every((p: any) => p.origin_system === 'importer'));
      assert.deepEqual(idsIn(await q(`identifier eq 'turnout:${ids[3]}'`)), [ids[3]]);
      assert.deepEqual(idsIn(await q(`identifier eq '${ids[4]}'`)), [ids[4]]);
      assert.deepEqual(idsIn(await q("identifier eq 'action_network:123'")), []);
    });

    it('filters by created_date and modified_date with gt, lt, eq and and', async () => {
      const q = (f: string) => list(`?filter=${encodeURIComponent(f)}`);
      assert.deepEqual(idsIn(await q("created_date gt '2024-01-25'")), ids.slice(24));
      assert.deepEqual(idsIn(await q("created_date lt '2024-01-03'")), ids.slice(0, 2));
      assert.deepEqual(idsIn(await q("created_date gt '2024-01-10' and created_date lt '2024-01-13'")), ids.slice(9, 12));
      assert.deepEqual(idsIn(await q("created_date eq '2024-01-05'")), [ids[4]]);
      assert.deepEqual(idsIn(await q("created_date eq '2024-01-05T12:00:00Z'")), [ids[4]]);
      assert.deepEqual(idsIn(await q("modified_date gt '2024-01-26T12:00:00Z'")), [ids[26]]);
      const both = await q("created_date gt '2024-01-02' and origin_system eq 'importer'");
      assert.equal(both.total_records, 9);
    });

    it('keeps the filter in paging links', async () => {
      const filter = "origin_system eq 'turnout'";
      const first = await list(`?per_page=5&filter=${encodeURIComponent(filter)}`);
      assert.equal(first.total_records, 18);
      assert.equal(first.total_pages, 4);
      const second = await fetchPage(pathOf(first._links.next.href));
      assert.equal(second.page, 2);
      assert.equal(second.total_records, 18);
      assert.ok(second._embedded['osdi:petitions'].every((p: any) => p.origin_system === 'turnout'));
    });

    it('rejects unknown filter fields and malformed filters with a 400 naming them', async () => {
      const q = (f: string) => api.get(`/petitions?filter=${encodeURIComponent(f)}`);
      const unknown = await q("slug eq 'x'");
      assert.equal(unknown.status, 400);
      assert.match(unknown.body.error, /cannot filter on "slug"/);
      const malformed = await q('title = Petition');
      assert.equal(malformed.status, 400);
      assert.match(malformed.body.error, /malformed filter/);
      const badDate = await q("created_date gt 'last week'");
      assert.equal(badDate.status, 400);
      assert.match(badDate.body.error, /created_date must be compared with a date/);
      const badOp = await q("title gt 'P'");
      assert.equal(badOp.status, 400);
      assert.match(badOp.body.error, /title can only be filtered with eq/);
    });
  });
}
