import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { apiOrganization, idOf, osdiPerson, BASE, HAL, type ApiClient } from './api-support.ts';

for (const target of targets()) {
  describe(`open letters API on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;
    let other: ApiClient;
    let letterId: string;

    before(async () => {
      h = await harness(target);
      api = await apiOrganization(h, 'alpha');
      other = await apiOrganization(h, 'beta');
    });
    after(() => h.close());

    it('lists its letters from the entry point', async () => {
      const aep = await api.get('/');
      assert.equal(aep.body._links['turnout:open_letters'].href, `${BASE}/open_letters`);
    });

    it('creates a letter, refusing bad fields with a 400 that names them', async () => {
      const bad = await api.post('/open_letters', { title: '', 'turnout:letter_text': 'x', 'turnout:deadline': 'soon' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /Enter a title/);
      assert.match(bad.body.error, /deadline/);
      assert.equal((await api.post('/open_letters', { title: 42, 'turnout:letter_text': 'x' })).status, 400);
      const res = await api.post('/open_letters', {
        title: 'Letter to Lumidex',
        description: 'From the coalition',
        'turnout:letter_text': 'Dear CEO,\n\nStop.',
        target: [{ name: 'Dana Reyes' }],
        'turnout:deadline': '2999-01-01T17:00:00Z',
        'turnout:allow_individuals': true,
        'turnout:hold_until_count': 10,
        'turnout:groups': ['National', 'Local'],
      });
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers['content-type'] as string, HAL);
      letterId = idOf(res.body);
      assert.equal(res.body.title, 'Letter to Lumidex');
      assert.deepEqual(res.body.target, [{ name: 'Dana Reyes' }]);
      assert.equal(res.body['turnout:deadline'], '2999-01-01T17:00:00.000Z');
      assert.deepEqual(res.body['turnout:hold'], { until_count: 10, until_date: null, held: true });
      assert.deepEqual(res.body['turnout:groups'], ['National', 'Local']);
      assert.equal(res.body.browser_url, 'http://turnout.test/open_letters/letter-to-lumidex');
      assert.equal(res.body._links['turnout:record_signature_helper'].href, `${BASE}/open_letters/${letterId}/signatures`);
      const list = await api.get('/open_letters');
      assert.equal(list.body.total_records, 1);
      assert.equal(list.body._embedded['turnout:open_letters'][0].title, 'Letter to Lumidex');
      assert.equal((await api.get(`/open_letters/turnout:${letterId}`)).body.title, 'Letter to Lumidex');
    });

    it('updates a letter with PUT: what the body names changes, the rest stays; bad fields are a 400 that changes nothing', async () => {
      const put = (id: string, body: unknown) => api.put(`/open_letters/${id}`, body);
      const renamed = await put(letterId, { title: 'Letter to Lumidex’s board', 'turnout:title_es': 'Carta a la junta de Lumidex', 'turnout:hold_until_count': null });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal(renamed.body.title, 'Letter to Lumidex’s board');
      assert.equal(renamed.body['turnout:title_es'], 'Carta a la junta de Lumidex');
      assert.deepEqual(renamed.body['turnout:hold'], { until_count: null, until_date: null, held: false });
      assert.equal(renamed.body['turnout:letter_text'], 'Dear CEO,\n\nStop.', 'what the body leaves out stays');
      assert.deepEqual(renamed.body.target, [{ name: 'Dana Reyes' }]);
      assert.equal(renamed.body['turnout:deadline'], '2999-01-01T17:00:00.000Z');
      assert.deepEqual(renamed.body['turnout:groups'], ['National', 'Local']);
      assert.equal(renamed.body.browser_url, 'http://turnout.test/open_letters/letter-to-lumidex', 'the web address stays');
      const page = await h.app.inject({ url: '/open_letters/letter-to-lumidex?lang=es' });
      assert.match(page.body, /Carta a la junta de Lumidex/, 'the public page shows the change at once');

      const bad = await put(letterId, { title: '', 'turnout:deadline': 'soon' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /Enter a title/);
      assert.match(bad.body.error, /deadline/);
      assert.equal((await put(letterId, { title: 42 })).status, 400);
      // Spanish group names must fit the groups: new groups without them are refused while old names stand.
      assert.equal((await put(letterId, { 'turnout:groups_es': ['Nacional', 'Local'] })).status, 200);
      const groups = await put(letterId, { 'turnout:groups': ['National', 'State', 'Local'] });
      assert.equal(groups.status, 400);
      assert.match(groups.body.error, /Spanish|español|groups/i);
      const after = await api.get(`/open_letters/${letterId}`);
      assert.equal(after.body.title, 'Letter to Lumidex’s board', 'a refused PUT changed nothing');
      assert.deepEqual(after.body['turnout:groups'], ['National', 'Local']);

      assert.equal((await put('00000000-0000-7000-8000-000000000000', { title: 'x' })).status, 404);
      assert.equal((await other.put(`/open_letters/${letterId}`, { title: 'Taken over' })).status, 404, 'not another organization’s');
    });

    it('records an organization’s signature through the helper: pending review, no confirmation email', async () => {
      const res = await api.post(`/open_letters/${letterId}/signatures`, {
        person: osdiPerson('lead@fnd.example', { email_addresses: [{ address: 'lead@fnd.example', status: 'subscribed' }] }),
        'turnout:organization': { name: 'Faces Not Data', website: 'fnd.example', locality: 'Chicago', region: 'IL', role: 'Director', show_signer: true },
        add_tags: ['coalition'],
        'action_network:referrer_data': { source: 'partner-email' },
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body['turnout:signed_as'], 'organization');
      assert.equal(res.body['turnout:status'], 'pending');
      assert.equal(res.body['turnout:confirmed'], true);
      assert.equal(res.body['turnout:organization'].website, 'https://fnd.example/');
      assert.equal(res.body['action_network:referrer_data'].source, 'partner-email');
      assert.equal(res.body._embedded['osdi:person'].email_addresses[0].address, 'lead@fnd.example');
      await h.runJobs();
      assert.equal(h.mailer.sent.filter((m) => m.to === 'lead@fnd.example').length, 0);
      const again = await api.post(`/open_letters/${letterId}/signatures`, { person: osdiPerson('lead@fnd.example'), 'turnout:organization': { name: 'Faces Not Data', locality: 'Chicago', region: 'IL' } });
      assert.equal(idOf(again.body), idOf(res.body), 'a repeat is the same signature');
      const list = await api.get(`/open_letters/${letterId}/signatures`);
      assert.equal(list.body.total_records, 1);
      const one = await api.get(`/open_letters/${letterId}/signatures/${idOf(res.body)}`);
      assert.equal(one.body['turnout:organization'].name, 'Faces Not Data');
    });

    it('records an individual, counted at once; refuses bad organizations and closed letters', async () => {
      const person = await api.post(`/open_letters/${letterId}/signatures`, { person: osdiPerson('ivy@example.org') });
      assert.equal(person.status, 200);
      assert.equal(person.body['turnout:signed_as'], 'individual');
      assert.equal((await api.get(`/open_letters/${letterId}`)).body['turnout:total_individuals'], 1);
      const bad = await api.post(`/open_letters/${letterId}/signatures`, { person: osdiPerson('x@example.org'), 'turnout:organization': { name: '<b>X</b>', website: 'not a site', locality: 'Town', region: '' } });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /turnout:organization\.website: Enter the organization’s website/);
      assert.match(bad.body.error, /turnout:organization\.region: Enter the state/);
      const closed = await api.post('/open_letters', { title: 'Past letter', 'turnout:letter_text': 'x', 'turnout:deadline': '2000-01-01' });
      const res = await api.post(`/open_letters/${idOf(closed.body)}/signatures`, { person: osdiPerson('late@example.org'), 'turnout:organization': { name: 'Late Org', locality: 'Town', region: 'CA' } });
      assert.equal(res.status, 409);
      assert.match(res.body.error, /closed/);
      const orgsOnly = await api.post('/open_letters', { title: 'Organizations only', 'turnout:letter_text': 'x' });
      assert.equal((await api.post(`/open_letters/${idOf(orgsOnly.body)}/signatures`, { person: osdiPerson('solo@example.org') })).status, 409);
    });

    it('never shows another organization’s letters or signatures', async () => {
      assert.equal((await other.get(`/open_letters/${letterId}`)).status, 404);
      assert.equal((await other.get(`/open_letters/${letterId}/signatures`)).status, 404);
      assert.equal((await other.post(`/open_letters/${letterId}/signatures`, { person: osdiPerson('intruder@example.org') })).status, 404);
      assert.equal((await other.get('/open_letters')).body.total_records, 0);
      assert.equal((await h.app.inject({ url: '/api/v2/open_letters' })).statusCode, 403);
    });
  });
}
