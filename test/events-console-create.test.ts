import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organization, organizerIn, type SignedIn } from './admin-helpers.ts';
import { campaign, nextWeek } from './event-campaigns-support.ts';
import { EVENT_CSV_COLUMNS } from '../src/event-campaigns/csv-import.ts';

/** A multipart body as a browser sends the upload form: the token first, then the file. */
function upload(csrf: string, file: Buffer | string, name = 'events.csv') {
  const boundary = '----turnoutTestBoundary7MA4YWxkTrZu0gW';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`;
  const payload = Buffer.concat([Buffer.from(head), Buffer.isBuffer(file) ? file : Buffer.from(file), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload };
}

const HEADER = EVENT_CSV_COLUMNS.join(',');
function row(over: Partial<Record<(typeof EVENT_CSV_COLUMNS)[number], string>> = {}): string {
  const values: Record<string, string> = {
    title: 'Teach-in',
    start_date: nextWeek(12),
    start_time: '18:00',
    end_date: '',
    end_time: '20:00',
    timezone: 'America/Chicago',
    location_type: 'in_person',
    venue: 'Library',
    address_line1: '1 Main St',
    city: 'Evanston',
    state: 'IL',
    postal_code: '60201',
    country: 'US',
    ...over,
  };
  return EVENT_CSV_COLUMNS.map((c) => {
    const v = values[c] ?? '';
    return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }).join(',');
}

for (const target of targets()) {
  describe(`adding events to a week of action from the console on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let campaignId: string;
    let slug: string;
    let organizer: SignedIn;
    let viewer: SignedIn;
    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Privacy Coalition')).id;
      const c = await campaign(h, orgId);
      campaignId = c.id;
      slug = c.slug;
      organizer = await organizerIn(h, orgId, 'organizer', 'lead@coalition.example');
      viewer = await organizerIn(h, orgId, 'viewer', 'viewer@coalition.example');
    });
    after(() => h.close());

    const db = () => h.ctx.database.db;
    const base = () => `/admin/event-campaigns/${campaignId}`;
    const get = (url: string, who = organizer) => h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
    const post = (url: string, fields: Record<string, string>, who = organizer) =>
      h.app.inject({ method: 'POST', url, headers: { ...FORM, cookie: who.cookie }, payload: form({ ...fields, _csrf: who.csrf }) });
    const send = (csv: Buffer | string, who = organizer) => {
      const u = upload(who.csrf, csv);
      return h.app.inject({ method: 'POST', url: `${base()}/import`, headers: { ...u.headers, cookie: who.cookie }, payload: u.payload });
    };
    const count = async () => Number((await db().selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('campaign_id', '=', campaignId).executeTakeFirstOrThrow()).n);
    const csvOf = (html: string) => {
      const m = /<textarea name="csv" hidden aria-hidden="true">([\s\S]*?)<\/textarea>/.exec(html);
      assert.ok(m, 'the report carries the file to add');
      return m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    };

    it('adds one event with the event form’s fields and checks, approved at once, the host emailed their link', async () => {
      const page = await get(`${base()}/events/new`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Add an event to Week of Action for Privacy/);
      assert.match(page.body, /name="host_email"/);
      assert.match(page.body, /name="address_public"/);
      const fields = {
        title: 'Evanston vigil',
        description: 'We gather.',
        start_date: nextWeek(9),
        start_time: '18:00',
        end_date: nextWeek(9),
        end_time: '19:30',
        timezone: 'America/Chicago',
        location_type: 'in_person',
        venue: 'Fountain Square',
        address_line1: '1 Fountain Sq',
        locality: 'Evanston',
        region: 'IL',
        postal_code: '60201',
        country: 'US',
        visibility: 'public',
        reminders: '1440',
        host_name: 'Rosa Parks',
        host_email: 'Rosa@Example.org',
      };
      const bad = await post(`${base()}/events/new`, { ...fields, end_time: '17:00', host_email: 'not-an-email' });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /The end time must be after the start time|end/i);
      assert.match(bad.body, /Enter the host’s email address/);
      assert.match(bad.body, /value="Fountain Square"/, 'what was typed is kept');
      assert.equal(await count(), 0, 'nothing written');
      const denied = await post(`${base()}/events/new`, fields, viewer);
      assert.equal(denied.statusCode, 403);
      const ok = await post(`${base()}/events/new`, fields);
      assert.equal(ok.statusCode, 303, ok.body);
      assert.equal(ok.headers.location, `${base()}?done=event_added`);
      const event = await db().selectFrom('events').selectAll().where('title', '=', 'Evanston vigil').executeTakeFirstOrThrow();
      assert.equal(event.status, 'confirmed');
      assert.equal(event.campaign_id, campaignId);
      assert.equal(event.host_email, 'rosa@example.org');
      assert.ok(event.host_email_confirmed_at);
      assert.ok(event.latitude !== null && event.longitude !== null, 'placed from its ZIP for the map and the search');
      const listed = await h.app.inject({ url: `/event_campaigns/${slug}` });
      assert.match(listed.body, /<strong>Evanston vigil<\/strong>/);
      h.mailer.sent = [];
      await h.runJobs();
      const mail = h.mailer.sent.find((m) => m.to === 'rosa@example.org');
      assert.ok(mail && /\/host\//.test(mail.text), 'the host gets their private link');
      const campaignPage = await get(base());
      assert.match(campaignPage.body, /href="\/admin\/event-campaigns\/[^"]+\/events\/new">Add an event/);
      assert.match(campaignPage.body, /Import events from CSV/);
    });

    it('an event made or moved in the events console is placed from its postal code, for the map of its area', async () => {
      const fields = {
        title: 'Console vigil', description: '', instructions: '', start_date: nextWeek(8), start_time: '18:00', end_date: nextWeek(8), end_time: '19:00',
        timezone: 'America/Chicago', location_type: 'in_person', venue: 'Library', address_line1: '400 S State St', locality: 'Chicago', region: 'IL',
        postal_code: '60605', country: 'US', visibility: 'public', reminders: '1440',
      };
      const made = await post('/admin/events/new', fields);
      assert.equal(made.statusCode, 303, made.body);
      const event = await db().selectFrom('events').selectAll().where('title', '=', 'Console vigil').executeTakeFirstOrThrow();
      assert.ok(event.latitude !== null && Math.abs(event.latitude - 41.87) < 0.1, 'the ZIP’s centroid');
      assert.equal(event.address_public, 0);
      const pub = await h.app.inject({ url: `/events/${event.slug}` });
      assert.match(pub.body, /class="event-map area-map"/);
      assert.doesNotMatch(pub.body, /400 S State/);
      const moved = await post(`/admin/events/${event.id}/edit`, { ...fields, postal_code: '60201', locality: 'Evanston', address_public: 'yes' });
      assert.equal(moved.statusCode, 303, moved.body);
      const after = await db().selectFrom('events').selectAll().where('id', '=', event.id).executeTakeFirstOrThrow();
      assert.ok(after.latitude !== null && after.latitude > 42, 'a new ZIP is a new place');
      assert.equal(after.address_public, 1);
      assert.match((await h.app.inject({ url: `/events/${event.slug}` })).body, /400 S State/, 'made public by the organizer');
    });

    it('offers a CSV template with the form’s columns', async () => {
      const res = await get(`${base()}/import/template.csv`);
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /text\/csv/);
      assert.equal(res.body.split('\n')[0]!.trim(), HEADER);
      const page = await get(`${base()}/import`);
      assert.match(page.body, /enctype="multipart\/form-data"/);
      assert.match(page.body, /Download the template/);
    });

    it('reports good, bad and repeated rows by line, writes nothing until asked, then adds the good ones in one go', async () => {
      const before = await count();
      const csv = [
        HEADER,
        row({ title: 'Skokie picnic', postal_code: '60076', city: 'Skokie', host_name: 'Ana Díaz', host_email: 'ana@example.org' }),
        row({ title: 'Bad time', start_time: '25:00' }),
        row({ title: 'Skokie picnic', postal_code: '60076', city: 'Skokie' }),
        row({ title: 'Online call', location_type: 'online', join_url: 'https://meet.example.org/x', venue: '', address_line1: '', city: '', state: '', postal_code: '' }),
        row({ title: 'Toronto rally', city: 'Toronto', state: '', postal_code: 'M5V 3L9', country: 'CA', timezone: 'America/Toronto' }),
        row({ title: 'Berlin Kundgebung', city: 'Berlin', state: '', postal_code: '10115', country: 'DE', timezone: 'Europe/Berlin', address_public: 'yes' }),
        row({ title: 'No host email', host_name: 'Someone' }),
        row({ title: 'Wrong flag', address_public: 'maybe' }),
      ].join('\n');
      const res = await send(csv);
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.body, /4 rows can be added, 4 rows are refused/);
      assert.match(res.body, /<td[^>]*>3<\/td>|<th[^>]*>3<\/th>/);
      assert.match(res.body, /start_time: /, 'the reason names the column');
      assert.match(res.body, /repeats row 2/);
      assert.match(res.body, /host_email: give the host’s email/);
      assert.match(res.body, /address_public: write yes or no/);
      assert.equal(await count(), before, 'the report writes nothing');
      const commit = await post(`${base()}/import/commit`, { csv: csvOf(res.body) });
      assert.equal(commit.statusCode, 200, commit.body);
      assert.match(commit.body, /4 events were added and approved\. 4 rows were skipped/);
      assert.equal(await count(), before + 4);
      const toronto = await db().selectFrom('events').selectAll().where('title', '=', 'Toronto rally').executeTakeFirstOrThrow();
      assert.equal(toronto.country, 'CA');
      assert.equal(toronto.region, 'ON', 'the province from the postal code');
      assert.ok(toronto.latitude !== null, 'Canada is placed by the offline table');
      const berlin = await db().selectFrom('events').selectAll().where('title', '=', 'Berlin Kundgebung').executeTakeFirstOrThrow();
      assert.equal(berlin.latitude, null, 'Germany is not in the offline table: no place, still listed');
      assert.equal(berlin.address_public, 1);
      assert.equal(berlin.status, 'confirmed');
      const audits = await db().selectFrom('audit_events').select('details').where('action', '=', 'event_campaign.events_imported').execute();
      assert.equal(audits.length, 1);
      // The same file again: every row is already in the campaign, nothing is added twice.
      const again = await post(`${base()}/import/commit`, { csv: csvOf(res.body) });
      assert.match(again.body, /0 events were added/);
      assert.match(again.body, /already in this campaign/);
      assert.equal(await count(), before + 4);
    });

    it('refuses a bad file whole with a clear message and writes nothing', async () => {
      const before = await count();
      const cases: [string, Buffer | string, RegExp, number][] = [
        ['10,000 rows', [HEADER, ...Array.from({ length: 10_000 }, (_, i) => row({ title: `Event ${i}` }))].join('\n'), /more than 1,000 events/, 422],
        ['binary', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0xff, 0xfe]), /not a CSV text file|not UTF-8/, 422],
        ['invalid UTF-8', Buffer.from([0x74, 0x69, 0x74, 0x6c, 0x65, 0x0a, 0xc3, 0x28]), /not UTF-8 text/, 422],
        ['NUL bytes', `${HEADER}\n${row({ title: 'Nul\u0000here' })}`, /NUL bytes/, 422],
        ['wrong columns', 'name,email,zip\nAna,ana@example.org,60201\n', /Unknown columns “name”, “email”, “zip”|Unknown column/, 422],
        ['missing columns', 'title,venue\nVigil,Library\n', /no start_date, start_time, end_time, timezone columns/, 422],
        ['header only', `${HEADER}\n`, /no events/, 422],
        ['broken quotes', `${HEADER}\n"Unclosed,2030-01-01`, /could not be read as CSV/, 422],
        ['empty', '', /empty/, 422],
      ];
      for (const [name, file, message, status] of cases) {
        const res = await send(file);
        assert.equal(res.statusCode, status, `${name}: ${res.body.slice(0, 300)}`);
        assert.match(res.body, message, name);
        assert.match(res.body, /There is a problem/, name);
      }
      const tooBig = await send(Buffer.alloc(2 * 1024 * 1024 + 10, 'a'));
      assert.equal(tooBig.statusCode, 413);
      const noFile = await h.app.inject({ method: 'POST', url: `${base()}/import`, headers: { ...upload(organizer.csrf, '').headers, cookie: organizer.cookie }, payload: `--x--` });
      assert.ok(noFile.statusCode >= 400 && noFile.statusCode < 500, `a broken body is a 4xx, got ${noFile.statusCode}`);
      const wrongToken = upload('not-the-token', `${HEADER}\n${row()}`);
      const forged = await h.app.inject({ method: 'POST', url: `${base()}/import`, headers: { ...wrongToken.headers, cookie: organizer.cookie }, payload: wrongToken.payload });
      assert.equal(forged.statusCode, 403);
      const badCommit = await post(`${base()}/import/commit`, { csv: 'a,b\n1,2' });
      assert.equal(badCommit.statusCode, 422);
      assert.equal(await count(), before, 'nothing was written');
    });
  });
}
