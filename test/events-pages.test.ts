import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organization } from './admin-helpers.ts';
import { attendee, makeEvent } from './events-support.ts';
import { attendeeToken } from '../src/events/service.ts';
import { eventCache } from '../src/events/public-cache.ts';
import { newId, nowIso } from '../src/util/ids.ts';

for (const target of targets()) {
  describe(`public event pages and RSVPs on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Chicago Privacy Coalition')).id;
    });
    after(() => h.close());

    const db = () => h.ctx.database.db;
    const rsvp = (slug: string, fields: Record<string, string>, query = '') =>
      h.app.inject({ method: 'POST', url: `/events/${slug}${query}`, headers: FORM, payload: form(fields) });
    const attendances = (eventId: string) => db().selectFrom('attendances').selectAll().where('event_id', '=', eventId).orderBy('created_at').execute();
    const counts = async (eventId: string) => {
      const e = await db().selectFrom('events').select(['accepted_count', 'waitlist_count']).where('id', '=', eventId).executeTakeFirstOrThrow();
      return { accepted: Number(e.accepted_count), waitlist: Number(e.waitlist_count) };
    };
    const privatePath = (slug: string, attendanceId: string) => `/events/${slug}/attendances/${attendanceId}/${attendeeToken(h.config.secretKey, attendanceId)}`;
    const mailTo = (email: string) => h.mailer.sent.filter((m) => m.to === email);

    it('shows when (on the event’s clock, with the zone’s name) and roughly where, never the street, with a labelled form', async () => {
      const event = await makeEvent(h, orgId, { title: 'Vigil one', startDate: '2027-03-20', endDate: '2027-03-20' });
      const res = await h.app.inject({ url: `/events/${event.slug}` });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h1>Vigil one<\/h1>/);
      assert.match(res.body, /Saturday, March 20, 2027, 6:00\s*–\s*8:00\sPM Central Daylight Time/);
      assert.match(res.body, /Chicago, IL/);
      assert.match(res.body, /Near ZIP code 60605/);
      assert.doesNotMatch(res.body, /400 S State/, 'no street address on the public page');
      assert.match(res.body, /Harold Washington Library/, 'the venue\u2019s name is public');
      assert.doesNotMatch(res.body, /side door/, 'instructions are for attendees');
      assert.match(res.body, /Hosted by Chicago Privacy Coalition/);
      assert.match(res.body, /0 people going/);
      for (const [id, label] of [
        ['given_name', 'First name'],
        ['family_name', 'Last name'],
        ['email', 'Email address'],
        ['postal_code', 'ZIP or postal code'],
        ['phone', 'Phone number \\(optional\\)'],
      ]) {
        assert.match(res.body, new RegExp(`<label for="${id}">${label}</label>`), `label for ${id}`);
      }
      assert.match(res.body, /<input type="text" id="phone" name="phone" value="" autocomplete="tel"[^>]*inputmode="tel"/);
      assert.doesNotMatch(res.body, /id="opt_in"[^>]*checked/, 'the opt-in starts unticked');
      assert.doesNotMatch(res.body, /<script/i);
      const again = await h.app.inject({ url: `/events/${event.slug}` });
      assert.equal(again.body, res.body, 'the page comes from the cache');
    });

    it('records an RSVP, says the person is going, and emails the address, the instructions and the private link', async () => {
      const event = await makeEvent(h, orgId, { title: 'Vigil two', capacity: 10 });
      const res = await rsvp(event.slug, { ...attendee({ email: 'going@example.org' }), phone: '(312) 555-0100', opt_in: 'yes' }, '?source=flyer');
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/events/${event.slug}/thanks?status=accepted`);
      const thanks = await h.app.inject({ url: res.headers.location as string });
      assert.equal(thanks.statusCode, 200);
      assert.match(thanks.body, /You’re going/);
      assert.doesNotMatch(thanks.body, /attendances\//, 'the thank-you page never shows a private link');
      const [a] = await attendances(event.id);
      assert.equal(a!.status, 'accepted');
      assert.equal(a!.phone, '(312) 555-0100');
      assert.equal(a!.source, 'flyer');
      assert.deepEqual(await counts(event.id), { accepted: 1, waitlist: 0 });
      const page = await h.app.inject({ url: `/events/${event.slug}` });
      assert.match(page.body, /9 spots left/, 'the count moves at once after an RSVP');
      await h.runJobs();
      const [mail] = mailTo('going@example.org');
      assert.ok(mail, 'confirmation sent');
      assert.equal(mail.subject, 'You’re going: Vigil two');
      assert.match(mail.text, /Hello Ana,/);
      assert.match(mail.text, /Harold Washington Library\n400 S State St\nChicago, IL 60605/);
      assert.match(mail.text, /Ring the side door bell/);
      assert.ok(mail.text.includes(`http://turnout.test${privatePath(event.slug, a!.id)}`), 'the private link');
      assert.equal(mail.messageId.startsWith(`<attendance-${a!.id}.rsvp.`), true);
      const person = await db().selectFrom('people').selectAll().where('id', '=', a!.person_id).executeTakeFirstOrThrow();
      assert.equal(person.email_status, 'subscribed');
    });

    it('shows the attendee’s private page with the address, a calendar file in UTC and calendar links', async () => {
      const event = await makeEvent(h, orgId, { title: 'Winter vigil', startDate: '2027-01-16', endDate: '2027-01-16' });
      await rsvp(event.slug, attendee({ email: 'cal@example.org' }));
      const [a] = await attendances(event.id);
      const path = privatePath(event.slug, a!.id);
      const res = await h.app.inject({ url: path });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.match(res.body, /400 S State St/);
      assert.match(res.body, /Harold Washington Library/);
      assert.match(res.body, /Ring the side door bell/);
      assert.match(res.body, /Saturday, January 16, 2027, 6:00\s*–\s*8:00\sPM Central Standard Time/);
      assert.match(res.body, /href="https:\/\/calendar\.google\.com\/calendar\/render\?action=TEMPLATE[^"]*dates=20270117T000000Z%2F20270117T020000Z/);
      assert.match(res.body, /href="https:\/\/outlook\.live\.com\/calendar\/0\/deeplink\/compose\?[^"]*startdt=2027-01-17T00%3A00%3A00Z/);
      assert.doesNotMatch(res.body, /<script/i);
      const ics = await h.app.inject({ url: `${path}/event.ics` });
      assert.equal(ics.statusCode, 200);
      assert.match(ics.headers['content-type'] as string, /^text\/calendar/);
      assert.match(ics.headers['content-disposition'] as string, /attachment; filename="winter-vigil\.ics"/);
      assert.match(ics.body, /BEGIN:VEVENT/);
      assert.match(ics.body, /DTSTART:20270117T000000Z/, '18:00 in Chicago in January is midnight UTC');
      assert.match(ics.body, /DTEND:20270117T020000Z/);
      assert.match(ics.body, /LOCATION:Harold Washington Library\\, 400 S State St\\, Chicago\\, IL 60605/);
      assert.match(ics.body, new RegExp(`UID:event-${event.id}@turnout.test`));
      assert.match(ics.body, /SUMMARY:Winter vigil/);
    });

    it('puts daylight saving time into the calendar file: 18:00 in March in Chicago is 23:00 UTC', async () => {
      const event = await makeEvent(h, orgId, { title: 'Spring vigil', startDate: '2027-03-20', endDate: '2027-03-20' });
      await rsvp(event.slug, attendee({ email: 'spring@example.org' }));
      const [a] = await attendances(event.id);
      const ics = await h.app.inject({ url: `${privatePath(event.slug, a!.id)}/event.ics` });
      assert.match(ics.body, /DTSTART:20270320T230000Z/);
    });

    it('counts a repeat RSVP once and answers it the same, whatever the case of the email', async () => {
      const event = await makeEvent(h, orgId, { title: 'Repeat', capacity: 5 });
      const first = await rsvp(event.slug, attendee({ email: 'Twice@Example.org' }));
      const second = await rsvp(event.slug, attendee({ email: ' twice@example.ORG ', given_name: 'Anita' }));
      assert.equal(first.statusCode, 303);
      assert.equal(second.headers.location, first.headers.location);
      assert.equal((await attendances(event.id)).length, 1);
      assert.deepEqual(await counts(event.id), { accepted: 1, waitlist: 0 });
    });

    it('says a full event puts people on the waitlist, and waitlists them', async () => {
      const event = await makeEvent(h, orgId, { title: 'Small room', capacity: 1 });
      await rsvp(event.slug, attendee({ email: 'first@example.org' }));
      const page = await h.app.inject({ url: `/events/${event.slug}` });
      assert.match(page.body, /This event is full: you will join the waitlist/);
      assert.match(page.body, /<button type="submit">Join the waitlist<\/button>/);
      const res = await rsvp(event.slug, attendee({ email: 'second@example.org' }));
      assert.equal(res.headers.location, `/events/${event.slug}/thanks?status=waitlisted`);
      const thanks = await h.app.inject({ url: res.headers.location as string });
      assert.match(thanks.body, /You’re on the waitlist/);
      assert.deepEqual(await counts(event.id), { accepted: 1, waitlist: 1 });
      await h.runJobs();
      const [mail] = mailTo('second@example.org');
      assert.equal(mail!.subject, 'You’re on the waitlist: Small room');
      assert.doesNotMatch(mail!.text, /400 S State/, 'no address before a place');
    });

    it('cancels from the private link after a confirmation, promotes the next person and emails them', async () => {
      const event = await makeEvent(h, orgId, { title: 'One seat', capacity: 1 });
      await rsvp(event.slug, attendee({ email: 'seat@example.org' }));
      await rsvp(event.slug, attendee({ email: 'next@example.org', given_name: 'Bea' }));
      await rsvp(event.slug, attendee({ email: 'after@example.org' }));
      await h.runJobs();
      const [holder, next, after] = await attendances(event.id);
      const path = privatePath(event.slug, holder!.id);
      const confirm = await h.app.inject({ url: `${path}/cancel` });
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /<form method="post" action="[^"]+\/cancel">/);
      assert.equal((await attendances(event.id))[0]!.status, 'accepted', 'opening the link changes nothing');
      const res = await h.app.inject({ method: 'POST', url: `${path}/cancel`, headers: FORM, payload: form({ lang: 'en' }) });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Your RSVP is cancelled/);
      const rows = await attendances(event.id);
      assert.deepEqual(rows.map((r) => r.status), ['cancelled', 'accepted', 'waitlisted']);
      assert.deepEqual(await counts(event.id), { accepted: 1, waitlist: 1 });
      await h.runJobs();
      const promoted = mailTo('next@example.org').find((m) => m.subject.startsWith('A place opened up'));
      assert.ok(promoted, 'the promoted person is emailed');
      assert.match(promoted.text, /Hello Bea,/);
      assert.match(promoted.text, /400 S State St/, 'with the address they now have');
      assert.ok(promoted.text.includes(privatePath(event.slug, next!.id)));
      assert.equal(mailTo('after@example.org').filter((m) => m.subject.startsWith('A place')).length, 0);
      assert.ok(after);
      const page = await h.app.inject({ url: path });
      assert.match(page.body, /You cancelled your RSVP/);
      assert.doesNotMatch(page.body, /400 S State/, 'a cancelled attendee no longer sees the address');
      const twice = await h.app.inject({ method: 'POST', url: `${path}/cancel`, headers: FORM, payload: form({}) });
      assert.equal(twice.statusCode, 200, 'cancelling again is harmless');
      assert.deepEqual(await counts(event.id), { accepted: 1, waitlist: 1 });
    });

    it('answers a tampered or mismatched private link with a 404 page and changes nothing', async () => {
      const event = await makeEvent(h, orgId, { title: 'Tamper', capacity: 3 });
      const other = await makeEvent(h, orgId, { title: 'Other' });
      await rsvp(event.slug, attendee({ email: 'tamper@example.org' }));
      const [a] = await attendances(event.id);
      const token = attendeeToken(h.config.secretKey, a!.id);
      const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
      for (const url of [
        `/events/${event.slug}/attendances/${a!.id}/${flipped}`,
        `/events/${event.slug}/attendances/${a!.id}/${token.slice(0, -1)}`,
        `/events/${event.slug}/attendances/${newId()}/${token}`,
        `/events/${other.slug}/attendances/${a!.id}/${token}`,
        `/events/${event.slug}/attendances/${a!.id}/${flipped}/event.ics`,
        `/events/${event.slug}/attendances/${a!.id}/${flipped}/cancel`,
      ]) {
        const res = await h.app.inject({ url });
        assert.equal(res.statusCode, 404, url);
        assert.match(res.body, /This link does not work/, url);
        assert.doesNotMatch(res.body, /400 S State/, url);
      }
      const post = await h.app.inject({ method: 'POST', url: `/events/${event.slug}/attendances/${a!.id}/${flipped}/cancel`, headers: FORM, payload: form({}) });
      assert.equal(post.statusCode, 404);
      assert.equal((await attendances(event.id))[0]!.status, 'accepted');
    });

    it('refuses an invalid email, ZIP or phone with messages next to each field, keeps the input, and writes nothing', async () => {
      const event = await makeEvent(h, orgId, { title: 'Careful' });
      const res = await rsvp(event.slug, { given_name: 'Ana', family_name: '', email: 'not-an-email', postal_code: '123', phone: 'call me' });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /<div class="error-summary" role="alert"/);
      assert.match(res.body, /<a href="#family_name">Enter your last name<\/a>/);
      assert.match(res.body, /<a href="#email">Enter an email address in the right format/);
      assert.match(res.body, /<a href="#postal_code">Enter a valid ZIP code/);
      assert.match(res.body, /<a href="#phone">Enter a phone number with 7 to 15 digits/);
      assert.match(res.body, /id="given_name" name="given_name" value="Ana"/);
      assert.match(res.body, /value="not-an-email"/);
      assert.match(res.body, /<title>There is a problem: Careful<\/title>/);
      assert.equal((await attendances(event.id)).length, 0);
      assert.equal(await db().selectFrom('people').select('id').where('email', '=', 'not-an-email').executeTakeFirst(), undefined);
    });

    it('answers RSVPs to past and cancelled events with a clear 409 page and shows no form on them', async () => {
      const past = await makeEvent(h, orgId, { title: 'Last year', startDate: '2025-05-01', endDate: '2025-05-01' });
      const cancelled = await makeEvent(h, orgId, { title: 'Called off' });
      await db().updateTable('events').set({ status: 'cancelled' }).where('id', '=', cancelled.id).execute();
      for (const [event, text] of [
        [past, /already happened, so it no longer takes RSVPs/],
        [cancelled, /has been cancelled, so it no longer takes RSVPs/],
      ] as const) {
        const res = await rsvp(event.slug, attendee({ email: `late-${event.slug}@example.org` }));
        assert.equal(res.statusCode, 409, event.title);
        assert.match(res.body, text);
        assert.match(res.body, new RegExp(`href="/events/${event.slug}">Back to the event`));
        assert.equal((await attendances(event.id)).length, 0);
        const page = await h.app.inject({ url: `/events/${event.slug}` });
        assert.equal(page.statusCode, 200);
        assert.doesNotMatch(page.body, /<form/);
      }
      assert.match((await h.app.inject({ url: `/events/${past.slug}` })).body, /This event has already happened/);
      assert.match((await h.app.inject({ url: `/events/${cancelled.slug}` })).body, /This event has been cancelled/);
    });

    it('keeps events awaiting approval off the public site', async () => {
      const pending = await makeEvent(h, orgId, { title: 'Awaiting approval' }, { status: 'pending' });
      assert.equal((await h.app.inject({ url: `/events/${pending.slug}` })).statusCode, 404);
      assert.equal((await rsvp(pending.slug, attendee())).statusCode, 404);
    });

    it('lists public upcoming events, and reaches an unlisted one only by its link', async () => {
      const listed = await makeEvent(h, orgId, { title: 'Listed teach-in' });
      const unlisted = await makeEvent(h, orgId, { title: 'Unlisted house meeting', visibility: 'unlisted' });
      const list = await h.app.inject({ url: '/events' });
      assert.equal(list.statusCode, 200);
      assert.match(list.body, new RegExp(`href="/events/${listed.slug}"`));
      assert.doesNotMatch(list.body, /Unlisted house meeting/);
      const page = await h.app.inject({ url: `/events/${unlisted.slug}` });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Unlisted house meeting/);
      assert.equal((await rsvp(unlisted.slug, attendee({ email: 'unlisted@example.org' }))).statusCode, 303);
    });

    it('keeps an online event’s join link for attendees', async () => {
      const event = await makeEvent(h, orgId, { title: 'Online briefing', online: true, joinUrl: 'https://meet.example/secret-room', venue: '', addressLines: [] });
      const page = await h.app.inject({ url: `/events/${event.slug}` });
      assert.match(page.body, /Online/);
      assert.doesNotMatch(page.body, /secret-room/);
      await rsvp(event.slug, attendee({ email: 'online@example.org' }));
      await h.runJobs();
      const [mail] = mailTo('online@example.org');
      assert.match(mail!.text, /Join online: https:\/\/meet\.example\/secret-room/);
      const [a] = await attendances(event.id);
      const priv = await h.app.inject({ url: privatePath(event.slug, a!.id) });
      assert.match(priv.body, /href="https:\/\/meet\.example\/secret-room"/);
      const ics = await h.app.inject({ url: `${privatePath(event.slug, a!.id)}/event.ics` });
      assert.match(ics.body, /LOCATION:https:\/\/meet\.example\/secret-room/);
    });

    it('speaks Spanish: the page, the errors and the confirmation email', async () => {
      const event = await makeEvent(h, orgId, { title: 'Vigilia', capacity: 20, startDate: '2027-03-20', endDate: '2027-03-20' });
      const page = await h.app.inject({ url: `/events/${event.slug}?lang=es` });
      assert.match(page.body, /<html lang="es">/);
      assert.match(page.body, /sábado, 20 de marzo de 2027, 6:00\s*–\s*8:00\sp\.\s?m\. hora de verano central/);
      assert.match(page.body, /20 lugares libres/);
      assert.match(page.body, /<label for="given_name">Nombre<\/label>/);
      assert.match(page.body, /Confirmar asistencia/);
      const bad = await rsvp(event.slug, { ...attendee({ email: 'x' }), lang: 'es' });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /Hay un problema/);
      const ok = await rsvp(event.slug, { ...attendee({ email: 'ines@example.org', given_name: 'Inés' }), lang: 'es' });
      const thanks = await h.app.inject({ url: ok.headers.location as string, headers: { cookie: 'lang=es' } });
      assert.match(thanks.body, /Tienes tu lugar/);
      await h.runJobs();
      const [mail] = mailTo('ines@example.org');
      assert.equal(mail!.subject, 'Tienes tu lugar: Vigilia');
      assert.equal(mail!.language, 'es');
      assert.match(mail!.text, /Hola, Inés:/);
      assert.match(mail!.text, /Cuándo: sábado, 20 de marzo de 2027/);
      assert.match(mail!.text, /400 S State St/);
    });

    it('shares an RSVP with a partner only when its box is ticked, without a copy of the attendance', async () => {
      const partner = await organization(h, 'Neighbors United');
      const event = await makeEvent(h, orgId, { title: 'Shared vigil' });
      await db()
        .insertInto('action_partners')
        .values({ id: newId(), action_type: 'event', action_id: event.id, sponsor_organization_id: orgId, partner_organization_id: partner.id, status: 'accepted', source_code: 'nu', invited_by: null, created_at: nowIso(), responded_at: nowIso() })
        .execute();
      // Partners are invited after the event exists; the cached row is read again.
      eventCache(h.ctx).forget(event.slug);
      const page = await h.app.inject({ url: `/events/${event.slug}` });
      assert.match(page.body, new RegExp(`<input type="checkbox" id="share-${partner.id}" name="share" value="${partner.id}"/>`));
      await rsvp(event.slug, attendee({ email: 'noshare@example.org' }));
      await rsvp(event.slug, { ...attendee({ email: 'share@example.org' }), share: partner.id });
      const partnerPeople = await db().selectFrom('people').select(['email', 'email_status']).where('organization_id', '=', partner.id).execute();
      assert.deepEqual(partnerPeople, [{ email: 'share@example.org', email_status: 'subscribed' }]);
      const rows = await attendances(event.id);
      assert.equal(rows.length, 2, 'no attendance is copied into the partner’s organization');
      assert.match(rows[1]!.shared_with ?? '', new RegExp(partner.id));
      assert.deepEqual(await counts(event.id), { accepted: 2, waitlist: 0 });
    });
  });
}
