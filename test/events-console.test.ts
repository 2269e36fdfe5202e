import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { targets, harness, FORM, type Harness } from './helpers.ts';
import { organizerIn, organization, type SignedIn } from './admin-helpers.ts';
import { dayFromNow, makeEvent } from './events-support.ts';
import { rsvp } from '../src/events/service.ts';
import { consoleRouteList as consoleRoutes } from '../src/kits/console/mount.tsx';
import { newId } from '../src/util/ids.ts';

const day = dayFromNow(40);
const fields = (over: Record<string, string> = {}) => ({
  title: 'Teach-in on surveillance',
  slug: '',
  description: 'How the city buys face recognition.',
  instructions: 'Bring ID for the front desk.',
  start_date: day,
  start_time: '18:30',
  end_date: day,
  end_time: '20:00',
  timezone: 'America/New_York',
  capacity: '',
  location_type: 'in_person',
  join_url: '',
  venue: 'Union Hall',
  address_line1: '12 Main St',
  address_line2: '',
  locality: 'Albany',
  region: 'NY',
  postal_code: '12207',
  country: 'US',
  visibility: 'public',
  ...over,
});

const person = (i: number, over: Record<string, string> = {}) => ({
  person: { givenName: over.given ?? `P${i}`, familyName: 'Q', email: `p${i}@example.org`, postalCode: '12207', country: 'US' },
  phone: null,
  comment: null,
  optIn: false,
  optInWording: 'test',
  language: 'en',
  referral: { source: over.source ?? null, referrer: null },
});

for (const target of targets()) {
  describe(`console events on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let otherOrgId: string;
    let organizer: SignedIn;
    let viewer: SignedIn;

    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Albany Privacy')).id;
      otherOrgId = (await organization(h, 'Other Org')).id;
      organizer = await organizerIn(h, orgId, 'organizer', 'organizer@albany.example');
      viewer = await organizerIn(h, orgId, 'viewer', 'viewer@albany.example');
    });
    after(() => h.close());

    const db = () => h.ctx.database.db;
    const get = (who: SignedIn, url: string) => h.app.inject({ url, headers: { cookie: who.cookie } });
    const post = (who: SignedIn, url: string, body: Record<string, string | string[]>) => {
      const params = new URLSearchParams();
      params.set('_csrf', who.csrf);
      for (const [k, v] of Object.entries(body)) for (const x of [v].flat()) params.append(k, x);
      return h.app.inject({ method: 'POST', url, headers: { ...FORM, cookie: who.cookie }, payload: params.toString() });
    };
    const eventRow = (id: string) => db().selectFrom('events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const eventCount = async () => Number((await db().selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    it('declares a permission on every events route', () => {
      const want: Record<string, string> = {
        'GET /admin/events': 'view_reports',
        'GET /admin/events/new': 'manage_actions',
        'POST /admin/events/new': 'manage_actions',
        'GET /admin/events/:id': 'view_reports',
        'POST /admin/events/:id/edit': 'manage_actions',
        'POST /admin/events/:id/capacity': 'manage_actions',
        'POST /admin/events/:id/cancel': 'manage_actions',
        'GET /admin/events/:id/attendees': 'see_people',
        'POST /admin/events/:id/attendances/:attendanceId/check-in': 'manage_actions',
        'GET /admin/events/:id/attendees.csv': 'export_data',
      };
      for (const [route, permission] of Object.entries(want)) assert.equal(consoleRoutes.get(route)?.permission, permission, route);
    });

    it('creates an event from the form, on the clock of its time zone, with reminders as ticked', async () => {
      const form = await get(organizer, '/admin/events/new');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /<label for="title">Title<\/label>/);
      assert.match(form.body, /<option value="America\/Chicago" selected>Central Time \(Chicago\) — GMT-[56]<\/option>/);
      const res = await post(organizer, '/admin/events/new', { ...fields(), reminders: ['1440', '60'] });
      assert.equal(res.statusCode, 303);
      const id = /\/admin\/events\/([0-9a-f-]+)\?notice=created/.exec(res.headers.location as string)![1]!;
      const e = await eventRow(id);
      assert.equal(e.slug, 'teach-in-on-surveillance');
      assert.equal(e.timezone, 'America/New_York');
      assert.equal(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(e.start_at)), '18:30');
      assert.equal(e.status, 'confirmed');
      assert.deepEqual(JSON.parse(e.reminders), [1440, 60]);
      assert.deepEqual(JSON.parse(e.address_lines), ['12 Main St']);
      const page = await get(organizer, res.headers.location as string);
      assert.match(page.body, /Event created/);
      assert.match(page.body, /12 Main St/, 'the organizer sees the full address');
      const audit = await db().selectFrom('audit_events').select('action').where('subject', '=', id).execute();
      assert.deepEqual(audit.map((a) => a.action), ['event.created']);
      const list = await get(viewer, '/admin/events');
      assert.match(list.body, /Teach-in on surveillance/);
      assert.doesNotMatch(list.body, /New event/, 'a viewer cannot create');
    });

    it('refuses bad input with a message per field, keeps what was typed, and writes nothing', async () => {
      const before = await eventCount();
      const cases: [Record<string, string>, RegExp][] = [
        [{ end_time: '17:00' }, /The end must be after the start/],
        [{ timezone: 'Mars/Olympus_Mons' }, /Choose a time zone that exists/],
        [{ start_date: '2027-03-14', end_date: '2027-03-14', start_time: '02:30', end_time: '04:00', timezone: 'America/Chicago' }, /That time does not exist in America\/Chicago/],
        [{ start_date: '2027-02-30' }, /Enter the start date as a real day/],
        [{ capacity: '0' }, /Enter the capacity as a whole number from 1/],
        [{ capacity: '2.5' }, /Enter the capacity as a whole number from 1/],
        [{ location_type: 'online', join_url: 'javascript:alert(1)' }, /Enter the link to join the event, starting with https:\/\/ or http:\/\//],
        [{ address_line1: '' }, /Enter the street address/],
        [{ postal_code: '1220' }, /Enter a valid ZIP code/],
        [{ title: '' }, /Enter a title for the event/],
      ];
      for (const [over, message] of cases) {
        const res = await post(organizer, '/admin/events/new', fields(over));
        assert.equal(res.statusCode, 422, JSON.stringify(over));
        assert.match(res.body, /<div class="error-summary"/);
        assert.match(res.body, message, JSON.stringify(over));
        assert.match(res.body, /value="Union Hall"/, 'the input is kept');
      }
      assert.equal(await eventCount(), before);
    });

    it('edits the time, emails the attendees and says so', async () => {
      const event = await makeEvent(h, orgId, { title: 'To move' });
      await h.ctx.committer.submit((uow) => rsvp(uow, event.id, person(1)));
      await h.runJobs();
      const edit = await get(organizer, `/admin/events/${event.id}/edit`);
      assert.equal(edit.statusCode, 200);
      assert.match(edit.body, /value="18:00"/);
      const body = {
        ...fields({ title: 'To move', start_date: dayFromNow(30), end_date: dayFromNow(30), timezone: 'America/Chicago', start_time: '19:00', end_time: '21:00' }),
        venue: 'Harold Washington Library',
        address_line1: '400 S State St',
        locality: 'Chicago',
        region: 'IL',
        postal_code: '60605',
        reminders: ['1440', '180'],
      };
      const res = await post(organizer, `/admin/events/${event.id}/edit`, body);
      assert.equal(res.statusCode, 303);
      assert.match(res.headers.location as string, /notice=saved_emailed/);
      await h.runJobs();
      const mail = h.mailer.sent.find((m) => m.to === 'p1@example.org' && m.subject === 'Changed: To move');
      assert.ok(mail);
      assert.match(mail.text, /The time of “To move” has changed/);
      assert.match(mail.text, /7:00\s*–\s*9:00\sPM/);
      const same = await post(organizer, `/admin/events/${event.id}/edit`, body);
      assert.match(same.headers.location as string, /notice=unchanged/);
    });

    it('changes the capacity and gives the new places to the waitlist', async () => {
      const event = await makeEvent(h, orgId, { title: 'Small', capacity: 1 });
      for (const i of [10, 11, 12]) await h.ctx.committer.submit((uow) => rsvp(uow, event.id, person(i)));
      const res = await post(organizer, `/admin/events/${event.id}/capacity`, { capacity: '2' });
      assert.equal(res.statusCode, 303);
      const e = await eventRow(event.id);
      assert.deepEqual([Number(e.capacity), Number(e.accepted_count), Number(e.waitlist_count)], [2, 2, 1]);
      const bad = await post(organizer, `/admin/events/${event.id}/capacity`, { capacity: 'lots' });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /Nothing was changed/);
      await h.runJobs();
      assert.ok(h.mailer.sent.some((m) => m.to === 'p11@example.org' && m.subject.startsWith('A place opened up')));
    });

    it('says plainly when more are going than a lowered capacity, and links no page of an event awaiting approval', async () => {
      const event = await makeEvent(h, orgId, { title: 'Crowded', capacity: 5 });
      for (const i of [30, 31]) await h.ctx.committer.submit((uow) => rsvp(uow, event.id, person(i)));
      assert.equal((await post(organizer, `/admin/events/${event.id}/capacity`, { capacity: '1' })).statusCode, 303);
      const detail = (await get(organizer, `/admin/events/${event.id}`)).body;
      assert.match(detail, /2 going, 1 over the capacity of 1/);
      assert.doesNotMatch(detail, /2 of 1/);
      const list = (await get(organizer, '/admin/events')).body;
      const row = list.slice(list.indexOf('>Crowded<'), list.indexOf('</tr>', list.indexOf('>Crowded<')));
      assert.match(row, /2, 1 over the capacity of 1/, 'the list says it too');
      assert.doesNotMatch(row, /2 of 1/);
      const dashboard = (await get(organizer, '/admin')).body;
      assert.match(dashboard, /2, 1 over the capacity of 1/, 'and the dashboard');
      assert.doesNotMatch(dashboard, />2 of 1</);
      const pending = await makeEvent(h, orgId, { title: 'Hosted, not yet approved' }, { status: 'pending' });
      const page = (await get(organizer, `/admin/events/${pending.id}`)).body;
      assert.match(page, /awaiting approval, public once approved/);
      assert.doesNotMatch(page, new RegExp(`href="/events/${pending.slug}"`));
      assert.match(page, new RegExp(`/events/${pending.slug} \\(once approved\\)`));
      assert.equal((await h.app.inject({ url: `/events/${pending.slug}` })).statusCode, 404, 'the page is not there yet');
    });

    it('cancels an event after a confirmation page, emails everyone, and the public page says so', async () => {
      const event = await makeEvent(h, orgId, { title: 'Called off' });
      await h.ctx.committer.submit((uow) => rsvp(uow, event.id, person(20)));
      const confirm = await get(organizer, `/admin/events/${event.id}/cancel`);
      assert.match(confirm.body, /Cancel the event and email everyone/);
      const res = await post(organizer, `/admin/events/${event.id}/cancel`, {});
      assert.equal(res.statusCode, 303);
      assert.equal((await eventRow(event.id)).status, 'cancelled');
      await h.runJobs();
      assert.ok(h.mailer.sent.some((m) => m.to === 'p20@example.org' && m.subject === 'Cancelled: Called off'));
      const page = await h.app.inject({ url: `/events/${event.slug}` });
      assert.match(page.body, /This event has been cancelled/);
      const viewerTry = await post(viewer, `/admin/events/${event.id}/cancel`, {});
      assert.equal(viewerTry.statusCode, 403);
    });

    it('lists attendees for those who may see people, checks them in, and counts who came', async () => {
      const event = await makeEvent(h, orgId, { title: 'Check-in night', capacity: 1 });
      const a = await h.ctx.committer.submit((uow) => rsvp(uow, event.id, person(30, { given: 'Dora' })));
      await h.ctx.committer.submit((uow) => rsvp(uow, event.id, person(31, { given: 'Eli' })));
      const list = await get(organizer, `/admin/events/${event.id}/attendees`);
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /Dora Q/);
      assert.match(list.body, /Eli Q/);
      assert.match(list.body, /waitlist/);
      assert.equal((await get(viewer, `/admin/events/${event.id}/attendees`)).statusCode, 403);
      const res = await post(organizer, `/admin/events/${event.id}/attendances/${a.attendanceId}/check-in`, { attended: 'yes', back: `/admin/events/${event.id}/attendees?q=dora` });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/admin/events/${event.id}/attendees?q=dora&notice=checked_in`);
      const again = await post(organizer, `/admin/events/${event.id}/attendances/${a.attendanceId}/check-in`, { attended: 'yes', back: 'https://evil.example/' });
      assert.equal(again.headers.location, `/admin/events/${event.id}/attendees?notice=checked_in`, 'back goes nowhere but the list');
      const row = await db().selectFrom('attendances').select('attended').where('id', '=', a.attendanceId).executeTakeFirstOrThrow();
      assert.equal(Number(row.attended), 1);
      assert.equal(Number((await eventRow(event.id)).attended_count), 1, 'counted once');
      await post(organizer, `/admin/events/${event.id}/attendances/${a.attendanceId}/check-in`, { attended: 'no' });
      assert.equal(Number((await eventRow(event.id)).attended_count), 0);
      assert.equal((await post(viewer, `/admin/events/${event.id}/attendances/${a.attendanceId}/check-in`, { attended: 'yes' })).statusCode, 403);
      const search = await get(organizer, `/admin/events/${event.id}/attendees?q=eli`);
      assert.doesNotMatch(search.body, /Dora Q/);
    });

    it('exports attendees as CSV with formulas neutralized, for roles that may export', async () => {
      const event = await makeEvent(h, orgId, { title: 'Export me' });
      await h.ctx.committer.submit((uow) => rsvp(uow, event.id, person(40, { given: '=HYPERLINK("http://evil.example")', source: '+cmd' })));
      const res = await get(organizer, `/admin/events/${event.id}/attendees.csv`);
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^text\/csv/);
      assert.match(res.headers['content-disposition'] as string, /export-me-attendees\.csv/);
      const rows = parse(res.body, { columns: true }) as Record<string, string>[];
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.first_name, `'=HYPERLINK("http://evil.example")`);
      assert.equal(rows[0]!.source, `'+cmd`);
      assert.equal(rows[0]!.email, 'p40@example.org');
      assert.equal(rows[0]!.status, 'accepted');
      assert.equal((await get(viewer, `/admin/events/${event.id}/attendees.csv`)).statusCode, 403);
    });

    it('answers every route with 404 for another organization’s event, and changes nothing', async () => {
      const theirs = await makeEvent(h, otherOrgId, { title: 'Not yours', capacity: 5 });
      const a = await h.ctx.committer.submit((uow) => rsvp(uow, theirs.id, person(50)));
      for (const url of [`/admin/events/${theirs.id}`, `/admin/events/${theirs.id}/edit`, `/admin/events/${theirs.id}/cancel`, `/admin/events/${theirs.id}/attendees`, `/admin/events/${theirs.id}/attendees.csv`, `/admin/events/${newId()}`, '/admin/events/not-a-uuid']) {
        const res = await get(organizer, url);
        assert.equal(res.statusCode, 404, url);
        assert.doesNotMatch(res.body, /Not yours|p50@example/, url);
      }
      for (const [url, body] of [
        [`/admin/events/${theirs.id}/edit`, fields({ title: 'Taken' })],
        [`/admin/events/${theirs.id}/capacity`, { capacity: '1' }],
        [`/admin/events/${theirs.id}/cancel`, {}],
        [`/admin/events/${theirs.id}/attendances/${a.attendanceId}/check-in`, { attended: 'yes' }],
      ] as const) {
        assert.equal((await post(organizer, url, body)).statusCode, 404, url);
      }
      const mine = await makeEvent(h, orgId, { title: 'Mine' });
      assert.equal((await post(organizer, `/admin/events/${mine.id}/attendances/${a.attendanceId}/check-in`, { attended: 'yes' })).statusCode, 404, 'an attendance of another event');
      const e = await eventRow(theirs.id);
      assert.deepEqual([e.title, e.status, Number(e.capacity), Number(e.attended_count)], ['Not yours', 'confirmed', 5, 0]);
      assert.doesNotMatch((await get(organizer, '/admin/events')).body, /Not yours/);
    });
  });
}
