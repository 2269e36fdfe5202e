import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { apiOrganization, idOf, osdiPerson, type ApiClient } from './api-support.ts';
import { saveSettings } from '../src/mailings/repository.ts';

// Events as Action Network writes and takes them: dates on the event's wall clock with a `Z`,
// no time zone or street required, identifiers of other systems kept and filterable; and PUT
// on attendances, signatures and event campaigns with Action Network's merge.

// A summer day (New York on daylight time, UTC-4) and a winter one (UTC-5), far ahead.
const SUMMER = '2031-07-10';
const WINTER = '2031-01-15';
const place = { venue: 'Union hall', address_lines: ['1 Main St'], locality: 'Albany', region: 'NY', postal_code: '12207', country: 'US' };

for (const target of targets()) {
  describe(`Action Network's events, identifiers and PUTs on ${target.name}`, () => {
    let h: Harness;
    let a: ApiClient;
    let b: ApiClient;
    before(async () => {
      h = await harness(target);
      a = await apiOrganization(h, 'an-a');
      b = await apiOrganization(h, 'an-b');
    });
    after(() => h.close());

    const db = () => h.ctx.database.db;
    const count = async (table: 'events' | 'event_campaigns' | 'api_identifiers') =>
      Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const filter = (path: string, f: string, client = a) => client.get(`${path}?filter=${encodeURIComponent(f)}`);

    it('writes start_date and end_date as Action Network does: the event’s wall-clock time followed by Z', async () => {
      const summer = await a.post('/events', { title: 'Summer rally', start_date: `${SUMMER}T18:00:00Z`, timezone_identifier: 'America/New_York', location: place });
      assert.equal(summer.status, 200, summer.text);
      assert.equal(summer.body.start_date, `${SUMMER}T18:00:00Z`, 'the digits are the time on the event’s page');
      assert.equal(summer.body.end_date, `${SUMMER}T20:00:00Z`);
      assert.equal(summer.body['turnout:start_utc'], `${SUMMER}T22:00:00.000Z`, 'the instant: 6 pm in New York in July is 22:00 UTC');
      const row = await db().selectFrom('events').select('start_at').where('id', '=', idOf(summer.body)).executeTakeFirstOrThrow();
      assert.equal(row.start_at, `${SUMMER}T22:00:00.000Z`);
      // A client that reads the digits as Action Network's do (UTC digits as the local time) sees 18:00, not 22:00.
      assert.equal(new Date(summer.body.start_date).getUTCHours(), 18);

      const winter = await a.post('/events', { title: 'Winter rally', start_date: `${WINTER}T18:00:00`, timezone_identifier: 'America/New_York', location: place });
      assert.equal(winter.body.start_date, `${WINTER}T18:00:00Z`, 'no suffix is the wall clock too');
      assert.equal(winter.body['turnout:start_utc'], `${WINTER}T23:00:00.000Z`);

      // A numeric offset is an instant, read on the event's clock.
      const offset = await a.post('/events', { title: 'Offset rally', start_date: `${SUMMER}T18:00:00-05:00`, timezone_identifier: 'America/New_York', location: place });
      assert.equal(offset.body.start_date, `${SUMMER}T19:00:00Z`);
      assert.equal(offset.body['turnout:start_utc'], `${SUMMER}T23:00:00.000Z`);

      // What a client read, it can send back: a PUT of the same start moves nothing.
      const back = await a.put(`/events/${idOf(summer.body)}`, { start_date: summer.body.start_date, end_date: summer.body.end_date });
      assert.equal(back.status, 200, back.text);
      assert.equal(back.body['turnout:start_utc'], `${SUMMER}T22:00:00.000Z`);
    });

    it('takes Action Network’s documented event example as it stands: no zone, a foreign identifier, a start with Z', async () => {
      const example = {
        identifiers: ['foreign_system:1'],
        title: 'My Free Event',
        origin_system: 'FreeEvents.com',
        start_date: '2014-03-18T11:00:00Z',
        location: { venue: 'White House', address_lines: ['1600 Pennsylvania Ave'], locality: 'Washington', region: 'DC', postal_code: '20009', country: 'US' },
      };
      const res = await a.post('/events', example);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.start_date, '2014-03-18T11:00:00Z', 'read back exactly as sent');
      assert.equal(res.body.timezone_identifier, 'America/New_York', 'from the ZIP');
      assert.equal(res.body['turnout:start_utc'], '2014-03-18T15:00:00.000Z', '11 am in Washington in March is 15:00 UTC');
      assert.equal(res.body.origin_system, 'FreeEvents.com');
      assert.ok(res.body.identifiers.includes('foreign_system:1'));
      assert.equal((await filter('/events', "identifier eq 'foreign_system:1'")).body.total_records, 1);
    });

    it('creates an event without timezone_identifier or address_lines, taking the zone from its place or the organization', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ postal_code: '60602' }, 'America/Chicago'],
        [{ postal_code: '80202', locality: 'Denver' }, 'America/Denver'],
        [{ postal_code: '79901' }, 'America/Denver'], // El Paso keeps Mountain time in Central Texas
        [{ postal_code: '37902' }, 'America/New_York'], // Knoxville: eastern Tennessee
        [{ region: 'CA', locality: 'Oakland' }, 'America/Los_Angeles'],
        [{ location: { latitude: 47.6062, longitude: -122.3321 } }, 'America/Los_Angeles'],
        [{ country: 'FR', locality: 'Paris' }, 'Europe/Paris'],
      ];
      for (const [location, zone] of cases) {
        const res = await a.post('/events', { title: `Somewhere ${zone}`, start_date: `${SUMMER}T10:00:00Z`, location });
        assert.equal(res.status, 200, `${JSON.stringify(location)}: ${res.text}`);
        assert.equal(res.body.timezone_identifier, zone, JSON.stringify(location));
        assert.equal(res.body.start_date, `${SUMMER}T10:00:00Z`);
        assert.deepEqual(res.body.location.address_lines, []);
      }
      // No place at all: the organization's zone (its mailing settings), else New York's.
      const none = await a.post('/events', { title: 'Place to be announced', start_date: `${SUMMER}T10:00:00Z` });
      assert.equal(none.status, 200, none.text);
      assert.equal(none.body.timezone_identifier, 'America/New_York');
      await saveSettings(db(), { organization_id: b.orgId, sender_name: 'B', reply_to: 'b@example.org', postal_address: '1 Main St', rate_per_second: 5, daily_cap: 1000, click_counting: 0, timezone: 'America/Phoenix', modified_at: new Date().toISOString() });
      const phoenix = await b.post('/events', { title: 'Where we meet', start_date: `${SUMMER}T10:00:00Z` });
      assert.equal(phoenix.body.timezone_identifier, 'America/Phoenix');
      // Its public page works without a street.
      const page = await h.app.inject({ method: 'GET', url: new URL(none.body.browser_url).pathname });
      assert.equal(page.statusCode, 200);
      // A street that is sent is still checked, and a zone that is sent still wins.
      const bad = await a.post('/events', { title: 'Bad ZIP', start_date: `${SUMMER}T10:00:00Z`, location: { postal_code: '123' } });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /location\.postal_code/);
      const given = await a.post('/events', { title: 'Given zone', start_date: `${SUMMER}T10:00:00Z`, timezone_identifier: 'America/Chicago', location: { postal_code: '80202' } });
      assert.equal(given.body.timezone_identifier, 'America/Chicago');
    });

    it('keeps identifiers sent on create and update, finds the event by them, and never makes one twice', async () => {
      const before = await count('events');
      const made = await a.post('/events', { title: 'Calendar sync', start_date: `${SUMMER}T19:00:00Z`, identifiers: ['mycal:123', 'turnout:ignored'], location: place });
      assert.equal(made.status, 200, made.text);
      const id = idOf(made.body);
      assert.ok(made.body.identifiers.includes(`turnout:${id}`));
      assert.ok(made.body.identifiers.includes('mycal:123'));
      assert.ok(!made.body.identifiers.includes('turnout:ignored'), 'turnout’s own identifiers are not taken from a client');
      const found = await filter('/events', "identifier eq 'mycal:123'");
      assert.equal(found.status, 200, found.text);
      assert.deepEqual(found.body._embedded['osdi:events'].map(idOf), [id]);
      assert.ok(found.body._embedded['osdi:events'][0].identifiers.includes('mycal:123'));
      assert.equal((await a.get(`/events/${id}`)).body.identifiers.at(-1), 'mycal:123');
      // The second run of a sync: the identifier is taken, so nothing is made.
      const again = await a.post('/events', { title: 'Calendar sync', start_date: `${SUMMER}T19:00:00Z`, identifiers: ['mycal:123'] });
      assert.equal(again.status, 409);
      assert.match(again.body.error, /mycal:123.*already names another event/);
      assert.equal(await count('events'), before + 1);
      // Another organization's identifiers are its own.
      assert.equal((await filter('/events', "identifier eq 'mycal:123'", b)).body.total_records, 0);
      const theirs = await b.post('/events', { title: 'Theirs', start_date: `${SUMMER}T19:00:00Z`, identifiers: ['mycal:123', 'theirs:1'] });
      assert.equal(theirs.status, 200, theirs.text);
      // PUT adds identifiers (arrays merge) and keeps the old ones.
      const put = await a.put(`/events/${id}`, { identifiers: ['mycal:123', 'crm:9'], title: 'Calendar sync, renamed' });
      assert.equal(put.status, 200, put.text);
      assert.deepEqual(put.body.identifiers.filter((i: string) => !/^(turnout|action_network):/.test(i)), ['mycal:123', 'crm:9']);
      assert.equal((await filter('/events', "identifier eq 'crm:9'")).body.total_records, 1);
      assert.equal((await filter('/events', "identifier eq 'nobody:1'")).body.total_records, 0);
      const either = await filter('/events', "(identifier eq 'crm:9' or identifier eq 'foreign_system:1') and created_date gt '2000-01-01'");
      assert.equal(either.status, 200, either.text);
      assert.equal(either.body.total_records, 2, 'identifiers of other systems in an or');
      // Bad identifiers are a 400, and nothing is written.
      const ids = await count('api_identifiers');
      for (const identifiers of [['no-colon'], ['bad system:1'], ['crm:'], [42], 'crm:1']) {
        const res = await a.post('/events', { title: 'Bad ids', start_date: `${SUMMER}T19:00:00Z`, identifiers });
        assert.equal(res.status, 400, `${JSON.stringify(identifiers)}: ${res.text}`);
        assert.match(res.body.error, /identifiers/);
      }
      const taken = await a.put(`/events/${id}`, { title: 'Should not change', identifiers: [theirs.body.identifiers.at(-1), 'x:1'] });
      assert.equal(taken.status, 200, 'another organization’s identifier is free here');
      const first = await a.post('/events', { title: 'Other', start_date: `${SUMMER}T19:00:00Z`, identifiers: ['only:1'] });
      const clash = await a.put(`/events/${idOf(first.body)}`, { title: 'Must not change', identifiers: ['crm:9'] });
      assert.equal(clash.status, 409);
      assert.equal((await a.get(`/events/${idOf(first.body)}`)).body.title, 'Other', 'a refused PUT changes nothing');
      assert.equal(await count('api_identifiers'), ids + 2 + 1);
    });

    it('embeds event campaigns under action_network:event_campaigns and honours ?filter=', async () => {
      const entry = await a.get('/');
      assert.ok(entry.body._links['action_network:event_campaigns'].href.endsWith('/event_campaigns'));
      assert.equal(entry.body._links['osdi:event_campaigns'], undefined);
      await a.post('/event_campaigns', { title: 'Spring week', identifiers: ['cal:spring'] });
      await a.post('/event_campaigns', { title: 'Fall week' });
      const all = await a.get('/event_campaigns');
      assert.equal(all.body.total_records, 2);
      assert.equal(all.body._embedded['osdi:event_campaigns'], undefined);
      assert.equal(all.body._links['action_network:event_campaigns'].length, 2);
      const fall = await filter('/event_campaigns', "title eq 'Fall week'");
      assert.deepEqual(fall.body._embedded['action_network:event_campaigns'].map((c: { title: string }) => c.title), ['Fall week']);
      assert.ok(fall.body._links.self.href.includes('filter='), 'links keep the filter');
      const byId = await filter('/event_campaigns', "identifier eq 'cal:spring'");
      assert.deepEqual(byId.body._embedded['action_network:event_campaigns'].map((c: { title: string }) => c.title), ['Spring week']);
      assert.equal((await filter('/event_campaigns', "created_date gt '2000-01-01'")).body.total_records, 2);
      assert.equal((await filter('/event_campaigns', "identifier eq 'cal:spring' or title eq 'Fall week'")).body.total_records, 2);
      assert.equal((await filter('/event_campaigns', "location eq 'x'")).status, 400);
      assert.equal((await filter('/event_campaigns', 'title eq')).status, 400);
    });

    it('PUT on an event campaign merges, refuses unknown fields and wrong types, and writes nothing then', async () => {
      const c = (await a.post('/event_campaigns', { title: 'To edit', description: 'First words.' })).body;
      const id = idOf(c);
      const put = await a.put(`/event_campaigns/${id}`, { description: null, 'turnout:status': 'closed', identifiers: ['crm:c1'] });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.body.title, 'To edit', 'a field left out keeps its value');
      assert.equal(put.body.description, '', 'null clears');
      assert.equal(put.body['turnout:status'], 'closed');
      assert.ok(put.body.identifiers.includes('crm:c1'));
      // A client may send back what it read, read-only fields and links included.
      const { _links, ...whole } = put.body;
      const resent = await a.put(`/event_campaigns/${id}`, { ...whole, _links, title: 'Edited' });
      assert.equal(resent.status, 200, resent.text);
      assert.equal(resent.body.title, 'Edited');
      const bad: [unknown, number, RegExp][] = [
        [{ title: 'Nope', colour: 'red' }, 400, /"colour" is not a field of an event campaign/],
        [{ title: 42 }, 400, /title must be a string/],
        [{ title: '   ' }, 400, /title must not be empty/],
        [{ 'turnout:status': 'paused' }, 400, /turnout:status/],
        [{ title: 'Nope', origin_system: 'elsewhere' }, 400, /origin_system/],
        [{ title: 'Nope', identifiers: ['cal:spring'] }, 409, /cal:spring/],
        [[1, 2], 400, /body must be a JSON object/],
      ];
      for (const [body, status, message] of bad) {
        const res = await a.put(`/event_campaigns/${id}`, body);
        assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
        assert.match(res.body.error, message);
      }
      assert.equal((await a.get(`/event_campaigns/${id}`)).body.title, 'Edited', 'nothing half-written');
      assert.equal((await b.put(`/event_campaigns/${id}`, { title: 'Theirs' })).status, 404);
      assert.equal((await a.put('/event_campaigns/not-an-id', { title: 'x' })).status, 404);
    });

    it('PUT on an attendance changes its comment, check-in and status with Action Network’s merge', async () => {
      const event = (await a.post('/events', { title: 'RSVP me', start_date: `${SUMMER}T18:00:00Z`, timezone_identifier: 'America/New_York', capacity: 1, location: place })).body;
      const eventId = idOf(event);
      const one = (await a.post(`/events/${eventId}/attendances`, { person: osdiPerson('one@example.org'), comment: 'Bringing snacks' })).body;
      const two = (await a.post(`/events/${eventId}/attendances`, { person: osdiPerson('two@example.org') })).body;
      assert.equal(two.status, 'waitlisted');
      const path = `/events/${eventId}/attendances/${idOf(one)}`;
      const put = await a.put(path, { comment: 'Bringing chairs', attended: true, identifiers: ['door:7'] });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.body.comment, 'Bringing chairs');
      assert.equal(put.body.attended, true);
      assert.equal(put.body.status, 'accepted', 'left out, kept');
      assert.ok(put.body.identifiers.includes('door:7'));
      assert.equal((await a.get(`/events/${eventId}`)).body['turnout:total_attended'], 1);
      const byId = await filter(`/events/${eventId}/attendances`, "identifier eq 'door:7'");
      assert.deepEqual(byId.body._embedded['osdi:attendances'].map(idOf), [idOf(one)]);
      // A client may send back what it read.
      const { _links, ...whole } = put.body;
      assert.equal((await a.put(path, { ...whole, _links })).status, 200);
      const bad: [unknown, number, RegExp][] = [
        [{ comment: 'x', mood: 'happy' }, 400, /"mood" is not a field of an attendance/],
        [{ attended: 'yes' }, 400, /attended must be true or false/],
        [{ comment: 'half', status: 'tentative' }, 400, /status must be/],
        [{ comment: 'half', status: 'accepted', identifiers: ['door:7'] }, 200, /./],
        [{ 'turnout:phone_number': '12' }, 400, /phone/],
      ];
      for (const [body, status, message] of bad) {
        const res = await a.put(path, body);
        assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
        if (status !== 200) assert.match(res.body.error, message);
      }
      const waitlisted = await a.put(`/events/${eventId}/attendances/${idOf(two)}`, { status: 'accepted' });
      assert.equal(waitlisted.status, 409);
      // Cancelling gives the place to the waitlist, as the attendee's own link does.
      const cancelled = await a.put(path, { status: 'cancelled' });
      assert.equal(cancelled.status, 200, cancelled.text);
      assert.equal(cancelled.body.status, 'cancelled');
      assert.equal((await a.get(`/events/${eventId}/attendances/${idOf(two)}`)).body.status, 'accepted');
      assert.equal((await a.put(path, { attended: false })).status, 409, 'a cancelled attendance is not checked in');
      assert.equal((await a.put(path, { status: 'accepted' })).status, 409);
      assert.equal((await b.put(path, { comment: 'theirs' })).status, 404);
      assert.equal((await a.put(`/events/${eventId}/attendances/${eventId}`, { comment: 'x' })).status, 404);
      assert.equal((await a.get(path)).body.comment, 'half');
    });

    it('PUT on a signature changes its comments and referrer data, and nothing else', async () => {
      const petition = (await a.post('/petitions', { title: 'Stop the cameras', petition_text: 'No cameras.' })).body;
      const pid = idOf(petition);
      const sig = (await a.post(`/petitions/${pid}/signatures`, { person: osdiPerson('s@example.org'), comments: 'First', 'action_network:referrer_data': { source: 'email' } })).body;
      const path = `/petitions/${pid}/signatures/${idOf(sig)}`;
      const put = await a.put(path, { comments: 'Second thoughts', 'action_network:referrer_data': { referrer: 'partner-7' }, identifiers: ['crm:s1'] });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.body.comments, 'Second thoughts');
      assert.deepEqual(put.body['action_network:referrer_data'], { source: 'email', referrer: 'partner-7' }, 'objects merge');
      assert.ok(put.body.identifiers.includes('crm:s1'));
      const cleared = await a.put(path, { comments: null });
      assert.equal(cleared.body.comments, null);
      const byId = await filter(`/petitions/${pid}/signatures`, "identifier eq 'crm:s1'");
      assert.deepEqual(byId.body._embedded['osdi:signatures'].map(idOf), [idOf(sig)]);
      const { _links, ...whole } = cleared.body;
      assert.equal((await a.put(path, { ...whole, _links })).status, 200, 'a resource sent back whole');
      const bad: [unknown, number, RegExp][] = [
        [{ comments: 'x', person: undefined, petition_id: 'p' }, 400, /"petition_id" is not a field of a signature/],
        [{ comments: 7 }, 400, /comments must be a string or null/],
        [{ comments: 'x'.repeat(5000) }, 400, /comments must be/],
        [{ comments: 'half', 'action_network:referrer_data': { source: 'line\nbreak' } }, 400, /source/],
        [{ comments: 'half', identifiers: ['bad'] }, 400, /identifiers\[0\]/],
      ];
      for (const [body, status, message] of bad) {
        const res = await a.put(path, body);
        assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text}`);
        assert.match(res.body.error, message);
      }
      assert.equal((await a.get(path)).body.comments, null, 'nothing half-written');
      assert.equal((await b.put(path, { comments: 'theirs' })).status, 404);
      assert.equal((await a.get(`/petitions/${pid}`)).body.total_signatures, 1);
    });
  });
}
