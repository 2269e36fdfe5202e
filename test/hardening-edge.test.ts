// Issue #14, the hostile probe's findings 2, 3, 6, 7, 8 and 9: control characters at the edge,
// concurrent creations of one title, invisible names, HSTS and Secure cookies, a full disk, and
// the host check-in's rate limit. Every case runs on SQLite and, with TEST_DATABASE_URL, PostgreSQL.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { targets, harness, form, FORM, type Harness, type Target } from './helpers.ts';
import { organization, organizerIn, cookiesFrom, csrfFrom, type SignedIn } from './admin-helpers.ts';
import { apiOrganization, osdiPerson, type ApiClient } from './api-support.ts';
import { campaign, confirmedEvent, hostForm } from './event-campaigns-support.ts';
import { dayFromNow } from './events-support.ts';
import { createPetition } from '../src/petitions/service.ts';
import { hostToken, rsvp } from '../src/events/service.ts';
import { hasVisibleText, isCleanText } from '../src/actions/people/normalize.ts';
import { classifyDatabaseFault } from '../src/db/faults.ts';
import { controlCharacterIn } from '../src/app/input-edge.ts';
import { buildApp } from '../src/app/build-app.ts';
import { readPerson as readImportedPerson, tagProblem as importTagProblem } from '../src/imports/parse.ts';
import { nowIso } from '../src/util/ids.ts';

const day = dayFromNow(40);

const signer = (over: Record<string, string> = {}) => ({
  given_name: 'Ana',
  family_name: 'Ruiz',
  email: 'ana@example.org',
  postal_code: '94110',
  country: 'US',
  ...over,
});

const petitionFields = { description: '', petition_text: 'Stop selling it.', targets: [], goal: null, confirmation_required: false, status: 'open' as const };

async function newPetition(h: Harness, orgId: string, title: string) {
  return createPetition(h.ctx.database.db, orgId, { title, ...petitionFields }, nowIso());
}

/** A confirmed event in the campaign with a host, whose private page takes check-ins. */
async function hostedEvent(h: Harness, orgId: string, campaignId: string, title: string) {
  const event = await confirmedEvent(h, orgId, campaignId, title, '60201');
  await h.ctx.database.db.updateTable('events').set({ host_name: 'Rosa', host_email: 'rosa@example.org' }).where('id', '=', event.id).execute();
  return event;
}

const count = async (h: Harness, table: 'signatures' | 'people' | 'events' | 'petitions' | 'event_campaigns' | 'consents' | 'jobs') =>
  Number((await h.ctx.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('the edge and name checks, without a database', () => {
  it('finds control characters in the path, the query and the body, and names where', () => {
    assert.equal(controlCharacterIn({ params: { slug: 'ok' }, query: { source: 'mail' }, body: { text: 'line one\r\n\tline two' } }), null);
    assert.match(controlCharacterIn({ params: { slug: 'x\u0000' }, query: {}, body: undefined })!.message, /^path\.slug contains a control character \(U\+0000\)/);
    assert.match(controlCharacterIn({ params: {}, query: { source: 'a\nb' }, body: undefined })!.message, /^query\.source .*U\+000A/);
    assert.match(controlCharacterIn({ params: {}, query: {}, body: { contact: { name: 'A\u0007' } } })!.message, /^body\.contact\.name .*U\+0007/);
    assert.match(controlCharacterIn({ params: {}, query: {}, body: { add_tags: ['ok', 'b\u001b'] } })!.message, /^body\.add_tags\[1\]/);
    assert.match(controlCharacterIn({ params: {}, query: {}, body: { ['k\u0000']: 'v' } })!.message, /a field's name/);
  });

  it('says a name of invisible characters shows nothing, and keeps joiners inside real names', () => {
    for (const invisible of ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u200B\u200D\u2060', '\u180E', '\u3164', '\u115F', '\u2800', '\u034F', '\u00AD', '\u0301']) {
      assert.equal(hasVisibleText(invisible), false, `U+${invisible.codePointAt(0)!.toString(16)}`);
    }
    for (const name of ['Ana', 'José', '李', '👩‍👩‍👧', 'क्‍ष', '3', 'Ana\u200B']) assert.equal(hasVisibleText(name), true, name);
    assert.equal(isCleanText('Ana\u0085'), false, 'C1 controls (NEL) are refused');
    assert.equal(isCleanText('Ana\u009F', true), false);
  });

  it('reads an imported cell of invisible characters as empty, and refuses such a tag for the file', () => {
    const mapping = ['email', 'given_name', 'tag'] as const;
    const read = readImportedPerson(['a@example.org', '\u200B\u200D', 'ok, \u2060'], [...mapping]);
    assert.ok('person' in read, JSON.stringify(read));
    assert.equal(read.person.givenName, null);
    assert.deepEqual(read.person.tags, ['ok']);
    assert.match(importTagProblem('\uFEFF\u200C') ?? '', /no letters or numbers that show/);
    assert.equal(importTagProblem('volunteers'), null);
  });

  it('classifies a full or failing disk, and nothing else, as a database fault', () => {
    assert.equal(classifyDatabaseFault(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })), 'disk_full');
    assert.equal(classifyDatabaseFault(Object.assign(new Error('could not extend file'), { code: '53100' })), 'disk_full');
    assert.equal(classifyDatabaseFault(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' })), 'io_error');
    assert.equal(classifyDatabaseFault(new Error('wrapped', { cause: Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }) })), 'disk_full');
    assert.equal(classifyDatabaseFault(Object.assign(new Error('duplicate key'), { code: '23505' })), null);
    assert.equal(classifyDatabaseFault(new Error('a bug')), null);
  });
});

for (const target of targets()) {
  describe(`control characters at the edge on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let api: ApiClient;
    let petitionSlug: string;
    let campaignSlug: string;
    let hostBase: string;
    let attendanceId: string;
    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Edge Coalition')).id;
      api = await apiOrganization(h, 'edge-api');
      petitionSlug = (await newPetition(h, orgId, 'Edge petition')).slug;
      const c = await campaign(h, orgId, 'Edge week');
      campaignSlug = c.slug;
      const event = await hostedEvent(h, orgId, c.id, 'Edge vigil');
      hostBase = `/events/${event.slug}/host/${hostToken(h.config.secretKey, event.id, event.host_link_version)}`;
      const taker = { person: { givenName: 'Ana', familyName: 'Ruiz', email: 'ana@example.org', postalCode: '60201', country: 'US' }, phone: null, comment: null, optIn: false, optInWording: 'test', language: 'en', referral: { source: null, referrer: null } };
      const result = await h.ctx.committer.submit((uow) => rsvp(uow, event.id, taker));
      attendanceId = result.attendanceId;
    });
    after(() => h.close());

    const send = (method: 'GET' | 'POST', url: string, fields?: Record<string, string>, headers: Record<string, string> = {}) =>
      h.app.inject({ method, url, headers: { ...(fields ? FORM : {}), ...headers }, ...(fields ? { payload: form(fields) } : {}) });

    function assertRefusedPage(res: { statusCode: number; headers: Record<string, unknown>; body: string }, lang: 'en' | 'es' = 'en', what = '') {
      assert.equal(res.statusCode, 400, `${what}: ${res.body.slice(0, 300)}`);
      assert.match(res.headers['content-type'] as string, /^text\/html/, what);
      assert.match(res.body, lang === 'en' ? /Something you sent cannot be used/ : /No podemos usar algo de lo que enviaste/, what);
      assert.doesNotMatch(res.body, /at \w+ \(|stack|Internal/i, what);
    }

    it('answers every public URL with a NUL in it with a 400 page, not a 500', async () => {
      const urls: ['GET' | 'POST', string][] = [
        ['GET', '/petitions/x%00'],
        ['POST', '/petitions/x%00'],
        ['GET', '/events/x%00'],
        ['POST', '/events/x%00'],
        ['GET', '/event_campaigns/x%00'],
        ['POST', '/event_campaigns/x%00'],
        ['GET', '/admin/petitions/x%00'],
        ['GET', '/admin/events/x%00/attendees'],
        ['GET', '/event_campaigns/x%00/host'],
        ['POST', '/event_campaigns/x%00/host'],
        ['GET', `/petitions/${petitionSlug}/confirm/x%00/token`],
        ['POST', `/petitions/${petitionSlug}/confirm/x%00/token`],
        ['GET', `/petitions/${petitionSlug}/confirm/00000000-0000-0000-0000-000000000000/t%00`],
        ['GET', `/event_campaigns/${campaignSlug}/host/confirm/x%00/token`],
        ['POST', `/event_campaigns/${campaignSlug}/host/confirm/x%00/token`],
        ['GET', `/events/x%00/attendances/x/y`],
        ['GET', `/events/x/host/t%00`],
        ['GET', `/petitions/${petitionSlug}?source=a%00b`],
        ['GET', `/event_campaigns/${campaignSlug}?zip=6020%001`],
        ['GET', `/petitions/${petitionSlug}?source=a%0D%0Ab`],
      ];
      for (const [method, url] of urls) assertRefusedPage(await send(method, url, method === 'POST' ? signer() : undefined), 'en', `${method} ${url}`);
      assertRefusedPage(await send('GET', '/petitions/x%00', undefined, { 'accept-language': 'es' }), 'es', 'in Spanish');
    });

    it('answers a path of slashes or one naming another host with a page (the home page, or 404) whose links stay on this site', async () => {
      for (const [url, status] of [['//', 200], ['///', 404], ['//evil.example/x', 404], ['//evil.example/x?lang=es', 404]] as const) {
        const res = await send('GET', url);
        assert.equal(res.statusCode, status, `${url}: ${res.body.slice(0, 200)}`);
        assert.match(res.headers['content-type'] as string, /^text\/html/, url);
        assert.doesNotMatch(res.body, /href="\/\/|href="https?:\/\/evil/, url);
      }
    });

    it("refuses a NUL in the host check-in's attendance_id, and checks in nobody", async () => {
      const res = await send('POST', `${hostBase}/check-in`, { attendance_id: `${attendanceId}\u0000`, lang: 'es' });
      assertRefusedPage(res, 'es', 'check-in');
      const row = await h.ctx.database.db.selectFrom('attendances').select('attended').where('id', '=', attendanceId).executeTakeFirstOrThrow();
      assert.equal(row.attended, 0);
    });

    it('refuses control characters in a form body and stores nothing; keeps line breaks in a comment', async () => {
      const before = await count(h, 'signatures');
      for (const over of [{ given_name: 'Ana\u0000' }, { family_name: 'Ruiz\u0007' }, { comments: 'hi\u0000' }, { email: 'ana\u0000@example.org' }] as Record<string, string>[]) {
        assertRefusedPage(await send('POST', `/petitions/${petitionSlug}`, { ...signer(), ...over, lang: 'es' }), 'es', JSON.stringify(over));
      }
      assert.equal(await count(h, 'signatures'), before);
      const ok = await send('POST', `/petitions/${petitionSlug}`, { ...signer({ email: 'lines@example.org' }), comments: 'First line\r\nSecond\tline' });
      assert.equal(ok.statusCode, 303, ok.body);
    });

    it('refuses CR LF in an email or a name by the field checks, in the reader\'s language', async () => {
      const before = await count(h, 'people');
      const email = await send('POST', `/petitions/${petitionSlug}`, { ...signer({ email: 'x@example.com\r\nBcc: victim@example.org' }), lang: 'es' });
      assert.equal(email.statusCode, 422);
      assert.match(email.body, /Correo electrónico contiene caracteres que no podemos leer/);
      const name = await send('POST', `/petitions/${petitionSlug}`, signer({ given_name: 'Ana\r\nBcc: x' }));
      assert.equal(name.statusCode, 422);
      assert.match(name.body, /contains characters we cannot read/);
      const host = await send('POST', `/event_campaigns/${campaignSlug}/host`, hostForm({ host_email: 'rosa@example.org\r\nBcc: x@example.org', host_name: 'Rosa\nParks', title: 'CRLF offer' }));
      assert.equal(host.statusCode, 422);
      assert.equal(await count(h, 'people'), before);
    });

    it('answers the API with a JSON 400 naming the field, for NUL in origin_system, contact.name, a person or the path', async () => {
      const eventsBefore = await count(h, 'events');
      const campaignsBefore = await count(h, 'event_campaigns');
      const c = (await api.post('/event_campaigns', { title: 'API edge week' })).body;
      const cid = c.identifiers[0].split(':')[1];
      const eventBody = {
        title: 'API edge event',
        start_date: `${day}T18:00:00`,
        timezone_identifier: 'America/Chicago',
        location: { venue: 'Hall', address_lines: ['1 Main St'], locality: 'Chicago', region: 'IL', postal_code: '60602', country: 'US' },
      };
      const cases: [string, unknown, RegExp][] = [
        ['/event_campaigns', { title: 'T', origin_system: 'sync\u0000' }, /body\.origin_system contains a control character \(U\+0000\)/],
        [`/event_campaigns/${cid}/events`, { ...eventBody, contact: { name: 'Rosa\u0000', email_address: 'rosa@example.org' } }, /body\.contact\.name/],
        [`/event_campaigns/${cid}/events`, { ...eventBody, origin_system: 'x\u0000' }, /body\.origin_system/],
        ['/petitions', { title: 'P\u0000', petition_text: 'x' }, /body\.title/],
        ['/people', { person: osdiPerson('nul@example.org', { given_name: 'A\u0000' }) }, /body\.person\.given_name/],
        // Single-line fields with a line break are refused by their field checks.
        ['/event_campaigns', { title: 'T', origin_system: 'sync\r\nX-Evil: 1' }, /origin_system contains line breaks/],
        [`/event_campaigns/${cid}/events`, { ...eventBody, contact: { name: 'Rosa\r\nBcc: x', email_address: 'rosa@example.org' } }, /contact\.name contains line breaks/],
        [`/event_campaigns/${cid}/events`, { ...eventBody, contact: { name: 'Rosa', email_address: 'rosa@example.org\r\nBcc: x@example.org' } }, /contact/],
        [`/event_campaigns/${cid}/events`, { ...eventBody, origin_system: 'a\nb' }, /origin_system contains line breaks/],
        ['/people', { person: osdiPerson('x@example.com\r\nBcc: y@example.org') }, /email_addresses\[0\]\.address/],
      ];
      for (const [path, body, message] of cases) {
        const res = await api.post(path, body);
        assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}: ${res.text}`);
        assert.match(res.headers['content-type'] as string, /^application\/hal\+json/);
        assert.match(res.body.error, message, res.text);
      }
      const path = await api.get('/petitions/x%00');
      assert.equal(path.status, 400);
      assert.match(path.body.error, /path\.id contains a control character/);
      assert.equal(await count(h, 'events'), eventsBefore);
      assert.equal(await count(h, 'event_campaigns'), campaignsBefore + 1);
      const stored = await h.ctx.database.db.selectFrom('people').select('email').where('email', 'like', '%bcc%').execute();
      assert.deepEqual(stored, []);
      // Multi-line text keeps its line breaks and tabs.
      const multi = await api.post('/petitions', { title: 'Multi-line', petition_text: 'One\n\n\tTwo' });
      assert.equal(multi.status, 200, multi.text);
    });

    it('keeps a clean origin_system from the API, trimmed', async () => {
      const res = await api.post('/event_campaigns', { title: 'Clean week', origin_system: '  Sync tool ' });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.origin_system, 'Sync tool');
    });
  });

  describe(`concurrent creations of one title on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let organizer: SignedIn;
    let api: ApiClient;
    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Race Coalition')).id;
      organizer = await organizerIn(h, orgId, 'organizer', 'racer@coalition.example');
      api = await apiOrganization(h, 'race-api');
    });
    after(() => h.close());

    const consolePost = (url: string, fields: Record<string, string>) =>
      h.app.inject({ method: 'POST', url, headers: { ...FORM, cookie: organizer.cookie }, payload: form({ ...fields, _csrf: organizer.csrf }) });

    /** Sends ten at once and checks each succeeded; returns the slugs made. */
    async function tenAtOnce(what: string, send: (i: number) => Promise<{ ok: boolean; detail: string }>, slugs: () => Promise<string[]>) {
      const before = new Set(await slugs());
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => send(i)));
      const failed = results.filter((r) => !r.ok);
      assert.deepEqual(failed.map((r) => r.detail), [], `${what}: ${failed.length} of 10 failed`);
      const made = (await slugs()).filter((s) => !before.has(s));
      assert.equal(made.length, 10, `${what}: ten rows`);
      assert.equal(new Set(made).size, 10, `${what}: ten distinct slugs`);
      return made;
    }
    const slugsOf = (table: 'petitions' | 'events' | 'event_campaigns') => async () => (await h.ctx.database.db.selectFrom(table).select('slug').execute()).map((r) => r.slug);
    const inject = (res: { statusCode: number; body: string }, want: number) => ({ ok: res.statusCode === want, detail: `${res.statusCode} ${res.body.slice(0, 200)}` });
    const apiOk = (res: { status: number; text: string }) => ({ ok: res.status === 200, detail: `${res.status} ${res.text.slice(0, 200)}` });

    it('makes ten console petitions of one title, each with its own address', async () => {
      const made = await tenAtOnce(
        'console petitions',
        async () => inject(await consolePost('/admin/petitions/new', { title: 'Same petition', slug: '', description: '', petition_text: 'Text.', targets: '', goal: '', status: 'open' }), 303),
        slugsOf('petitions'),
      );
      assert.ok(made.includes('same-petition') && made.includes('same-petition-10'), made.join(' '));
    });

    it('makes ten console events of one title', async () => {
      const fields = { title: 'Same event', slug: '', description: '', instructions: '', start_date: day, start_time: '18:30', end_date: day, end_time: '20:00', timezone: 'America/New_York', capacity: '', location_type: 'in_person', join_url: '', venue: 'Hall', address_line1: '12 Main St', address_line2: '', locality: 'Albany', region: 'NY', postal_code: '12207', country: 'US', visibility: 'public' };
      await tenAtOnce('console events', async () => inject(await consolePost('/admin/events/new', fields), 303), slugsOf('events'));
    });

    it('makes ten console event campaigns of one title', async () => {
      await tenAtOnce('console campaigns', async () => inject(await consolePost('/admin/event-campaigns', { title: 'Same week', description: '', status: 'open' }), 303), slugsOf('event_campaigns'));
    });

    it('makes ten API petitions, events, campaigns and campaign events of one title', async () => {
      await tenAtOnce('API petitions', async () => apiOk(await api.post('/petitions', { title: 'API same', petition_text: 'x' })), slugsOf('petitions'));
      const event = { title: 'API same event', start_date: `${day}T18:00:00`, timezone_identifier: 'America/Chicago', location: { venue: 'Hall', address_lines: ['1 Main St'], locality: 'Chicago', region: 'IL', postal_code: '60602', country: 'US' } };
      await tenAtOnce('API events', async () => apiOk(await api.post('/events', event)), slugsOf('events'));
      await tenAtOnce('API campaigns', async () => apiOk(await api.post('/event_campaigns', { title: 'API same week' })), slugsOf('event_campaigns'));
      const c = (await api.post('/event_campaigns', { title: 'API events week' })).body;
      const id = c.identifiers[0].split(':')[1];
      await tenAtOnce('API campaign events', async () => apiOk(await api.post(`/event_campaigns/${id}/events`, { ...event, title: 'API same campaign event' })), slugsOf('events'));
    });

    it("keeps ten hosts' offers of one title from the public form, none lost", async () => {
      const c = await campaign(h, orgId, 'Offers week');
      const pendingBefore = await count(h, 'events');
      await tenAtOnce(
        'host offers',
        async (i) => inject(await h.app.inject({ method: 'POST', url: `/event_campaigns/${c.slug}/host`, headers: FORM, payload: form(hostForm({ title: 'Same offer', host_email: `host${i}@example.org` })) }), 303),
        slugsOf('events'),
      );
      assert.equal(await count(h, 'events'), pendingBefore + 10);
      const hosts = await h.ctx.database.db.selectFrom('events').select('host_email').where('title', '=', 'Same offer').execute();
      assert.equal(new Set(hosts.map((r) => r.host_email)).size, 10);
    });
  });

  describe(`names of invisible characters on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let slug: string;
    let api: ApiClient;
    let organizer: SignedIn;
    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Visible Coalition')).id;
      slug = (await newPetition(h, orgId, 'Visible petition')).slug;
      api = await apiOrganization(h, 'visible-api');
      organizer = await organizerIn(h, orgId, 'organizer', 'seer@coalition.example');
    });
    after(() => h.close());

    const sign = (over: Record<string, string>) => h.app.inject({ method: 'POST', url: `/petitions/${slug}`, headers: FORM, payload: form(signer(over)) });

    it('refuses a name of zero-width characters and C1 controls on the form, in both languages', async () => {
      const before = await count(h, 'people');
      for (const name of ['\u200B', '\u200C\u200D', '\u2060', '\uFEFF\u200B', '\u3164']) {
        const res = await sign({ given_name: name, email: 'ghost@example.org' });
        assert.equal(res.statusCode, 422, JSON.stringify(name));
        assert.match(res.body, /First name must have letters or numbers we can see|must have letters or numbers we can see/);
      }
      const es = await sign({ family_name: '\u200B\u200B', email: 'ghost@example.org', lang: 'es' });
      assert.equal(es.statusCode, 422);
      assert.match(es.body, /debe tener letras o números visibles/);
      const c1 = await sign({ given_name: 'Ana\u0085', email: 'ghost@example.org' });
      assert.equal(c1.statusCode, 422);
      assert.match(c1.body, /contains characters we cannot read/);
      assert.equal(await count(h, 'people'), before);
      const joined = await sign({ given_name: '👩‍👩‍👧 Ana', email: 'family@example.org' });
      assert.equal(joined.statusCode, 303, 'a joiner inside a real name is kept');
    });

    it("refuses a host's name of invisible characters on the host form", async () => {
      const c = await campaign(h, orgId, 'Invisible week');
      const res = await h.app.inject({ method: 'POST', url: `/event_campaigns/${c.slug}/host`, headers: FORM, payload: form(hostForm({ host_name: '\u2060\u200B', lang: 'es', title: 'Invisible host' })) });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /debe tener letras o números visibles/);
      const api2 = await api.post('/event_campaigns', { title: 'API invisible week' });
      const id = api2.body.identifiers[0].split(':')[1];
      const event = { title: 'Invisible contact', start_date: `${day}T18:00:00`, timezone_identifier: 'America/Chicago', location: { venue: 'Hall', address_lines: ['1 Main St'], locality: 'Chicago', region: 'IL', postal_code: '60602', country: 'US' } };
      const bad = await api.post(`/event_campaigns/${id}/events`, { ...event, contact: { name: '\u200D\uFEFF', email_address: 'h@example.org' } });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error, /contact\.name must have letters or numbers/);
    });

    it('refuses invisible names and tags in the API and tags in the console', async () => {
      const person = await api.post('/people', { person: osdiPerson('api-ghost@example.org', { given_name: '\u200B' }) });
      assert.equal(person.status, 400);
      assert.match(person.body.error, /person\.given_name: first name must have letters or numbers we can see/);
      const tags = await api.post('/people', { person: osdiPerson('api-tag@example.org'), add_tags: ['ok', '\u200C\u200D'] });
      assert.equal(tags.status, 400);
      assert.match(tags.body.error, /add_tags\[1\] must have letters or numbers/);
      assert.equal(await h.ctx.database.db.selectFrom('people').select('id').where('email', '=', 'api-tag@example.org').executeTakeFirst(), undefined);
      const someone = await h.ctx.database.db.selectFrom('people').select('id').where('organization_id', '=', orgId).executeTakeFirstOrThrow();
      const res = await h.app.inject({ method: 'POST', url: `/admin/people/${someone.id}/tags`, headers: { ...FORM, cookie: organizer.cookie }, payload: form({ _csrf: organizer.csrf, tag: '\u2060' }) });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /Use a tag name with letters or numbers that show/);
      const stored = await h.ctx.database.db.selectFrom('tags').select('name').execute();
      assert.equal(stored.some((t) => !hasVisibleText(t.name)), false, 'no invisible tag is stored');
    });
  });

  describe(`HSTS and Secure cookies on ${target.name}`, () => {
    let https: Harness;
    let plain: Harness;
    before(async () => {
      https = await harness(target, { BASE_URL: 'https://turnout.example' });
      plain = await harness(target);
    });
    after(async () => {
      await https.close();
      await plain.close();
    });

    const cookieLines = (res: { headers: Record<string, unknown> }) => {
      const raw = res.headers['set-cookie'];
      return Array.isArray(raw) ? (raw as string[]) : raw ? [raw as string] : [];
    };

    it('sends Strict-Transport-Security and Secure language, CSRF and session cookies when BASE_URL is https', async () => {
      const home = await https.app.inject({ url: '/?lang=es' });
      assert.equal(home.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
      const lang = cookieLines(home);
      assert.equal(lang.length, 1);
      assert.match(lang[0]!, /^lang=es;.*Secure/);
      const signInPage = await https.app.inject({ url: '/admin/sign-in' });
      const csrf = cookieLines(signInPage);
      assert.ok(csrf.length > 0 && csrf.every((c) => /; Secure/.test(c)), csrf.join('\n'));
      const orgId = (await organization(https, 'Secure Coalition')).id;
      await organizerIn(https, orgId, 'owner', 'secure@coalition.example');
      const res = await https.app.inject({
        method: 'POST',
        url: '/admin/sign-in',
        headers: { ...FORM, cookie: cookiesFrom(signInPage) },
        payload: form({ _csrf: csrfFrom(signInPage.body), email: 'secure@coalition.example', password: 'plum orchard lantern 42', next: '/admin' }),
      });
      assert.equal(res.statusCode, 303, res.body);
      const session = cookieLines(res).find((c) => c.startsWith('turnout_session='));
      assert.ok(session, 'a session cookie');
      assert.match(session!, /; Secure/);
      assert.match(session!, /; HttpOnly/);
    });

    it('sends neither on plain http (a laptop)', async () => {
      const home = await plain.app.inject({ url: '/?lang=es' });
      assert.equal(home.headers['strict-transport-security'], undefined);
      assert.doesNotMatch(cookieLines(home)[0]!, /Secure/);
    });
  });

  describe(`a full disk on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let slug: string;
    let api: ApiClient;
    let petitionId: string;
    const logs: string[] = [];
    let app: Awaited<ReturnType<typeof buildApp>>;
    before(async () => {
      h = await harness(target, { LOG_LEVEL: 'error' });
      app = await buildApp(h.ctx, { logStream: { write: (line) => void logs.push(line) } });
      orgId = (await organization(h, 'Full Coalition')).id;
      const p = await newPetition(h, orgId, 'Full petition');
      slug = p.slug;
      petitionId = p.id;
      api = await apiOrganization(h, 'full-api');
      await createPetition(h.ctx.database.db, api.orgId, { title: 'API full petition', ...petitionFields }, nowIso());
    });
    after(async () => {
      await app.close();
      await h.close();
    });

    /** Makes the database refuse to grow: SQLite's page limit at its size; on PostgreSQL a trigger raising disk_full (53100). */
    async function fillDisk(t: Target) {
      const db = h.ctx.database.db;
      if (t.name === 'sqlite') {
        await sql`CREATE TABLE disk_filler (b BLOB)`.execute(db);
        const { page_count } = (await sql<{ page_count: number }>`PRAGMA page_count`.execute(db)).rows[0]!;
        await sql.raw(`PRAGMA max_page_count = ${page_count}`).execute(db);
        // Use up the free pages too, so that the next rows need a page SQLite may not add.
        for (;;) {
          try {
            await sql`INSERT INTO disk_filler VALUES (randomblob(256))`.execute(db);
          } catch (error) {
            if ((error as { code?: string }).code === 'SQLITE_FULL') break;
            throw error;
          }
        }
      } else {
        await sql`CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$`.execute(db);
        for (const table of ['signatures', 'people']) await sql.raw(`CREATE TRIGGER full_disk BEFORE INSERT ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION full_disk()`).execute(db);
      }
    }
    async function freeDisk(t: Target) {
      const db = h.ctx.database.db;
      if (t.name === 'sqlite') {
        await sql.raw('PRAGMA max_page_count = 1073741823').execute(db);
        await sql`DROP TABLE disk_filler`.execute(db);
      }
      else await sql`DROP FUNCTION full_disk() CASCADE`.execute(db);
    }

    it('answers a signer with a 503 page in their language, logs the full disk, and writes nothing', async () => {
      const before = { signatures: await count(h, 'signatures'), people: await count(h, 'people'), consents: await count(h, 'consents'), jobs: await count(h, 'jobs') };
      await fillDisk(target);
      try {
        // A long comment so the rows need a page SQLite may not add.
        const sign = (i: number, lang = 'en') =>
          app.inject({ method: 'POST', url: `/petitions/${slug}`, headers: FORM, payload: form({ ...signer({ email: `full${i}@example.org` }), comments: 'c'.repeat(990), lang }) });
        const apiPetition = await h.ctx.database.db.selectFrom('petitions').select('id').where('organization_id', '=', api.orgId).executeTakeFirstOrThrow();
        const viaApi = (i: number) =>
          app.inject({
            method: 'POST',
            url: `/api/v2/petitions/${apiPetition.id}/signatures`,
            headers: { 'osdi-api-token': api.token, 'content-type': 'application/json' },
            payload: JSON.stringify({ person: osdiPerson(`api-full${i}@example.org`), comments: 'c'.repeat(990) }),
          });
        // Twenty at once: more than the free space left inside the tables' pages.
        const [results, apiResults] = await Promise.all([
          Promise.all(Array.from({ length: 20 }, (_, i) => sign(i, i === 0 ? 'es' : 'en'))),
          Promise.all(Array.from({ length: 5 }, (_, i) => viaApi(i))),
        ]);
        for (const res of results) {
          assert.equal(res.statusCode, 503, res.body.slice(0, 300));
          assert.equal(res.headers['retry-after'], '30');
          assert.match(res.body, /We cannot save anything right now|No podemos guardar nada en este momento/);
        }
        assert.match(results[0]!.body, /No podemos guardar nada en este momento/);
        for (const res of apiResults) {
          assert.equal(res.statusCode, 503, res.body);
          assert.equal(res.headers['retry-after'], '30');
          assert.match(res.headers['content-type'] as string, /^application\/hal\+json/);
          assert.match(JSON.parse(res.body).error, /cannot write right now; nothing was changed/);
        }
        assert.deepEqual(
          { signatures: await count(h, 'signatures'), people: await count(h, 'people'), consents: await count(h, 'consents'), jobs: await count(h, 'jobs') },
          before,
          'nothing half-written',
        );
        const lines = logs.map((l) => JSON.parse(l) as { msg: string; fault?: string });
        assert.ok(lines.length > 0, 'logged');
        for (const line of lines) {
          assert.equal(line.fault, 'disk_full');
          assert.match(line.msg, target.name === 'sqlite' ? /database disk is full \(SQLITE_FULL\)/ : /database disk is full \(53100\)/);
        }
        assert.equal(logs.some((l) => /cannot rollback/.test(l)), false, 'the rollback does not hide the cause');
      } finally {
        await freeDisk(target);
      }
      const again = await app.inject({ method: 'POST', url: `/petitions/${slug}`, headers: FORM, payload: form(signer({ email: 'after@example.org' })) });
      assert.equal(again.statusCode, 303, 'signing works again once there is space');
      const row = await h.ctx.database.db.selectFrom('petitions').select('signature_count').where('id', '=', petitionId).executeTakeFirstOrThrow();
      assert.equal(Number(row.signature_count), 1);
    });
  });

  describe(`the host check-in's rate limit on ${target.name}`, () => {
    let h: Harness;
    let hostBase: string;
    let attendanceId: string;
    before(async () => {
      h = await harness(target, { RATE_LIMITS: 'on' });
      const orgId = (await organization(h, 'Door Coalition')).id;
      const c = await campaign(h, orgId, 'Door week');
      const event = await hostedEvent(h, orgId, c.id, 'Door vigil');
      hostBase = `/events/${event.slug}/host/${hostToken(h.config.secretKey, event.id, event.host_link_version)}`;
      const taker = { person: { givenName: 'Ana', familyName: 'Ruiz', email: 'door@example.org', postalCode: '60201', country: 'US' }, phone: null, comment: null, optIn: false, optInWording: 'test', language: 'en', referral: { source: null, referrer: null } };
      const result = await h.ctx.committer.submit((uow) => rsvp(uow, event.id, taker));
      attendanceId = result.attendanceId;
    });
    after(() => h.close());

    it('takes 120 check-ins a minute from one client, then answers 429 with a translated page', async () => {
      // The limit answers before the body is read, so the page takes the browser's language.
      const checkIn = (attended: string) =>
        h.app.inject({ method: 'POST', url: `${hostBase}/check-in`, headers: { ...FORM, 'accept-language': 'es' }, payload: form({ attendance_id: attendanceId, attended, lang: 'es' }) });
      for (let i = 0; i < 120; i++) {
        const res = await checkIn(i % 2 ? 'no' : 'yes');
        assert.equal(res.statusCode, 303, `check-in ${i + 1}: ${res.statusCode}`);
      }
      const limited = await checkIn('yes');
      assert.equal(limited.statusCode, 429);
      assert.ok(limited.headers['retry-after'], 'Retry-After');
      assert.match(limited.body, /Demasiados intentos/);
    });
  });
}
