import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { apiOrganization, BASE, HAL, idOf, type ApiClient } from './api-support.ts';
import { nextWeek } from './event-campaigns-support.ts';

const eventBody = (over: Record<string, unknown> = {}) => ({
  title: 'Vigil at City Hall',
  description: 'Candles provided.',
  start_date: `${nextWeek()}T18:00:00`,
  end_date: `${nextWeek()}T20:00:00`,
  capacity: 50,
  timezone_identifier: 'America/Chicago',
  location: { venue: 'City Hall', address_lines: ['121 N LaSalle St'], postal_code: '60602', country: 'US' },
  contact: { name: 'Kim Host', email_address: 'Kim@Example.org' },
  ...over,
});

for (const target of targets()) {
  describe(`API event campaigns on ${target.name}`, () => {
    let h: Harness;
    let alpha: ApiClient;
    let beta: ApiClient;
    before(async () => {
      h = await harness(target);
      alpha = await apiOrganization(h, 'alpha');
      beta = await apiOrganization(h, 'beta');
    });
    after(() => h.close());

    it('creates, reads and lists event campaigns in Action Network’s shape', async () => {
      const created = await alpha.post('/event_campaigns', { title: 'Week of Action', description: 'Across the country.', origin_system: 'Sync tool' });
      assert.equal(created.status, 200, created.text);
      assert.match(created.headers['content-type'] as string, HAL);
      const c = created.body;
      const id = idOf(c);
      assert.equal(c.title, 'Week of Action');
      assert.equal(c.origin_system, 'Sync tool');
      assert.equal(c.browser_url, 'http://turnout.test/event_campaigns/week-of-action');
      assert.equal(c.host_url, 'http://turnout.test/event_campaigns/week-of-action/host');
      assert.equal(c.total_events, 0);
      assert.equal(c.total_rsvps, 0);
      assert.equal(c._links.self.href, `${BASE}/event_campaigns/${id}`);
      assert.equal(c._links['osdi:events'].href, `${BASE}/event_campaigns/${id}/events`);
      assert.ok(Array.isArray(c._links.curies));

      const got = await alpha.get(`/event_campaigns/turnout:${id}`);
      assert.equal(got.status, 200);
      assert.equal(got.body.title, 'Week of Action');
      await alpha.post('/event_campaigns', { title: 'Second week' });
      const list = await alpha.get('/event_campaigns?per_page=1');
      assert.equal(list.status, 200);
      assert.equal(list.body.total_records, 2);
      assert.equal(list.body.total_pages, 2);
      assert.equal(list.body._embedded['action_network:event_campaigns'][0].title, 'Week of Action');
      assert.ok(list.body._links.next);

      const bad = await alpha.post('/event_campaigns', { title: '   ' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /title must not be empty/);
      const wrongType = await alpha.post('/event_campaigns', { title: 42 });
      assert.equal(wrongType.status, 400);
    });

    it('adds an event to a campaign with Action Network’s field names, and counts it', async () => {
      const c = (await alpha.post('/event_campaigns', { title: 'Adds events' })).body;
      const id = idOf(c);
      const res = await alpha.post(`/event_campaigns/${id}/events`, eventBody());
      assert.equal(res.status, 200, res.text);
      const e = res.body;
      assert.equal(e.title, 'Vigil at City Hall');
      assert.equal(e.status, 'confirmed');
      assert.equal(e.visibility, 'public');
      assert.equal(e.capacity, 50);
      assert.equal(e.timezone_identifier, 'America/Chicago');
      assert.equal(e['action_network:event_campaign_id'], id);
      assert.equal(e.location.locality, 'Chicago', 'the city comes from the ZIP when none is sent');
      assert.equal(e.location.region, 'IL');
      assert.ok(Math.abs(e.location.location.latitude - 41.88) < 0.1, 'and the coordinates');
      assert.equal(e._links['action_network:event_campaign'].href, `${BASE}/event_campaigns/${id}`);
      assert.equal(e.start_date, `${nextWeek()}T18:00:00Z`, 'the event’s wall-clock time, as Action Network (and the events API) write it');
      const row = await h.ctx.database.db.selectFrom('events').selectAll().where('id', '=', idOf(e)).executeTakeFirstOrThrow();
      assert.equal(row.host_email, 'kim@example.org');
      assert.equal(row.campaign_id, id);

      const online = await alpha.post(`/event_campaigns/${id}/events`, eventBody({ title: 'Call-in', location: null, 'turnout:join_url': 'https://meet.example.org/x', status: 'tentative', start_date: `${nextWeek()}T23:00:00Z`, end_date: null }));
      assert.equal(online.status, 200, online.text);
      assert.equal(online.body.status, 'tentative');
      assert.equal(online.body['turnout:online'], true);
      assert.equal(online.body.location.postal_code, null);

      // A tentative event with a host waits for the organizers, like a host's own offer.
      const queue = await h.ctx.database.db.selectFrom('events').select(['status', 'host_email_confirmed_at']).where('id', '=', idOf(online.body)).executeTakeFirstOrThrow();
      assert.equal(queue.status, 'pending');
      assert.ok(queue.host_email_confirmed_at, 'a host named by the organizer counts as confirmed');
      const listed = await alpha.get(`/event_campaigns/${id}/events`);
      assert.equal(listed.body.total_records, 2);
      const campaign = await alpha.get(`/event_campaigns/${id}`);
      assert.equal(campaign.body.total_events, 1, 'only confirmed events count');

      // The campaign's public page shows it.
      const page = await h.app.inject({ method: 'GET', url: '/event_campaigns/adds-events?zip=60601&distance=5' });
      assert.match(page.body, /Vigil at City Hall/);
    });

    it('refuses a wrong event with a message that names each field', async () => {
      const id = idOf((await alpha.post('/event_campaigns', { title: 'Strict' })).body);
      const res = await alpha.post(`/event_campaigns/${id}/events`, eventBody({ start_date: 'next tuesday' }));
      assert.equal(res.status, 400);
      assert.match(res.body.error, /start_date must be a date and time like/);
      const end = await alpha.post(`/event_campaigns/${id}/events`, eventBody({ end_date: `${nextWeek()}T17:00:00` }));
      assert.equal(end.status, 400);
      assert.match(end.body.error, /end_date: The end must be after the start/);
      const zone = await alpha.post(`/event_campaigns/${id}/events`, eventBody({ timezone_identifier: 'Mars/Olympus' }));
      assert.equal(zone.status, 400);
      assert.match(zone.body.error, /timezone_identifier/);
      // As at Action Network, neither a time zone nor a street is required: the zone comes from the ZIP.
      const { timezone_identifier: _zone, ...noZoneBody } = eventBody({ location: { postal_code: '80202' } });
      const noZone = await alpha.post(`/event_campaigns/${id}/events`, noZoneBody);
      assert.equal(noZone.status, 200, noZone.text);
      assert.equal(noZone.body.timezone_identifier, 'America/Denver');
      assert.deepEqual(noZone.body.location.address_lines, []);
      const email = await alpha.post(`/event_campaigns/${id}/events`, eventBody({ contact: { email_address: 'nope' } }));
      assert.equal(email.status, 400);
      assert.match(email.body.error, /contact/);
      const count = await h.ctx.database.db.selectFrom('events').select('id').where('campaign_id', '=', id).execute();
      assert.deepEqual(count.map((e) => e.id), [idOf(noZone.body)], 'only the event without a zone or a street was made');
    });

    it('reads and writes the Spanish title and description; null or empty removes one, absent keeps it', async () => {
      const made = await alpha.post('/event_campaigns', { title: 'Bilingual week', 'turnout:title_es': ' Semana bilingüe ', 'turnout:description_es': 'En todo el **país**.' });
      assert.equal(made.status, 200, made.text);
      assert.equal(made.body['turnout:title_es'], 'Semana bilingüe');
      assert.equal(made.body['turnout:description_es'], 'En todo el **país**.');
      const id = idOf(made.body);
      const page = await h.app.inject({ url: '/event_campaigns/bilingual-week', headers: { 'accept-language': 'es' } });
      assert.match(page.body, /Semana bilingüe/);
      const kept = await alpha.put(`/event_campaigns/${id}`, { title: 'Bilingual week!' });
      assert.equal(kept.status, 200, kept.text);
      assert.equal(kept.body['turnout:title_es'], 'Semana bilingüe', 'absent keeps it');
      const back = await alpha.put(`/event_campaigns/${id}`, { ...kept.body, 'turnout:title_es': null, 'turnout:description_es': '' });
      assert.equal(back.status, 200, back.text);
      assert.equal(back.body['turnout:title_es'], null);
      assert.equal(back.body['turnout:description_es'], null);
      const row = await h.ctx.database.db.selectFrom('event_campaigns').select(['title_es', 'description_es']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { title_es: null, description_es: null });
      const long = await alpha.put(`/event_campaigns/${id}`, { 'turnout:title_es': 'x'.repeat(201) });
      assert.equal(long.status, 400);
      assert.match(long.body.error, /turnout:title_es must be 200 characters or fewer/);
      const bad = await alpha.post('/event_campaigns', { title: 'Bad week', 'turnout:description_es': 'Hola\uFFFD' });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /turnout:description_es contains/);
      const row2 = await h.ctx.database.db.selectFrom('event_campaigns').select('title_es').where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row2.title_es, null, 'nothing was written');
      assert.equal(await h.ctx.database.db.selectFrom('event_campaigns').select('id').where('title', '=', 'Bad week').executeTakeFirst(), undefined);
    });

    it('never shows or changes another organization’s campaigns', async () => {
      const id = idOf((await alpha.post('/event_campaigns', { title: 'Alpha only' })).body);
      assert.equal((await beta.get(`/event_campaigns/${id}`)).status, 404);
      assert.equal((await beta.get(`/event_campaigns/${id}/events`)).status, 404);
      assert.equal((await beta.post(`/event_campaigns/${id}/events`, eventBody())).status, 404);
      const list = await beta.get('/event_campaigns');
      assert.equal(list.body.total_records, 0);
      assert.equal((await alpha.get('/event_campaigns/not-an-id')).status, 404);
      const noToken = await h.app.inject({ method: 'GET', url: '/api/v2/event_campaigns' });
      assert.equal(noToken.statusCode, 403);
    });
  });
}
