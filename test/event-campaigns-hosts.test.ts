import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organization, organizerIn, type SignedIn } from './admin-helpers.ts';
import { campaign, confirmedEvent, hostForm } from './event-campaigns-support.ts';
import { rsvp } from '../src/events/service.ts';

const attendee = (i: number) => ({
  person: { givenName: `Ana${i}`, familyName: 'Díaz', email: `ana${i}@example.org`, postalCode: '60201', country: 'US' },
  phone: null,
  comment: null,
  optIn: false,
  optInWording: 'test',
  language: i % 2 ? 'es' : 'en',
  referral: { source: null, referrer: null },
});

for (const target of targets()) {
  describe(`hosting events in a campaign on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let slug: string;
    let campaignId: string;
    let organizer: SignedIn;
    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Privacy Coalition')).id;
      const c = await campaign(h, orgId);
      slug = c.slug;
      campaignId = c.id;
      organizer = await organizerIn(h, orgId, 'organizer', 'lead@coalition.example');
    });
    after(() => h.close());

    const db = () => h.ctx.database.db;
    const page = (url: string) => h.app.inject({ method: 'GET', url });
    const post = (url: string, fields: Record<string, string>, who?: SignedIn) =>
      h.app.inject({ method: 'POST', url, headers: { ...FORM, ...(who ? { cookie: who.cookie } : {}) }, payload: form(who ? { ...fields, _csrf: who.csrf } : fields) });
    const consoleGet = (url: string, who = organizer) => h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
    const eventTitled = (title: string) => db().selectFrom('events').selectAll().where('title', '=', title).executeTakeFirstOrThrow();
    const linkIn = (text: string, pattern: RegExp) => {
      const m = pattern.exec(text);
      assert.ok(m, `no link like ${pattern} in:\n${text}`);
      return new URL(m[0]).pathname;
    };
    const listed = async (title: string) => (await page(`/event_campaigns/${slug}`)).body.includes(`<strong>${title}</strong>`);

    /** Offers an event through the public form, confirms the host's email from the mail, and returns the event. */
    async function offerAndConfirm(fields: Record<string, string>) {
      const res = await post(`/event_campaigns/${slug}/host`, hostForm(fields));
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, `/event_campaigns/${slug}/host/thanks`);
      const event = await eventTitled(fields.title!);
      assert.equal(event.status, 'pending');
      assert.equal(event.host_email_confirmed_at, null);
      h.mailer.sent = [];
      await h.runJobs();
      // Other jobs (an earlier approval's email) may run in the same batch, in any order.
      const mail = h.mailer.sent.find((m) => m.to === event.host_email && m.text.includes('/host/confirm/'))!;
      assert.ok(mail, 'the host is asked to confirm their email');
      const confirmPath = linkIn(mail.text, /http:\/\/turnout\.test\/event_campaigns\/[^\s]+\/host\/confirm\/[^\s]+/);
      const show = await page(confirmPath);
      assert.equal(show.statusCode, 200);
      assert.equal((await eventTitled(fields.title!)).host_email_confirmed_at, null, 'opening the link confirms nothing (mail scanners open links)');
      const confirmed = await post(confirmPath, { lang: fields.lang ?? 'en' });
      assert.equal(confirmed.statusCode, 200);
      return { event: await eventTitled(fields.title!), body: confirmed.body };
    }

    it('checks the host form and explains each problem in the visitor’s language, keeping what was typed', async () => {
      const form0 = await page(`/event_campaigns/${slug}/host`);
      assert.equal(form0.statusCode, 200);
      assert.match(form0.body, /<form method="post" action="\/event_campaigns\/week-of-action-for-privacy\/host"/);
      const bad = await post(`/event_campaigns/${slug}/host`, hostForm({ host_email: 'nope', title: '', postal_code: '00000', start_time: '25:00', capacity: 'many' }));
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /Enter an email address in the right format/);
      assert.match(bad.body, /Enter a title for the event/);
      assert.match(bad.body, /We could not find ZIP 00000/);
      assert.match(bad.body, /Enter the start time in hours and minutes/);
      assert.match(bad.body, /Enter the capacity as a whole number/);
      assert.match(bad.body, /value="Evanston Public Library"/);
      const es = await post(`/event_campaigns/${slug}/host`, hostForm({ lang: 'es', postal_code: '00000', start_date: '2020-01-01' }));
      assert.equal(es.statusCode, 422);
      assert.match(es.body, /<html lang="es">/);
      assert.match(es.body, /No encontramos el código postal 00000/);
      const past = await post(`/event_campaigns/${slug}/host`, hostForm({ start_date: '2020-01-01' }));
      assert.match(past.body, /The event must start in the future/);
      const online = await post(`/event_campaigns/${slug}/host`, hostForm({ location_type: 'online', join_url: 'javascript:alert(1)' }));
      assert.equal(online.statusCode, 422);
      assert.match(online.body, /Enter the link to join the event/);
      assert.equal(await db().selectFrom('events').select('id').where('campaign_id', '=', campaignId).executeTakeFirst(), undefined, 'nothing written');
    });

    it('pending → email confirmed → approved → live on the page, and the host gets their private link', async () => {
      const { event, body } = await offerAndConfirm({ title: 'Privacy teach-in' });
      assert.match(body, /The organizers will look at “Privacy teach-in”/);
      const fresh = await eventTitled('Privacy teach-in');
      assert.ok(fresh.host_email_confirmed_at);
      assert.equal(fresh.status, 'pending');
      assert.equal(fresh.host_email, 'rosa@example.org');
      assert.equal(fresh.region, 'IL', 'the state comes from the ZIP');
      assert.equal(fresh.locality, 'Evanston', 'and the city when none was typed');
      assert.ok(Math.abs(fresh.latitude! - 42.05) < 0.1 && Math.abs(fresh.longitude! + 87.69) < 0.1, 'and the place on the map');
      assert.equal(await listed('Privacy teach-in'), false, 'not public before approval');

      const queue = await consoleGet(`/admin/event-campaigns/${campaignId}/moderation`);
      assert.equal(queue.statusCode, 200);
      assert.match(queue.body, /Privacy teach-in/);
      assert.match(queue.body, /rosa@example\.org/);
      const before = await page(`/events/${event.slug}`);
      assert.doesNotMatch(before.body, new RegExp(`<form method="post" action="/events/${event.slug}"`), 'no RSVP before approval');
      const approved = await post(`/admin/event-campaigns/${campaignId}/moderation/${event.id}/approve`, {}, organizer);
      assert.equal(approved.statusCode, 303);
      assert.equal((await eventTitled('Privacy teach-in')).status, 'confirmed');
      assert.equal(await listed('Privacy teach-in'), true);
      const open = await page(`/events/${event.slug}`);
      assert.match(open.body, new RegExp(`<form method="post" action="/events/${event.slug}"`), 'the event page takes RSVPs at once (its cached row is dropped)');
      const again = await post(`/admin/event-campaigns/${campaignId}/moderation/${event.id}/reject`, {}, organizer);
      assert.equal(again.statusCode, 409, 'a decided event is not decided again');
      assert.equal((await eventTitled('Privacy teach-in')).status, 'confirmed');

      h.mailer.sent = [];
      await h.runJobs();
      const mail = h.mailer.sent.find((m) => m.to === 'rosa@example.org')!;
      assert.match(mail.subject, /Your event is on the map: Privacy teach-in/);
      const hostPath = linkIn(mail.text, /http:\/\/turnout\.test\/events\/[^\s]+\/host\/[^\s]+/);
      const manage = await page(hostPath);
      assert.equal(manage.statusCode, 200);
      assert.match(manage.body, /Manage your event: Privacy teach-in/);
      assert.equal(manage.headers['cache-control'], 'no-store');
      const audit = await db().selectFrom('audit_events').select(['action', 'user_id']).where('subject', '=', event.id).execute();
      assert.ok(audit.some((a) => a.action === 'event.approved' && a.user_id === organizer.userId), 'the approval is audited');
    });

    it('a rejected event stays hidden and its host is told, in the language they used', async () => {
      const { event } = await offerAndConfirm({ title: 'Evento rechazado', lang: 'es', host_email: 'luis@example.org' });
      const res = await post(`/admin/event-campaigns/${campaignId}/moderation/${event.id}/reject`, {}, organizer);
      assert.equal(res.statusCode, 303);
      assert.equal((await eventTitled('Evento rechazado')).status, 'rejected');
      assert.equal(await listed('Evento rechazado'), false);
      h.mailer.sent = [];
      await h.runJobs();
      const mail = h.mailer.sent.find((m) => m.to === 'luis@example.org')!;
      assert.match(mail.subject, /Sobre tu evento: Evento rechazado/);
      const audit = await db().selectFrom('audit_events').select('action').where('subject', '=', event.id).execute();
      assert.ok(audit.some((a) => a.action === 'event.rejected'));
      const queue = await consoleGet(`/admin/event-campaigns/${campaignId}/moderation`);
      assert.doesNotMatch(queue.body, /Evento rechazado/);
    });

    it('a trusted host’s next event goes live as soon as they confirm their email', async () => {
      const { event } = await offerAndConfirm({ title: 'First by Mia', host_email: 'mia@example.org', postal_code: '10001', timezone: 'America/New_York' });
      await post(`/admin/event-campaigns/${campaignId}/moderation/${event.id}/approve`, { trust: 'yes' }, organizer);
      const trusted = await db().selectFrom('trusted_hosts').select('email').where('organization_id', '=', orgId).execute();
      assert.deepEqual(trusted.map((t) => t.email), ['mia@example.org']);
      const second = await offerAndConfirm({ title: 'Second by Mia', host_email: 'MIA@example.org', postal_code: '10001', timezone: 'America/New_York' });
      assert.match(second.body, /“Second by Mia” is on the map now/);
      assert.equal(second.event.status, 'confirmed');
      assert.equal(await listed('Second by Mia'), true);
      h.mailer.sent = [];
      await h.runJobs();
      assert.ok(h.mailer.sent.some((m) => m.to === 'mia@example.org' && /on the map/.test(m.subject)), 'the host gets their link at once');
      // An unconfirmed offer from a trusted host is still not public.
      await post(`/event_campaigns/${slug}/host`, hostForm({ title: 'Third by Mia', host_email: 'mia@example.org' }));
      assert.equal(await listed('Third by Mia'), false);
    });

    it('the host link edits the event, lists attendees, checks them in and emails them; a revoked link is a 404', async () => {
      const event = await confirmedEvent(h, orgId, campaignId, 'Hosted vigil', '60601', { capacity: 2 });
      await db().updateTable('events').set({ host_name: 'Kim', host_email: 'kim@example.org', host_email_confirmed_at: new Date().toISOString() }).where('id', '=', event.id).execute();
      const results: { attendanceId: string }[] = [];
      for (let i = 0; i < 3; i++) results.push(await h.ctx.committer.submit((uow) => rsvp(uow, event.id, attendee(i))));
      const { hostToken } = await import('../src/events/service.ts');
      const base = `/events/${event.slug}/host/${hostToken(h.config.secretKey, event.id, 1)}`;
      const manage = await page(base);
      assert.equal(manage.statusCode, 200);
      for (let i = 0; i < 3; i++) assert.match(manage.body, new RegExp(`ana${i}@example\\.org`));
      assert.match(manage.body, /On the waitlist/);

      // Check in, twice: counted once. Undo.
      const checkIn = await post(`${base}/check-in`, { attendance_id: results[0]!.attendanceId, attended: 'yes' });
      assert.equal(checkIn.statusCode, 303);
      await post(`${base}/check-in`, { attendance_id: results[0]!.attendanceId, attended: 'yes' });
      await post(`${base}/check-in`, { attendance_id: results[1]!.attendanceId, attended: 'yes' });
      await post(`${base}/check-in`, { attendance_id: results[2]!.attendanceId, attended: 'yes' });
      const counted = await eventTitled('Hosted vigil');
      assert.equal(counted.attended_count, 3, 'someone from the waitlist who came can be checked in too');
      const rows = await db().selectFrom('attendances').select(['id', 'attended']).where('event_id', '=', event.id).execute();
      assert.equal(rows.find((r) => r.id === results[0]!.attendanceId)!.attended, 1);
      await post(`${base}/check-in`, { attendance_id: results[1]!.attendanceId, attended: 'no' });
      await post(`${base}/check-in`, { attendance_id: results[2]!.attendanceId, attended: 'no' });
      assert.equal((await eventTitled('Hosted vigil')).attended_count, 1);

      // Edits go through the same rules: a bad ZIP is refused; a larger capacity lets the waitlist in.
      const values = { title: 'Hosted vigil at dusk', description: 'Candles provided.', start_date: (await import('./event-campaigns-support.ts')).nextWeek(), start_time: '19:00', end_time: '21:00', timezone: 'America/Chicago', location_type: 'in_person', venue: 'Daley Plaza', address_lines: '50 W Washington St', locality: '', postal_code: '60602', join_url: '', capacity: '3' };
      const bad = await post(base, { ...values, postal_code: '00000' });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /We could not find ZIP 00000/);
      const saved = await post(base, values);
      assert.equal(saved.statusCode, 303);
      const edited = await eventTitled('Hosted vigil at dusk');
      assert.equal(edited.venue, 'Daley Plaza');
      assert.equal(edited.capacity, 3);
      assert.equal(edited.accepted_count, 3, 'the waitlisted person got the new place');
      assert.equal(edited.visibility, 'public', 'what the form does not show keeps its value');

      // A message to the people going: one job per attendee, three a day.
      h.mailer.sent = [];
      const sent = await post(`${base}/message`, { subject: 'Bring a candle', body: 'See you at dusk.' });
      assert.equal(sent.statusCode, 303);
      await h.runJobs();
      const messages = h.mailer.sent.filter((m) => m.subject === 'Bring a candle');
      assert.deepEqual(messages.map((m) => m.to).sort(), ['ana0@example.org', 'ana1@example.org', 'ana2@example.org']);
      assert.match(messages[0]!.text, /See you at dusk\./);
      const empty = await post(`${base}/message`, { subject: '', body: '' });
      assert.equal(empty.statusCode, 422);
      assert.match(empty.body, /Enter the subject/);
      await post(`${base}/message`, { subject: 'Two', body: 'x' });
      await post(`${base}/message`, { subject: 'Three', body: 'x' });
      const limited = await post(`${base}/message`, { subject: 'Four', body: 'x' });
      assert.equal(limited.statusCode, 429);
      assert.match(limited.body, /You have sent 3 messages in the last 24 hours/);

      // The organizer revokes the link and sends a new one: the old link is a 404.
      h.mailer.sent = [];
      const revoked = await post(`/admin/event-campaigns/${campaignId}/events/${event.id}/revoke-host-link`, { send_new_link: 'yes' }, organizer);
      assert.equal(revoked.statusCode, 303);
      assert.equal((await page(base)).statusCode, 404);
      assert.equal((await post(`${base}/check-in`, { attendance_id: results[0]!.attendanceId, attended: 'no' })).statusCode, 404);
      assert.match((await page(base)).body, /Page not found/);
      await h.runJobs();
      const mail = h.mailer.sent.find((m) => m.to === 'kim@example.org')!;
      const fresh = linkIn(mail.text, /http:\/\/turnout\.test\/events\/[^\s]+\/host\/[^\s]+/);
      assert.notEqual(fresh, base);
      assert.equal((await page(fresh)).statusCode, 200);
      assert.equal((await page(`/events/${event.slug}/host/not-a-token`)).statusCode, 404);
    });

    it('counts confirmed events, RSVPs and attendance by state in the console', async () => {
      const list = await consoleGet('/admin/event-campaigns');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /Week of Action for Privacy/);
      const res = await consoleGet(`/admin/event-campaigns/${campaignId}`);
      assert.equal(res.statusCode, 200);
      const events = await db().selectFrom('events').selectAll().where('campaign_id', '=', campaignId).where('status', '=', 'confirmed').execute();
      const byState = new Map<string, { events: number; rsvps: number; attended: number }>();
      for (const e of events) {
        const s = byState.get(e.region!) ?? { events: 0, rsvps: 0, attended: 0 };
        s.events++;
        s.rsvps += e.accepted_count;
        s.attended += e.attended_count;
        byState.set(e.region!, s);
      }
      assert.deepEqual([...byState.keys()].sort(), ['IL', 'NY']);
      for (const [state, s] of byState) {
        assert.match(res.body, new RegExp(`<th scope="row"[^>]*>${state}</th><td class="num"[^>]*>${s.events}</td><td class="num"[^>]*>${s.rsvps}</td><td class="num"[^>]*>${s.attended}</td>`));
      }
      assert.deepEqual(byState.get('IL'), { events: 2, rsvps: 3, attended: 1 });
      assert.match(res.body, /4 confirmed events, 3 RSVPs, 1 attended\./);
    });

    it('escapes what hosts type on every page', async () => {
      await offerAndConfirm({ title: '<script>alert(1)</script>', host_name: '<img src=x onerror=alert(1)>', host_email: 'xss@example.org' });
      // Inside quoted attributes a < is harmless; everywhere else it must be escaped.
      const outsideAttributes = (html: string) => html.replace(/"[^"]*"/g, '""');
      const queue = await consoleGet(`/admin/event-campaigns/${campaignId}/moderation`);
      assert.match(queue.body, /&lt;script>alert\(1\)&lt;\/script>/);
      assert.doesNotMatch(outsideAttributes(queue.body), /<script|<img/);
      const c = await consoleGet(`/admin/event-campaigns/${campaignId}`);
      assert.doesNotMatch(outsideAttributes(c.body), /<script|<img/);
    });
  });
}
