import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { organization } from './admin-helpers.ts';
import { createApiToken } from '../src/orgs/service.ts';
import { makeCampaign } from './letters-support.ts';

for (const t of targets()) {
  describe(`advocacy campaigns and outreaches API on ${t.name}`, () => {
    let h: Harness;
    let token: string;
    let otherToken: string;
    before(async () => {
      h = await harness(t);
      const org = await organization(h, 'Api Letters');
      token = (await createApiToken(h.ctx.database.db, org.slug, 'test')).token;
      const other = await organization(h, 'Api Other');
      otherToken = (await createApiToken(h.ctx.database.db, other.slug, 'test')).token;
    });
    after(() => h.close());
    const call = (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, key = token) =>
      h.app.inject({ method, url: `/api/v2${url}`, headers: { 'osdi-api-token': key, ...(body ? { 'content-type': 'application/json' } : {}) }, payload: body ? JSON.stringify(body) : undefined });
    const idOf = (doc: { identifiers: string[] }) => doc.identifiers[0]!.split(':')[1]!;
    const person = (email: string) => ({ given_name: 'Ana', family_name: 'Ruiz', email_addresses: [{ address: email }], postal_addresses: [{ postal_code: '60605', country: 'US' }] });

    it('creates, lists, reads and updates advocacy campaigns in Action Network\u2019s shape', async () => {
      const made = await call('POST', '/advocacy_campaigns', {
        title: 'Write the mayor', description: 'Why.', 'turnout:subject': 'Fund transit', 'turnout:letter_body': 'Please fund it.', 'turnout:hourly_cap': 20,
        targets: [{ given_name: 'Bo', family_name: 'Chen', title: 'Mayor', organization: 'City', 'turnout:email_address': 'bo@city.example' }],
      });
      assert.equal(made.statusCode, 200, made.body);
      const doc = JSON.parse(made.body);
      assert.equal(doc.title, 'Write the mayor');
      assert.equal(doc.total_outreaches, 0);
      assert.deepEqual([doc.targets[0].given_name, doc.targets[0].family_name, doc.targets[0].title, doc.targets[0].organization], ['Bo', 'Chen', 'Mayor', 'City']);
      assert.match(doc.browser_url, /\/letters\/write-the-mayor$/);
      assert.ok(doc._links['osdi:record_outreach_helper'].href.endsWith('/outreaches'));
      const id = idOf(doc);
      const list = JSON.parse((await call('GET', '/advocacy_campaigns')).body);
      assert.equal(list.total_records, 1);
      assert.equal(list._embedded['osdi:advocacy_campaigns'][0].title, 'Write the mayor');
      const put = await call('PUT', `/advocacy_campaigns/${id}`, { title: 'Write the mayor today', 'turnout:hourly_cap': 40 });
      assert.equal(put.statusCode, 200);
      const updated = JSON.parse(put.body);
      assert.equal(updated.title, 'Write the mayor today');
      assert.equal(updated['turnout:hourly_cap'], 40);
      assert.equal(updated['turnout:subject'], 'Fund transit');
      const bad = await call('PUT', `/advocacy_campaigns/${id}`, { 'turnout:window_start': '25:00', 'turnout:time_zone': 'Nowhere' });
      assert.equal(bad.statusCode, 400);
      assert.match(JSON.parse(bad.body).error, /turnout:window_start: .*turnout:time_zone: /);
      const badTargets = await call('POST', '/advocacy_campaigns', { title: 'X', targets: [{ given_name: 'A', 'turnout:email_address': 'nope' }] });
      assert.equal(badTargets.statusCode, 400);
      assert.equal((await call('GET', `/advocacy_campaigns/${id}`, undefined, otherToken)).statusCode, 404);
      assert.equal((await call('PUT', `/advocacy_campaigns/${id}`, { title: 'Mine now' }, otherToken)).statusCode, 404);
    });

    it('records outreaches with the helper: queued to the targets, a repeat writer counted once, bad letters refused', async () => {
      const org = await h.ctx.database.db.selectFrom('organizations').select('id').where('name', '=', 'Api Letters').executeTakeFirstOrThrow();
      const c = await makeCampaign(h, org.id, { title: 'Api helper', body_max_length: 200 });
      const rec = await call('POST', `/advocacy_campaigns/${c.id}/outreaches`, { person: person('writer@example.org'), subject: 'My subject', message: 'My words <b>here</b>.', add_tags: ['letters'] });
      assert.equal(rec.statusCode, 200, rec.body);
      const o = JSON.parse(rec.body);
      assert.equal(o.subject, 'My subject');
      assert.equal(o.message, 'My words <b>here</b>.');
      assert.equal(o.targets.length, 1);
      assert.equal(o.targets[0]['turnout:delivery'], 'queued');
      assert.equal(o._embedded['osdi:person'].given_name, 'Ana');
      const again = JSON.parse((await call('POST', `/advocacy_campaigns/${c.id}/outreaches`, { person: person('WRITER@example.org'), message: 'Again.' })).body);
      assert.equal(idOf(again), idOf(o));
      const campaign = JSON.parse((await call('GET', `/advocacy_campaigns/${c.id}`)).body);
      assert.equal(campaign.total_outreaches, 1);
      const long = await call('POST', `/advocacy_campaigns/${c.id}/outreaches`, { person: person('long@example.org'), message: 'x'.repeat(201) });
      assert.equal(long.statusCode, 400);
      assert.match(JSON.parse(long.body).error, /message: Your message must be 200 characters or fewer/);
      const list = JSON.parse((await call('GET', `/advocacy_campaigns/${c.id}/outreaches`)).body);
      assert.equal(list.total_records, 1);
      const one = await call('GET', `/advocacy_campaigns/${c.id}/outreaches/${idOf(o)}`);
      assert.equal(one.statusCode, 200);
      const personId = o['action_network:person_id'];
      const mine = JSON.parse((await call('GET', `/people/${personId}/outreaches`)).body);
      assert.equal(mine._embedded['osdi:outreaches'].length, 1);
      assert.equal((await call('GET', `/advocacy_campaigns/${c.id}/outreaches`, undefined, otherToken)).statusCode, 404);
      assert.equal((await call('POST', `/advocacy_campaigns/${c.id}/outreaches`, { person: person('x@example.org') }, otherToken)).statusCode, 404);
      const entry = JSON.parse((await call('GET', '/')).body);
      assert.ok(entry._links['osdi:advocacy_campaigns']);
    });

    it('answers a closed campaign with 409 and a writer with no target with 422', async () => {
      const org = await h.ctx.database.db.selectFrom('organizations').select('id').where('name', '=', 'Api Letters').executeTakeFirstOrThrow();
      const closed = await makeCampaign(h, org.id, { title: 'Api closed', status: 'closed' });
      assert.equal((await call('POST', `/advocacy_campaigns/${closed.id}/outreaches`, { person: person('c@example.org') })).statusCode, 409);
      const matched = await makeCampaign(h, org.id, { title: 'Api matched', target_mode: 'matched' }, []);
      const none = await call('POST', `/advocacy_campaigns/${matched.id}/outreaches`, { person: person('n@example.org') });
      assert.equal(none.statusCode, 422);
      assert.match(JSON.parse(none.body).error, /No target of this campaign matches/);
    });
  });
}
