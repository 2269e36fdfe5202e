import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { targets, harness, type Harness } from './helpers.ts';
import { apiOrganization, idOf, osdiPerson, HAL, type ApiClient } from './api-support.ts';
import { dayFromNow } from './events-support.ts';
import { JOB_EVENT_CANCELLED, JOB_EVENT_CHANGED, JOB_RSVP_CONFIRMATION } from '../src/events/service.ts';

const day = dayFromNow(45);
const eventBody = (over: Record<string, unknown> = {}) => ({
  title: 'Town hall on surveillance',
  description: 'Ask the council.',
  instructions: 'Enter by the side door.',
  start_date: `${day}T18:00:00`,
  end_date: `${day}T20:00:00`,
  timezone_identifier: 'America/Chicago',
  capacity: 2,
  location: { venue: 'Council chambers', address_lines: ['121 N LaSalle St'], locality: 'Chicago', region: 'IL', postal_code: '60602', country: 'US', location: { latitude: 41.8837, longitude: -87.6324 } },
  ...over,
});

for (const target of targets()) {
  describe(`API events and attendances on ${target.name}`, () => {
    let h: Harness;
    let a: ApiClient;
    let b: ApiClient;
    before(async () => {
      h = await harness(target);
      a = await apiOrganization(h, 'ev-a');
      b = await apiOrganization(h, 'ev-b');
    });
    after(() => h.close());

    const db = () => h.ctx.database.db;
    const count = async (table: 'events' | 'attendances' | 'people') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const jobs = async (kind: string) => (await db().selectFrom('jobs').select('payload').where('kind', '=', kind).execute()).map((j) => JSON.parse(j.payload));

    it('creates an event from the event’s local time and presents it with Action Network’s fields', async () => {
      const res = await a.post('/events', eventBody());
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers['content-type'] as string, HAL);
      const e = res.body;
      const id = idOf(e);
      assert.equal(e.title, 'Town hall on surveillance');
      assert.equal(e.name, 'Town hall on surveillance');
      assert.equal(e.start_date, `${day}T18:00:00Z`, 'the event’s wall-clock time, written as Action Network writes it');
      assert.equal(e.end_date, `${day}T20:00:00Z`);
      assert.equal(e.timezone_identifier, 'America/Chicago');
      assert.equal(e.capacity, 2);
      assert.equal(e.total_accepted, 0);
      assert.equal(e.status, 'confirmed');
      assert.equal(e.visibility, 'public');
      assert.equal(e.type, 'open');
      assert.deepEqual(e.location, { venue: 'Council chambers', address_lines: ['121 N LaSalle St'], locality: 'Chicago', region: 'IL', postal_code: '60602', country: 'US', location: { latitude: 41.8837, longitude: -87.6324 }, public: false });
      assert.deepEqual(e.reminders, [{ method: 'email', minutes: 1440 }, { method: 'email', minutes: 180 }]);
      assert.equal(e.browser_url, 'http://turnout.test/events/town-hall-on-surveillance');
      assert.equal(e._links['osdi:attendances'].href, `http://turnout.test/api/v2/events/${id}/attendances`);
      assert.equal(e._links['osdi:record_attendance_helper'].href, `http://turnout.test/api/v2/events/${id}/attendances`);
      const row = await db().selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(Date.parse(row.start_at), Date.parse(e['turnout:start_utc']));
      assert.equal(DateTime.fromISO(row.start_at, { zone: 'America/Chicago' }).toFormat("yyyy-MM-dd'T'HH:mm"), `${day}T18:00`);
      assert.equal((await a.get(`/events/${id}`)).body.title, e.title);
      const entry = await a.get('/');
      assert.equal(entry.body._links['osdi:events'].href, 'http://turnout.test/api/v2/events');
    });

    it('reads a start with an offset as an instant, gives an event without an end two hours, and takes online events', async () => {
      const res = await a.post('/events', {
        title: 'Online briefing',
        start_date: `${day}T17:30:00-06:00`,
        timezone_identifier: 'america/new_york',
        'turnout:online': true,
        'turnout:join_url': 'https://meet.example/room',
        visibility: 'private',
        reminders: [{ method: 'email', minutes: 60 }],
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.timezone_identifier, 'America/New_York');
      assert.equal(res.body['turnout:start_utc'], `${day}T23:30:00.000Z`);
      assert.equal(res.body.start_date, `${day}T18:30:00Z`, 'the instant on New York’s clock');
      assert.equal(Date.parse(res.body.end_date) - Date.parse(res.body.start_date), 2 * 3600_000);
      assert.equal(res.body['turnout:online'], true);
      assert.equal(res.body['turnout:join_url'], 'https://meet.example/room');
      assert.equal(res.body.visibility, 'private');
      const row = await db().selectFrom('events').select('visibility').where('id', '=', idOf(res.body)).executeTakeFirstOrThrow();
      assert.equal(row.visibility, 'unlisted');
    });

    it('refuses bad events with a 400 naming the field, and writes nothing', async () => {
      const before = await count('events');
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ timezone_identifier: 'Mars/Olympus_Mons' }, /timezone_identifier: Choose a time zone that exists/],
        [{ end_date: `${day}T17:00:00` }, /end_date: The end must be after the start/],
        [{ start_date: 'next tuesday' }, /start_date must be a date and time like/],
        [{ start_date: '2027-02-30T18:00:00', end_date: '2027-02-30T20:00:00' }, /start_date: Enter the start date as a real day/],
        [{ start_date: '2027-03-14T02:30:00', end_date: '2027-03-14T04:00:00' }, /start_date: That time does not exist in America\/Chicago/],
        [{ capacity: 0 }, /capacity: Enter the capacity as a whole number from 1/],
        [{ capacity: 1.5 }, /capacity must be a whole number/],
        [{ 'turnout:online': true, 'turnout:join_url': 'ftp://files.example/x' }, /turnout:join_url: Enter the link to join the event/],
        [{ location: { address_lines: ['1 Main St'], locality: 'Chicago', region: 'IL', postal_code: '606' } }, /location.postal_code: Enter a valid ZIP code/],
        [{ reminders: [{ method: 'sms', minutes: 60 }] }, /reminders\[0\].method must be "email"/],
        [{ reminders: [{ minutes: 99999 }] }, /reminders: Reminders are minutes before the start/],
        [{ title: 42 }, /title must be a string/],
      ];
      for (const [over, message] of cases) {
        const body: Record<string, unknown> = eventBody(over);
        for (const k of Object.keys(over)) if (over[k] === undefined) delete body[k];
        const res = await a.post('/events', body);
        assert.equal(res.status, 400, `${JSON.stringify(over)}: ${res.text}`);
        assert.match(res.body.error, message, JSON.stringify(over));
      }
      assert.equal(await count('events'), before);
    });

    it('lists the organization’s events with paging and filters on start_date', async () => {
      const list = await a.get('/events');
      assert.equal(list.status, 200);
      assert.equal(list.body.total_records, 2);
      assert.equal(list.body._embedded['osdi:events'].length, 2);
      const after = await a.get(`/events?filter=${encodeURIComponent(`start_date lt '${day}T23:45:00Z'`)}`);
      assert.deepEqual(after.body._embedded['osdi:events'].map((e: { title: string }) => e.title), ['Online briefing']);
      const bad = await a.get(`/events?filter=${encodeURIComponent("location eq 'x'")}`);
      assert.equal(bad.status, 400);
    });

    it('records attendances through the helper: accepted, then waitlisted, a repeat counted once, the autoresponse only when asked', async () => {
      const event = (await a.post('/events', eventBody({ title: 'Helper test', capacity: 1 }))).body;
      const id = idOf(event);
      const first = await a.post(`/events/${id}/attendances`, {
        person: osdiPerson('first@example.org', { phone_numbers: [{ number: '312-555-0100' }] }),
        add_tags: ['volunteer'],
        triggers: { autoresponse: { enabled: true } },
        'action_network:referrer_data': { source: 'newsletter' },
      });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.body.status, 'accepted');
      assert.equal(first.body.attended, false);
      assert.equal(first.body['turnout:phone_number'], '312-555-0100');
      assert.deepEqual(first.body['action_network:referrer_data'], { source: 'newsletter', referrer: null });
      assert.equal(first.body._links['osdi:event'].href, `http://turnout.test/api/v2/events/${id}`);
      const personId = idOf(first.body._embedded['osdi:person']);
      assert.equal(first.body._links['osdi:person'].href, `http://turnout.test/api/v2/people/${personId}`);
      const again = await a.post(`/events/${id}/attendances`, { person: osdiPerson('FIRST@example.org') });
      assert.equal(idOf(again.body), idOf(first.body), 'the same attendance');
      const second = await a.post(`/events/${id}/attendances`, { person: osdiPerson('second@example.org') });
      assert.equal(second.body.status, 'waitlisted');
      assert.equal(second.body['turnout:waitlist_position'], 1);
      const shown = (await a.get(`/events/${id}`)).body;
      assert.equal(shown.total_accepted, 1);
      assert.equal(shown['turnout:total_waitlisted'], 1);
      const confirmations = (await jobs(JOB_RSVP_CONFIRMATION)).map((p) => p.attendanceId);
      assert.ok(confirmations.includes(idOf(first.body)), 'asked for an autoresponse');
      assert.ok(!confirmations.includes(idOf(second.body)), 'not asked: none');
      const list = await a.get(`/events/${id}/attendances`);
      assert.equal(list.body.total_records, 2);
      assert.deepEqual(list.body._embedded['osdi:attendances'].map((x: { status: string }) => x.status), ['accepted', 'waitlisted']);
      assert.equal((await a.get(`/events/${id}/attendances/${idOf(first.body)}`)).body.status, 'accepted');
      const byPerson = await a.get(`/people/${personId}/attendances`);
      assert.equal(byPerson.body.total_records, 1);
      assert.equal((await a.get(`/people/${personId}/attendances/${idOf(first.body)}`)).status, 200);
      const tags = await db().selectFrom('tags').select('name').where('organization_id', '=', a.orgId).execute();
      assert.ok(tags.some((t) => t.name === 'volunteer'));
    });

    it('refuses attendances to cancelled or past events with a 409, and a bad person with a 400', async () => {
      const event = (await a.post('/events', eventBody({ title: 'To cancel' }))).body;
      const id = idOf(event);
      const bad = await a.post(`/events/${id}/attendances`, { person: osdiPerson('not-an-email') });
      assert.equal(bad.status, 400);
      const badPhone = await a.post(`/events/${id}/attendances`, { person: osdiPerson('p@example.org', { phone_numbers: [{ number: 'call me' }] }) });
      assert.equal(badPhone.status, 400);
      const cancelled = await a.put(`/events/${id}`, { status: 'cancelled' });
      assert.equal(cancelled.status, 200, cancelled.text);
      assert.equal(cancelled.body.status, 'cancelled');
      const before = await count('attendances');
      const res = await a.post(`/events/${id}/attendances`, { person: osdiPerson('late@example.org') });
      assert.equal(res.status, 409);
      assert.match(res.body.error, /cancelled and takes no more RSVPs/);
      assert.equal(await count('attendances'), before);
      const change = await a.put(`/events/${id}`, { title: 'Renamed' });
      assert.equal(change.status, 409);
      assert.equal((await a.put(`/events/${id}`, cancelled.body)).status, 200, 'sending the resource back unchanged is fine');
      const past = (await a.post('/events', eventBody({ title: 'Past', start_date: '2024-05-01T18:00:00', end_date: '2024-05-01T20:00:00' }))).body;
      const late = await a.post(`/events/${idOf(past)}/attendances`, { person: osdiPerson('late@example.org') });
      assert.equal(late.status, 409);
      assert.match(late.body.error, /over/);
    });

    it('updates by merging: a new time emails attendees, capacity promotes, null clears, cancelling emails everyone', async () => {
      const event = (await a.post('/events', eventBody({ title: 'Merge me', capacity: 1 }))).body;
      const id = idOf(event);
      const one = await a.post(`/events/${id}/attendances`, { person: osdiPerson('m1@example.org') });
      const two = await a.post(`/events/${id}/attendances`, { person: osdiPerson('m2@example.org') });
      assert.equal(two.body.status, 'waitlisted');
      const moved = await a.put(`/events/${id}`, { start_date: `${day}T19:00:00`, capacity: null, description: null });
      assert.equal(moved.status, 200, moved.text);
      assert.match(moved.body.start_date, new RegExp(`^${day}T19:00:00`));
      assert.match(moved.body.end_date, new RegExp(`^${day}T21:00:00`), 'the event keeps its length');
      assert.equal(moved.body.capacity, null);
      assert.equal(moved.body.description, '');
      assert.equal(moved.body.title, 'Merge me', 'fields left out keep their value');
      assert.equal(moved.body.location.venue, 'Council chambers');
      assert.equal(moved.body.total_accepted, 2, 'no limit: the waitlist is promoted');
      const changed = (await jobs(JOB_EVENT_CHANGED)).map((p) => p.attendanceId);
      assert.ok(changed.includes(idOf(one.body)) && changed.includes(idOf(two.body)));
      const place = await a.put(`/events/${id}`, { location: { address_lines: ['50 W Washington St'], venue: null } });
      assert.deepEqual(place.body.location.address_lines, ['50 W Washington St']);
      assert.equal(place.body.location.venue, null);
      assert.equal(place.body.location.locality, 'Chicago');
      const badStatus = await a.put(`/events/${id}`, { status: 'tentative' });
      assert.equal(badStatus.status, 400);
      const badEnd = await a.put(`/events/${id}`, { end_date: `${day}T10:00:00` });
      assert.equal(badEnd.status, 400);
      await a.put(`/events/${id}`, { status: 'cancelled' });
      const cancelled = (await jobs(JOB_EVENT_CANCELLED)).map((p) => p.attendanceId);
      assert.ok(cancelled.includes(idOf(one.body)) && cancelled.includes(idOf(two.body)));
    });

    it('keeps every event and attendance of one organization away from another’s token', async () => {
      const event = (await a.post('/events', eventBody({ title: 'Secret meeting', capacity: 5 }))).body;
      const id = idOf(event);
      const att = await a.post(`/events/${id}/attendances`, { person: osdiPerson('secret-attendee@example.org') });
      const attId = idOf(att.body);
      const personId = idOf(att.body._embedded['osdi:person']);
      for (const path of [`/events/${id}`, `/events/turnout:${id}`, `/events/${id}/attendances`, `/events/${id}/attendances/${attId}`, `/people/${personId}/attendances`, `/people/${personId}/attendances/${attId}`]) {
        const res = await b.get(path);
        assert.equal(res.status, 404, path);
        assert.deepEqual(Object.keys(res.body), ['error'], path);
        assert.doesNotMatch(res.text, /Secret meeting|secret-attendee/, path);
      }
      const before = await Promise.all([count('attendances'), count('people')]);
      const rsvp = await b.post(`/events/${id}/attendances`, { person: osdiPerson('intruder@example.org') });
      assert.equal(rsvp.status, 404);
      const put = await b.put(`/events/${id}`, { title: 'Taken over', status: 'cancelled' });
      assert.equal(put.status, 404);
      assert.deepEqual(await Promise.all([count('attendances'), count('people')]), before);
      const mine = (await a.get(`/events/${id}`)).body;
      assert.equal(mine.title, 'Secret meeting');
      assert.equal(mine.status, 'confirmed');
      assert.equal(mine.total_accepted, 1);
      const list = await b.get('/events');
      assert.equal(list.body.total_records, 0);
      assert.equal((await b.get(`/events?filter=${encodeURIComponent(`identifier eq '${id}'`)}`)).body.total_records, 0);
      // An attendance of A's event read through B's own event: still nothing.
      const own = (await b.post('/events', eventBody({ title: 'B event' }))).body;
      assert.equal((await b.get(`/events/${idOf(own)}/attendances/${attId}`)).status, 404);
      assert.equal((await a.get(`/events/${idOf(own)}`)).status, 404);
    });
  });
}
