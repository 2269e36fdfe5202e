// An event campaign in a real browser (Debian's Chromium driven by playwright-core), on every
// database: a supporter finds a full event by ZIP, joins its waitlist, and gets the place when the
// person who had it cancels from the private link in their confirmation email.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { chromiumMissing, follow, skipReason, submit, withPage } from './browser-support.ts';
import { harness, form, FORM, targets, type Harness } from './helpers.ts';
import { organization } from './admin-helpers.ts';
import { attendee } from './events-support.ts';
import { campaign, confirmedEvent } from './event-campaigns-support.ts';

const STREET = '233 S Wacker Dr';




for (const target of targets()) {
  describe(`event campaign, waitlist and cancellation in Chromium on ${target.name}`, { skip: chromiumMissing ? skipReason : false }, () => {
    let h: Harness;
    let origin: string;
    let campaignSlug: string;
    let event: { id: string; slug: string; title: string };
    const first = attendee({ given_name: 'Ana', family_name: 'Ruiz', email: 'ana.first@example.org', postal_code: '60601' });
    const second = { givenName: 'Bo', familyName: 'Nguyen', email: 'bo.waitlist@example.org', postalCode: '60611' };
    const mailTo = (email: string) => h.mailer.sent.filter((m) => m.to === email);

    before(async () => {
      h = await harness(target);
      const orgId = (await organization(h, 'Chicago Privacy Coalition')).id;
      const c = await campaign(h, orgId, 'Week of Action for Privacy');
      campaignSlug = c.slug;
      event = await confirmedEvent(h, orgId, c.id, 'Loop privacy teach-in', '60601', {
        capacity: 1,
        venue: 'Willis Tower lobby',
        addressLines: [STREET],
      });
      // The one place goes to someone who RSVPs through the public form before our supporter comes.
      const res = await h.app.inject({ method: 'POST', url: `/events/${event.slug}`, headers: FORM, payload: form(first) });
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, `/events/${event.slug}/thanks?status=accepted`);
      await h.app.listen({ port: 0, host: '127.0.0.1' });
      origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    });
    after(() => h?.close());

    const status = async (email: string) =>
      (
        await h.ctx.database.db
          .selectFrom('attendances')
          .innerJoin('people', 'people.id', 'attendances.person_id')
          .select(['attendances.status'])
          .where('attendances.event_id', '=', event.id)
          .where('people.email', '=', email)
          .executeTakeFirstOrThrow()
      ).status;

    test('a supporter finds the full event by ZIP, sees no street address, and joins the waitlist', () =>
      withPage({}, async (page) => {
        await page.goto(`${origin}/event_campaigns/${campaignSlug}`);
        assert.equal(await page.getByRole('heading', { level: 1, name: 'Week of Action for Privacy' }).count(), 1);

        await page.getByLabel('ZIP or postal code', { exact: true }).fill('60611');
        await page.getByLabel('Distance', { exact: true }).selectOption({ label: 'Within 10 miles' });
        await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Search', exact: true }).click()]);
        assert.match(page.url(), /[?&]zip=60611(&|$)/);
        assert.match(page.url(), /[?&]distance=10(&|$)/);
        const results = page.locator('section', { has: page.locator('#results-heading') });
        assert.equal(await page.getByRole('status').textContent(), '1 event within 10 miles of 60611');
        const item = results.getByRole('listitem').filter({ has: page.getByRole('link', { name: event.title, exact: true }) });
        assert.equal(await item.count(), 1, 'the Chicago event is in the results');
        const itemText = (await item.textContent()) ?? '';
        assert.match(itemText, /Chicago, IL/);
        assert.match(itemText, /miles? away/);
        assert.match(itemText, /Full/i, 'the list says the event is full');
        assert.ok(!itemText.includes(STREET), 'no street address in the list');

        await Promise.all([page.waitForEvent('load'), item.getByRole('link', { name: event.title, exact: true }).click()]);
        assert.equal(new URL(page.url()).pathname, `/events/${event.slug}`);
        assert.equal(await page.getByRole('heading', { level: 1, name: event.title }).count(), 1);
        const body = (await page.locator('body').textContent()) ?? '';
        assert.ok(!body.includes(STREET), 'the public event page never shows the street address');
        assert.match(body, /Near ZIP code 60601/);
        assert.match(body, /This event is full/);

        await page.getByLabel('First name', { exact: true }).fill(second.givenName);
        await page.getByLabel('Last name', { exact: true }).fill(second.familyName);
        await page.getByLabel('Email address', { exact: true }).fill(second.email);
        await page.getByLabel('ZIP or postal code', { exact: true }).fill(second.postalCode);
        const post = await submit(page, 'Join the waitlist');
        assert.equal(post.status(), 303);
        assert.equal(new URL(page.url()).pathname, `/events/${event.slug}/thanks`);
        assert.equal(await page.getByRole('heading', { level: 1, name: 'You’re on the waitlist' }).count(), 1);
        assert.match((await page.getByRole('status').textContent()) ?? '', /is full, so you are on the waitlist/);
        assert.equal(await status(second.email), 'waitlisted');
        assert.equal(await status(first.email), 'accepted');
      }));

    test('the attendee cancels from the private link in their email, and the waitlisted supporter gets the place', () =>
      withPage({}, async (page) => {
        await h.runJobs();
        const confirmations = mailTo(first.email);
        assert.equal(confirmations.length, 1, 'one confirmation to the first attendee');
        const confirmation = confirmations[0]!;
        assert.equal(confirmation.subject, `You’re going: ${event.title}`);
        assert.ok(confirmation.text.includes(STREET), 'the confirmation has the street address');
        const link = confirmation.text.match(/https?:\/\/\S+\/attendances\/\S+/)?.[0];
        assert.ok(link, `a private link in: ${confirmation.text}`);
        assert.ok(link.startsWith(`${h.config.baseUrl}/events/${event.slug}/attendances/`), `the link is on the site: ${link}`);
        const privatePath = new URL(link).pathname;
        assert.equal(mailTo(second.email).length, 1, 'the waitlisted supporter was told so');
        assert.match(mailTo(second.email)[0]!.subject, /^You’re on the waitlist: /);
        assert.ok(!mailTo(second.email)[0]!.text.includes(STREET), 'no address for the waitlist');

        await page.goto(origin + privatePath);
        assert.equal(await page.getByRole('heading', { level: 1, name: event.title }).count(), 1);
        assert.ok(((await page.locator('.address').textContent()) ?? '').includes(STREET), 'the private page shows the address');
        await follow(page, 'Cancel my RSVP');
        assert.equal(await page.getByRole('heading', { level: 1, name: 'Cancel your RSVP?' }).count(), 1);
        assert.equal(await status(first.email), 'accepted', 'opening the cancel link changes nothing');
        const post = await submit(page, 'Yes, cancel my RSVP');
        assert.ok(post.status() < 400, `cancel answered ${post.status()}`);
        assert.equal(await page.getByRole('heading', { level: 1, name: 'Your RSVP is cancelled' }).count(), 1);
        assert.equal(await status(first.email), 'cancelled');

        await h.runJobs();
        assert.equal(await status(second.email), 'accepted', 'the first on the waitlist is promoted');
        const promoted = mailTo(second.email).filter((m) => m.subject === `A place opened up for you: ${event.title}`);
        assert.equal(promoted.length, 1, 'one promoted email');
        assert.match(promoted[0]!.text, new RegExp(`Hello ${second.givenName},`));
        assert.ok(promoted[0]!.text.includes(STREET), 'the promoted email has the street address');
        assert.match(promoted[0]!.text, /\/attendances\//, 'and a private link');

        // The public page has a place again only if nobody took it: here the supporter did, so it stays full.
        await page.goto(`${origin}/events/${event.slug}`);
        assert.match((await page.locator('#count').textContent()) ?? '', /This event is full/);
      }));
  });
}
