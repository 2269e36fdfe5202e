import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organization, organizerIn, type SignedIn } from './admin-helpers.ts';
import { campaign, confirmedEvent, hostForm, nextWeek } from './event-campaigns-support.ts';
import { makeEvent } from './events-support.ts';
import { rsvp, updateEvent } from '../src/events/service.ts';
import { hostToken } from '../src/events/index.ts';
import { confirmHostEmail } from '../src/event-campaigns/service.ts';
import { JOB_REVIEW_DIGEST, JOB_REVIEW_DIGEST_MAIL, nextDigest } from '../src/event-campaigns/review-digest.ts';
import { clusterEvents, type MapEvent } from '../src/event-campaigns/map.ts';
import { WHOLE_MAP } from '../src/kits/places/us-map.ts';

const person = (i: number, phone: string | null = null) => ({
  person: { givenName: `Ana${i}`, familyName: 'Díaz', email: `ana${i}@example.org`, postalCode: '60201', country: 'US' },
  phone,
  comment: null,
  optIn: false,
  optInWording: 'test',
  language: 'en',
  referral: { source: null, referrer: null },
});

/** An unfolded property of an .ics file (lines continue with a leading space). */
const icsProperty = (ics: string, name: string) => {
  const unfolded = ics.replace(/\r?\n[ \t]/g, '');
  return new RegExp(`^${name}[^:]*:(.*)$`, 'm').exec(unfolded)?.[1] ?? null;
};

for (const target of targets()) {
  describe(`finding and attending events on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let campaignId: string;
    let slug: string;
    let organizer: SignedIn;
    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Privacy Coalition')).id;
      const c = await campaign(h, orgId);
      campaignId = c.id;
      slug = c.slug;
      organizer = await organizerIn(h, orgId, 'organizer', 'lead@coalition.example');
      await organizerIn(h, orgId, 'viewer', 'viewer@coalition.example');
    });
    after(() => h.close());

    const db = () => h.ctx.database.db;
    const page = (url: string) => h.app.inject({ method: 'GET', url });
    const post = (url: string, fields: Record<string, string>) => h.app.inject({ method: 'POST', url, headers: FORM, payload: form(fields) });

    it('shows the venue’s name and the area, the street only when made public; attendees get the address', async () => {
      const hidden = await makeEvent(h, orgId, { title: 'Library vigil', description: 'We gather with **candles**. [Details](https://example.org/vigil)', latitude: 41.876543, longitude: -87.628123 });
      const shown = await makeEvent(h, orgId, { title: 'Park rally', venue: 'Grant Park', addressLines: ['337 E Randolph St'], addressPublic: true });
      const a = await page(`/events/${hidden.slug}`);
      assert.match(a.body, /Harold Washington Library/);
      assert.doesNotMatch(a.body, /400 S State/);
      assert.match(a.body, /The exact address is emailed/);
      assert.match(a.body, /<figure class="event-map area-map"><svg[^>]+role="img"/, 'a small map of the area');
      assert.match(a.body, /Map of the area around Chicago, IL\. The exact place is not marked\./);
      assert.doesNotMatch(a.body, /41\.8765|87\.6281/, 'not the exact point');
      const b = await page(`/events/${shown.slug}`);
      assert.match(b.body, /Grant Park/);
      assert.match(b.body, /337 E Randolph St/);
      assert.doesNotMatch(b.body, /The exact address is emailed/);
      // The public calendar file follows the page: the venue, the street only when public, no instructions.
      const icsA = await page(`/events/${hidden.slug}/event.ics`);
      assert.equal(icsA.statusCode, 200);
      assert.match(String(icsA.headers['content-type']), /text\/calendar/);
      assert.match(icsProperty(icsA.body, 'LOCATION') ?? '', /Harold Washington Library/);
      assert.doesNotMatch(icsA.body, /400 S State|side door/);
      assert.match(icsProperty((await page(`/events/${shown.slug}/event.ics`)).body, 'LOCATION') ?? '', /337 E Randolph St/);
      const description = icsProperty(icsA.body, 'DESCRIPTION')!;
      assert.match(description, /candles/);
      assert.doesNotMatch(description, /\*\*|\]\(/, 'plain text, not Markdown');
      assert.equal((await page('/events/no-such-event/event.ics')).statusCode, 404);

      // The confirmation carries the .ics with the full address, its text plain.
      h.mailer.sent = [];
      await h.ctx.committer.submit((uow) => rsvp(uow, hidden.id, person(1)));
      await h.runJobs();
      const mail = h.mailer.sent.find((m) => m.to === 'ana1@example.org')!;
      assert.ok(mail, 'confirmation sent');
      assert.match(mail.text, /400 S State/);
      assert.match(mail.text, /attached as a calendar file/);
      assert.equal(mail.attachments?.length, 1);
      const file = mail.attachments![0]!;
      assert.match(file.filename, /\.ics$/);
      assert.match(file.contentType, /text\/calendar/);
      const ics = String(file.content);
      assert.match(ics, /BEGIN:VEVENT/);
      assert.match(icsProperty(ics, 'LOCATION') ?? '', /400 S State/);
      const plain = icsProperty(ics, 'DESCRIPTION')!;
      assert.match(plain, /candles/);
      assert.match(plain, /Details \(https:\/\/example\.org\/vigil\)/);
      assert.doesNotMatch(plain, /\*\*|\]\(/);
      // A new time: the change email carries the file again, the same entry with a higher SEQUENCE.
      await new Promise((r) => setTimeout(r, 1100));
      await h.ctx.committer.submit((uow) => updateEvent(uow, hidden.id, { end_at: new Date(Date.parse(hidden.end_at) + 3_600_000).toISOString() }));
      h.mailer.sent = [];
      await h.runJobs();
      const changed = h.mailer.sent.find((m) => m.to === 'ana1@example.org' && /changed/i.test(m.subject))!;
      assert.ok(changed, 'the change is emailed');
      const newer = String(changed.attachments![0]!.content);
      assert.equal(icsProperty(newer, 'UID'), icsProperty(ics, 'UID'));
      assert.ok(Number(icsProperty(newer, 'SEQUENCE')) > Number(icsProperty(ics, 'SEQUENCE')));
    });

    it('a waitlisted RSVP is not asked to invite friends; it is told what happens next', async () => {
      const full = await makeEvent(h, orgId, { title: 'Tiny meetup', capacity: 1 });
      await h.ctx.committer.submit((uow) => rsvp(uow, full.id, person(2)));
      const going = await page(`/events/${full.slug}/thanks?status=accepted`);
      assert.match(going.body, /Invite friends/);
      for (const lang of ['en', 'es']) {
        const waiting = await page(`/events/${full.slug}/thanks?status=waitlisted&lang=${lang}`);
        assert.equal(waiting.statusCode, 200);
        assert.doesNotMatch(waiting.body, /Invite friends|Invita a tus amistades|facebook\.com|twitter\.com|x\.com\/intent|whatsapp|sms:|mailto:/i);
        assert.match(waiting.body, lang === 'en' ? /What happens next/ : /Qué pasa ahora/);
      }
      h.mailer.sent = [];
      await h.ctx.committer.submit((uow) => rsvp(uow, full.id, person(3)));
      await h.runJobs();
      const mail = h.mailer.sent.find((m) => m.to === 'ana3@example.org')!;
      assert.match(mail.subject, /waitlist/);
      assert.doesNotMatch(mail.text, /invite|share/i);
      assert.equal(mail.attachments, undefined, 'no calendar file for a place they do not have');
    });

    it('the map links each dot, groups overlapping ones with a count, follows the search and marks its matches', async () => {
      await confirmedEvent(h, orgId, campaignId, 'Loop vigil', '60605');
      await confirmedEvent(h, orgId, campaignId, 'Loop rally', '60604');
      await confirmedEvent(h, orgId, campaignId, 'Evanston teach-in', '60201');
      await confirmedEvent(h, orgId, campaignId, 'Brooklyn picnic', '11201', { timezone: 'America/New_York' });
      const all = await page(`/event_campaigns/${slug}`);
      const svg = all.body.slice(all.body.indexOf('<svg'), all.body.indexOf('</svg>'));
      assert.match(svg, /viewBox="0\.0 0\.0 975\.0 610\.0"/);
      assert.match(svg, /<a href="\/events\/brooklyn-picnic" aria-label="Brooklyn picnic, Brooklyn, NY">/);
      assert.match(svg, /aria-label="3 events near Chicago, IL"/);
      const searched = await page(`/event_campaigns/${slug}?zip=60605&distance=5`);
      assert.equal(searched.statusCode, 200);
      const zoomed = searched.body.slice(searched.body.indexOf('<svg'), searched.body.indexOf('</svg>'));
      const box = /viewBox="([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)"/.exec(zoomed)!;
      assert.ok(Number(box[3]) < 100, `framed on the searched region, not the country (width ${box[3]})`);
      assert.match(zoomed, /Map of events within 5 miles of 60605/);
      assert.match(zoomed, /class="search-origin"/);
      assert.match(zoomed, /class="event-dot match"/);
      assert.match(zoomed, /href="\/events\/loop-vigil"|aria-label="2 events within your search near Chicago, IL"/);
      assert.match(zoomed, /class="event-dot"[^>]*fill="#6b7280"/, 'Evanston, outside 5 miles, is drawn but not as a match');
      // Clusters are by distance on the map as drawn.
      const near: MapEvent[] = [
        { slug: 'a', title: 'A', place: 'X', postal_code: null, latitude: 41.88, longitude: -87.63, match: true },
        { slug: 'b', title: 'B', place: 'X', postal_code: null, latitude: 41.89, longitude: -87.62, match: true },
        { slug: 'c', title: 'C', place: 'Y', postal_code: null, latitude: 40.7, longitude: -74, match: true },
      ];
      assert.deepEqual(clusterEvents(near, WHOLE_MAP).map((c) => c.events.length).sort(), [1, 2]);
      assert.equal(clusterEvents(near, { x: 660, y: 180, width: 4, height: 2.5 }).length, 3, 'zoomed in, close dots stand apart');
    });

    it('takes Canadian and German addresses: Canada is found by distance, Germany is listed with a clear note', async () => {
      const toronto = await post(`/event_campaigns/${slug}/host`, hostForm({ title: 'Toronto rally', country: 'CA', postal_code: 'm5v3l9', locality: 'Toronto', timezone: 'America/Toronto', host_email: 'host-ca@example.org' }));
      assert.equal(toronto.statusCode, 303, toronto.body);
      const berlin = await post(`/event_campaigns/${slug}/host`, hostForm({ title: 'Berlin Kundgebung', country: 'DE', postal_code: '10115', locality: 'Berlin', timezone: 'Europe/Berlin', host_email: 'host-de@example.org' }));
      assert.equal(berlin.statusCode, 303, berlin.body);
      const badCa = await post(`/event_campaigns/${slug}/host`, hostForm({ title: 'Bad CA', country: 'CA', postal_code: '12345', locality: 'Toronto' }));
      assert.equal(badCa.statusCode, 422);
      assert.match(badCa.body, /Enter a Canadian postal code, like M5V 3L9/);
      const noCity = await post(`/event_campaigns/${slug}/host?lang=es`, hostForm({ lang: 'es', title: 'Sin ciudad', country: 'DE', postal_code: '10115', locality: '' }));
      assert.equal(noCity.statusCode, 422);
      assert.match(noCity.body, /ciudad/);
      const ca = await db().selectFrom('events').selectAll().where('title', '=', 'Toronto rally').executeTakeFirstOrThrow();
      assert.equal(ca.country, 'CA');
      assert.equal(ca.postal_code, 'M5V 3L9');
      assert.equal(ca.region, 'ON');
      assert.ok(ca.latitude !== null);
      const de = await db().selectFrom('events').selectAll().where('title', '=', 'Berlin Kundgebung').executeTakeFirstOrThrow();
      assert.equal(de.country, 'DE');
      assert.equal(de.postal_code, '10115');
      assert.equal(de.latitude, null, 'no offline data for Germany: not placed (10115 is also a New York ZIP)');
      await db().updateTable('events').set({ status: 'confirmed' }).where('id', 'in', [ca.id, de.id]).execute();
      const near = await page(`/event_campaigns/${slug}?zip=M5V+2T6&distance=25`);
      assert.equal(near.statusCode, 200, near.body);
      assert.match(near.body, /1 event within 25 miles of M5V 2T6/);
      assert.match(near.body, /<strong>Toronto rally<\/strong>/);
      assert.match(near.body, /1 event distance search cannot place/);
      assert.match(near.body, /Distance search covers the US and Canada/);
      const es = await page(`/event_campaigns/${slug}?zip=M5V+2T6&lang=es`);
      assert.match(es.body, /La búsqueda por distancia cubre Estados Unidos y Canadá/);
      const list = await page(`/event_campaigns/${slug}`);
      assert.match(list.body, /<strong>Berlin Kundgebung<\/strong>/, 'still listed');
      assert.match(list.body, /Berlin, Germany/);
      assert.match((await page(`/event_campaigns/${slug}?lang=es`)).body, /Berlín, Alemania|Berlin, Alemania/);
      const dePage = await page(`/events/${de.slug}`);
      assert.match(dePage.body, /Near postal code 10115/);
      assert.match(dePage.body, /Germany/);
      const badSearch = await page(`/event_campaigns/${slug}?zip=ZZZ`);
      assert.equal(badSearch.statusCode, 400);
      assert.match(badSearch.body, /or a Canadian postal code/);
    });

    it('a host’s message has Reply-To the host; the host sees the phone numbers the form collected', async () => {
      const event = await confirmedEvent(h, orgId, campaignId, 'Phone bank', '60201');
      await db().updateTable('events').set({ host_name: 'Rosa Parks', host_email: 'rosa@example.org', host_email_confirmed_at: new Date().toISOString() }).where('id', '=', event.id).execute();
      await h.ctx.committer.submit((uow) => rsvp(uow, event.id, person(10, '(312) 555-0142')));
      await h.ctx.committer.submit((uow) => rsvp(uow, event.id, person(11)));
      const base = `/events/${event.slug}/host/${hostToken(h.config.secretKey, event.id, 1)}`;
      const manage = await page(base);
      assert.equal(manage.statusCode, 200);
      assert.match(manage.body, /<th scope="col">Phone<\/th>/);
      assert.match(manage.body, /<a href="tel:3125550142">\(312\) 555-0142<\/a>/);
      await h.runJobs();
      h.mailer.sent = [];
      const sent = await post(`${base}/message`, { lang: 'en', subject: 'Bring water', body: 'It will be hot.' });
      assert.equal(sent.statusCode, 303);
      await h.runJobs();
      const messages = h.mailer.sent.filter((m) => m.subject === 'Bring water');
      assert.equal(messages.length, 2);
      for (const m of messages) assert.equal(m.replyTo, '"Rosa Parks" <rosa@example.org>');
    });

    it('organizers get a daily digest of events waiting for review, only when some wait', async () => {
      const other = await organization(h, 'Quiet Org');
      const quiet = await campaign(h, other.id, 'Quiet week');
      await organizerIn(h, other.id, 'owner', 'owner@quiet.example');
      assert.equal(nextDigest('2026-06-07T13:59:00.000Z').runAt, '2026-06-07T14:00:00.000Z');
      assert.equal(nextDigest('2026-06-07T14:00:00.000Z').runAt, '2026-06-08T14:00:00.000Z');
      const offered = await post(`/event_campaigns/${slug}/host`, hostForm({ title: 'Waiting teach-in', host_email: 'w@example.org' }));
      assert.equal(offered.statusCode, 303);
      const waiting = await db().selectFrom('events').select('id').where('title', '=', 'Waiting teach-in').executeTakeFirstOrThrow();
      await h.ctx.committer.submit((uow) => confirmHostEmail(uow, waiting.id));
      const second = await confirmedEvent(h, orgId, campaignId, 'Second offer', '60605', { status: 'pending' });
      await db().updateTable('events').set({ host_email: 'x@example.org', host_email_confirmed_at: null }).where('id', '=', second.id).execute();
      await h.ctx.committer.submit((uow) => confirmHostEmail(uow, second.id));
      const digests = await db().selectFrom('jobs').selectAll().where('kind', '=', JOB_REVIEW_DIGEST).execute();
      assert.equal(digests.length, 1, 'one digest a day per organization, however many events start waiting');
      assert.equal(JSON.parse(digests[0]!.payload).organizationId, orgId);
      assert.ok(digests[0]!.run_at > new Date().toISOString(), 'it waits for the digest hour');
      // A digest for an organization with nothing waiting sends nothing.
      await db().insertInto('jobs').values({ id: crypto.randomUUID(), kind: JOB_REVIEW_DIGEST, payload: JSON.stringify({ organizationId: other.id, day: '2026-01-01' }), status: 'pending', attempts: 0, max_attempts: 5, run_at: new Date(0).toISOString(), locked_by: null, locked_until: null, last_error: null, created_at: new Date().toISOString(), finished_at: null }).execute();
      await db().updateTable('jobs').set({ run_at: new Date(0).toISOString() }).where('kind', '=', JOB_REVIEW_DIGEST).where('status', '=', 'pending').execute();
      h.mailer.sent = [];
      await h.runJobs();
      const digestMails = h.mailer.sent.filter((m) => m.subject.startsWith('Events waiting for review'));
      assert.deepEqual(digestMails.map((m) => m.to).sort(), ['lead@coalition.example'], 'organizers who can decide; not viewers, not the quiet organization');
      const mail = digestMails[0]!;
      assert.equal(mail.subject, 'Events waiting for review: 2');
      assert.equal(mail.language, 'en', 'no language is stored for the organizer or the organization: English');
      assert.match(mail.text, /Waiting teach-in/);
      assert.match(mail.text, /Second offer/);
      assert.match(mail.text, new RegExp(`/admin/event-campaigns/${campaignId}/moderation`));
      assert.match(mail.html ?? '', /<!doctype html>/i, 'in the email layout');
      assert.ok(quiet);
      const tomorrow = await db().selectFrom('jobs').selectAll().where('kind', '=', JOB_REVIEW_DIGEST).where('status', '=', 'pending').execute();
      assert.equal(tomorrow.length, 1, 'tomorrow’s digest is queued while events wait');
      // Decided meanwhile: tomorrow's digest sends nothing.
      await db().updateTable('events').set({ status: 'confirmed' }).where('id', 'in', [waiting.id, second.id]).execute();
      await db().updateTable('jobs').set({ run_at: new Date(0).toISOString() }).where('id', '=', tomorrow[0]!.id).execute();
      h.mailer.sent = [];
      await h.runJobs();
      assert.equal(h.mailer.sent.filter((m) => m.subject.startsWith('Events waiting')).length, 0);
      assert.equal((await db().selectFrom('jobs').select('id').where('kind', '=', JOB_REVIEW_DIGEST_MAIL).execute()).length, 1);
      assert.ok(organizer);
      assert.ok(nextWeek());
    });

    it('an organizer chooses the language of their emails on their account page; the digest follows it', async () => {
      const choose = (language: string) =>
        h.app.inject({ method: 'POST', url: '/admin/account/language', headers: { ...FORM, cookie: organizer.cookie }, payload: form({ _csrf: organizer.csrf, language }) });
      const bad = await choose('fr');
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /Choose English, Español or the organization’s default\./);
      const stored = () => db().selectFrom('users').select('language').where('email', '=', 'lead@coalition.example').executeTakeFirstOrThrow();
      assert.equal((await stored()).language, null, 'a refused choice changes nothing');
      const ok = await choose('es');
      assert.equal(ok.statusCode, 303);
      assert.equal(ok.headers.location, '/admin/account?saved=language');
      assert.equal((await stored()).language, 'es');
      const account = await h.app.inject({ url: '/admin/account?saved=language', headers: { cookie: organizer.cookie } });
      assert.match(account.body, /The language of your emails is saved\./);
      assert.match(account.body, /<input type="radio" id="language-es" name="language" value="es" checked\/>/);

      const offered = await post(`/event_campaigns/${slug}/host`, hostForm({ title: 'Espera de revisión', host_email: 'espera@example.org' }));
      assert.equal(offered.statusCode, 303);
      const waiting = await db().selectFrom('events').select('id').where('title', '=', 'Espera de revisión').executeTakeFirstOrThrow();
      await h.ctx.committer.submit((uow) => confirmHostEmail(uow, waiting.id));
      // That day's digest has gone already (the test above): this one is another day's.
      const user = await db().selectFrom('users').select('id').where('email', '=', 'lead@coalition.example').executeTakeFirstOrThrow();
      const now = new Date().toISOString();
      await db().insertInto('jobs').values({ id: crypto.randomUUID(), kind: JOB_REVIEW_DIGEST_MAIL, payload: JSON.stringify({ organizationId: orgId, userId: user.id, day: '2030-01-01' }), status: 'pending', attempts: 0, max_attempts: 5, run_at: new Date(0).toISOString(), locked_by: null, locked_until: null, last_error: null, created_at: now, finished_at: null }).execute();
      h.mailer.sent = [];
      await h.runJobs();
      const mail = h.mailer.sent.find((m) => m.to === 'lead@coalition.example');
      assert.ok(mail, 'the digest went');
      assert.equal(mail.language, 'es');
      assert.match(mail.subject, /^Eventos por revisar: \d+$/);
      assert.match(mail.text, /Espera de revisión/);
      assert.equal((await choose('')).statusCode, 303);
      assert.equal((await stored()).language, null, 'back to the default');
    });
  });
}
