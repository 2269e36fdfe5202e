import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { apiOrganization, BASE, idOf, osdiPerson, type ApiClient } from './api-support.ts';
import { saveSettings } from '../src/mailings/repository.ts';

// Action Network's read-only resources that clients ask for: lists and their items (turnout's
// tags), queries (none saved), campaigns (event campaigns and their events), wrappers (the
// organization's email layout). Each in Action Network's shape, paged, linked from the entry point.

for (const target of targets()) {
  describe(`API lists, items, queries, campaigns and wrappers on ${target.name}`, () => {
    let h: Harness;
    let a: ApiClient;
    let b: ApiClient;
    before(async () => {
      h = await harness(target);
      a = await apiOrganization(h, 'res-a');
      b = await apiOrganization(h, 'res-b');
    });
    after(() => h.close());

    const filter = (path: string, f: string, client = a) => client.get(`${path}?filter=${encodeURIComponent(f)}`);

    it('links every collection from the entry point', async () => {
      const entry = await a.get('/');
      assert.equal(entry.status, 200);
      assert.equal(entry.body._links['osdi:lists'].href, `${BASE}/lists`);
      assert.equal(entry.body._links['osdi:queries'].href, `${BASE}/queries`);
      assert.equal(entry.body._links['action_network:campaigns'].href, `${BASE}/campaigns`);
      assert.equal(entry.body._links['osdi:wrappers'].href, `${BASE}/wrappers`);
    });

    it('presents each tag as a list of the people it is on, with items paged', async () => {
      for (const n of [1, 2, 3]) await a.post('/people', { person: osdiPerson(`l${n}@example.org`), add_tags: ['volunteers', ...(n === 1 ? ['donors'] : [])] });
      await b.post('/people', { person: osdiPerson('other@example.org'), add_tags: ['volunteers'] });
      const lists = await a.get('/lists');
      assert.equal(lists.status, 200, lists.text);
      assert.equal(lists.body.total_records, 2);
      const byName = Object.fromEntries(lists.body._embedded['osdi:lists'].map((l: { name: string }) => [l.name, l]));
      const volunteers = byName.volunteers;
      assert.equal(volunteers.total_items, 3, 'only this organization’s people');
      assert.equal(volunteers.title, 'volunteers');
      assert.equal(byName.donors.total_items, 1);
      const id = idOf(volunteers);
      assert.equal(volunteers._links.self.href, `${BASE}/lists/${id}`);
      assert.equal(volunteers._links['osdi:items'].href, `${BASE}/lists/${id}/items`);
      assert.equal(volunteers._links['osdi:tag'].href, `${BASE}/tags/${id}`);
      assert.equal((await a.get(`/lists/${id}`)).body.name, 'volunteers');

      const page1 = await a.get(`/lists/${id}/items?per_page=2`);
      assert.equal(page1.status, 200, page1.text);
      assert.equal(page1.body.total_records, 3);
      assert.equal(page1.body.total_pages, 2);
      assert.ok(page1.body._links.next.href.includes('page=2'));
      const item = page1.body._embedded['osdi:items'][0];
      assert.equal(item.item_type, 'osdi:person');
      assert.equal(item['action_network:list_id'], id);
      assert.equal(item._links['osdi:list'].href, `${BASE}/lists/${id}`);
      assert.match(item._links['osdi:person'].href, new RegExp(`^${BASE}/people/[0-9a-f-]{36}$`));
      const person = await a.get(new URL(item._links['osdi:person'].href).pathname.replace('/api/v2', ''));
      assert.equal(person.status, 200);
      const one = await a.get(`/lists/${id}/items/${idOf(item)}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.body.identifiers, item.identifiers);
      const page2 = await a.get(`/lists/${id}/items?page=2&per_page=2`);
      assert.equal(page2.body._embedded['osdi:items'].length, 1);

      assert.equal((await filter('/lists', `identifier eq 'turnout:${id}'`)).body.total_records, 1);
      assert.equal((await filter(`/lists/${id}/items`, "created_date gt '2000-01-01'")).body.total_records, 3);
      assert.equal((await filter('/lists', `identifier eq 'turnout:${id}' or identifier eq 'turnout:${idOf(byName.donors)}'`)).body.total_records, 2);
      assert.equal((await filter('/lists', "name eq 'x'")).status, 400);
      assert.equal((await a.get('/lists?per_page=zero')).status, 400);
      // Another organization's list and items are a 404, like a missing one.
      assert.equal((await b.get(`/lists/${id}`)).status, 404);
      assert.equal((await b.get(`/lists/${id}/items`)).status, 404);
      assert.equal((await a.get(`/lists/${id}/items/${id}`)).status, 404);
      assert.equal((await a.get('/lists/nope')).status, 404);
      assert.equal((await b.get('/lists')).body.total_records, 1);
    });

    it('answers queries with an empty collection in its full shape: turnout saves no searches', async () => {
      const q = await a.get('/queries');
      assert.equal(q.status, 200);
      assert.deepEqual(
        { total_records: q.body.total_records, total_pages: q.body.total_pages, page: q.body.page, per_page: q.body.per_page, embedded: q.body._embedded },
        { total_records: 0, total_pages: 0, page: 1, per_page: 25, embedded: { 'osdi:queries': [] } },
      );
      assert.equal(q.body._links.self.href, `${BASE}/queries?page=1`);
      assert.equal((await a.get('/queries/00000000-0000-4000-8000-000000000000')).status, 404);
      assert.equal((await filter('/queries', 'bogus')).status, 400);
    });

    it('presents each event campaign as a campaign whose actions are its events', async () => {
      const c = (await a.post('/event_campaigns', { title: 'Week of action', description: 'Everywhere.', identifiers: ['cal:week'] })).body;
      const id = idOf(c);
      const event = await a.post(`/event_campaigns/${id}/events`, { title: 'Teach-in', start_date: '2031-05-01T18:00:00Z', location: { venue: 'Library', address_lines: ['400 S State St'], postal_code: '60605' } });
      assert.equal(event.status, 200, event.text);
      await a.post('/event_campaigns', { title: 'Second week' });
      const list = await a.get('/campaigns?per_page=1');
      assert.equal(list.status, 200, list.text);
      assert.equal(list.body.total_records, 2);
      assert.equal(list.body.total_pages, 2);
      const campaign = list.body._embedded['action_network:campaigns'][0];
      assert.equal(campaign.title, 'Week of action');
      assert.equal(campaign.description, 'Everywhere.');
      assert.equal(campaign.total_actions, 1);
      assert.deepEqual(campaign.actions.map((x: { title: string }) => x.title), ['Teach-in']);
      assert.equal(campaign.actions[0]._links.self.href, `${BASE}/events/${idOf(event.body)}`);
      assert.equal(campaign._links['action_network:event_campaign'].href, `${BASE}/event_campaigns/${id}`);
      assert.ok(campaign.identifiers.includes('cal:week'));
      assert.equal((await a.get(`/campaigns/${id}`)).body.title, 'Week of action');
      assert.equal((await filter('/campaigns', "identifier eq 'cal:week'")).body.total_records, 1);
      assert.equal((await filter('/campaigns', "title eq 'Second week'")).body.total_records, 1);
      assert.equal((await filter('/campaigns', "title eq 'Second week' or identifier eq 'cal:week'")).body.total_records, 2);
      assert.equal((await filter('/campaigns', "total_actions gt '1'")).status, 400);
      // The campaign's events take the events API's filters.
      assert.equal((await filter(`/event_campaigns/${id}/events`, "title eq 'Teach-in'")).body.total_records, 1);
      assert.equal((await filter(`/event_campaigns/${id}/events`, "start_date gt '2031-06-01'")).body.total_records, 0);
      assert.equal((await filter(`/event_campaigns/${id}/events`, "venue eq 'Library'")).status, 400);
      assert.equal((await b.get(`/campaigns/${id}`)).status, 404);
      assert.equal((await b.get('/campaigns')).body.total_records, 0);
    });

    it('presents the organization’s email layout as its one wrapper', async () => {
      await saveSettings(h.ctx.database.db, { organization_id: a.orgId, sender_name: 'A', reply_to: 'a@example.org', postal_address: '12 Union Sq, Chicago IL', rate_per_second: 5, daily_cap: 1000, click_counting: 0, timezone: 'America/Chicago', modified_at: new Date().toISOString() });
      const list = await a.get('/wrappers');
      assert.equal(list.status, 200, list.text);
      assert.equal(list.body.total_records, 1);
      const w = list.body._embedded['osdi:wrappers'][0];
      assert.equal(idOf(w), a.orgId);
      assert.equal(w.wrapper_type, 'email');
      assert.equal(w.default, true);
      assert.match(w.name, /Org res-a/);
      assert.match(w.header, /^<!doctype html>/);
      assert.match(w.header, /Org res-a/);
      assert.match(w.footer, /12 Union Sq, Chicago IL/);
      assert.match(w.footer, /\{\{unsubscribe_url\}\}/);
      assert.match(w.footer, /<\/html>\s*$/);
      assert.equal((await a.get(`/wrappers/${a.orgId}`)).body.header, w.header);
      assert.equal((await a.get(`/wrappers/${b.orgId}`)).status, 404, 'another organization’s wrapper');
      assert.equal((await filter('/wrappers', `identifier eq 'turnout:${b.orgId}'`)).body.total_records, 0);
      assert.equal((await filter('/wrappers', "created_date gt '2000-01-01'")).body.total_records, 1);
      assert.equal((await filter('/wrappers', `identifier eq 'turnout:${b.orgId}' or created_date lt '2000-01-01'`)).body.total_records, 0);
      assert.equal((await a.get('/wrappers?page=2')).body._embedded['osdi:wrappers'].length, 0);
      assert.equal((await filter('/wrappers', "name eq 'x'")).status, 400);
      // Without mail settings yet, the wrapper has no postal address but is there.
      assert.equal((await b.get('/wrappers')).body.total_records, 1);
    });

    it('answers hostile paths and queries with a 4xx, never a 500', async () => {
      const list = (await a.get('/lists')).body._embedded['osdi:lists'][0];
      const listId = idOf(list);
      const collections = ['/lists', `/lists/${listId}/items`, '/queries', '/campaigns', '/wrappers', '/event_campaigns'];
      const queries = [
        'page=0', 'page=-1', 'page=abc', 'per_page=1e9', 'page=99999999999', 'filter=%00', "filter=identifier%20eq%20'%00'",
        `filter=${encodeURIComponent("created_date gt 'yesterday'")}`, `filter=${encodeURIComponent("identifier eq 'x'".repeat(200))}`,
        'filter=a&filter=b', `filter=${encodeURIComponent("identifier gt 'x'")}`, 'sort=created_date', "filter=title%20eq%20'%ED%A0%80'",
      ];
      for (const path of collections) {
        for (const q of queries) {
          const res = await a.get(`${path}?${q}`);
          assert.ok(res.status >= 400 && res.status < 500, `${path}?${q}: ${res.status} ${res.text.slice(0, 200)}`);
        }
      }
      const ids = ['%00', 'x'.repeat(2000), 'turnout:%27%3B--', '..%2F..%2Fetc', `${listId}%00`, 'action_network:nope'];
      for (const base of ['/lists/', `/lists/${listId}/items/`, '/queries/', '/campaigns/', '/wrappers/', '/event_campaigns/']) {
        for (const id of ids) {
          const res = await a.get(`${base}${id}`);
          assert.ok(res.status >= 400 && res.status < 500, `${base}${id}: ${res.status}`);
        }
      }
      for (const path of ['/lists', '/queries', '/campaigns', '/wrappers']) {
        const res = await a.post(path, { name: 'x' });
        assert.ok(res.status >= 400 && res.status < 500, `POST ${path}: ${res.status}`);
      }
    });
  });
}
