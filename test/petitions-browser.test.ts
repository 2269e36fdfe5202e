// The petition page in a real browser (Debian's Chromium driven by playwright-core), on every
// database: what a supporter does on a phone, with and without JavaScript, in English and Spanish.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { type Locator, type Page, type Response } from 'playwright-core';
import { DEMO_PETITION_SLUG, seedDemo } from '../src/demo/seed.ts';
import { chromiumMissing, skipReason, submit, withPage } from './browser-support.ts';
import { harness, targets, type Harness } from './helpers.ts';

const PETITION = `/petitions/${DEMO_PETITION_SLUG}`;



interface Supporter {
  givenName: string;
  familyName: string;
  email: string;
  postalCode: string;
}

/** Fills the English sign form by its labels, as a supporter (or a screen reader user) finds the fields. */
async function fillSignForm(page: Page, s: Supporter): Promise<void> {
  await page.getByLabel('First name', { exact: true }).fill(s.givenName);
  await page.getByLabel('Last name', { exact: true }).fill(s.familyName);
  await page.getByLabel('Email address', { exact: true }).fill(s.email);
  await page.getByLabel('ZIP or postal code', { exact: true }).fill(s.postalCode);
  assert.equal(await page.getByLabel('Country', { exact: true }).inputValue(), 'US', 'Country starts on United States');
  await page.getByLabel('Email me about this campaign').check();
}

/** The signature on the demo petition by `email`, with the person and the consent stored with it. */
async function storedSignature(h: Harness, email: string) {
  const db = h.ctx.database.db;
  const signature = await db
    .selectFrom('signatures')
    .innerJoin('people', 'people.id', 'signatures.person_id')
    .innerJoin('petitions', 'petitions.id', 'signatures.petition_id')
    .where('petitions.slug', '=', DEMO_PETITION_SLUG)
    .where('people.email', '=', email)
    .select([
      'signatures.id',
      'signatures.person_id',
      'signatures.language',
      'people.given_name',
      'people.family_name',
      'people.postal_code',
      'people.country',
      'people.email_status',
    ])
    .executeTakeFirst();
  const consent = signature
    ? await db.selectFrom('consents').select(['given']).where('person_id', '=', signature.person_id).executeTakeFirst()
    : undefined;
  return { signature, consent };
}

/** Checks what a supporter sees after signing, what was stored, and that the worker sends the thank-you email. */
async function assertSigned(h: Harness, page: Page, post: Response, s: Supporter): Promise<void> {
  assert.equal(post.status(), 303, 'a signature is answered with a redirect, so a reload does not sign twice');
  assert.match(page.url(), new RegExp(`${PETITION}/thanks$`));
  assert.equal(await page.getByRole('heading', { level: 1, name: 'Thank you for signing' }).count(), 1);

  const { signature, consent } = await storedSignature(h, s.email);
  assert.ok(signature, `no signature stored for ${s.email}`);
  assert.equal(signature.given_name, s.givenName);
  assert.equal(signature.family_name, s.familyName);
  assert.equal(signature.postal_code, s.postalCode);
  assert.equal(signature.country, 'US');
  assert.equal(signature.language, 'en');
  assert.equal(signature.email_status, 'subscribed', 'the opt-in box was ticked');
  assert.equal(Number(consent?.given), 1);

  await h.runJobs();
  const mail = h.mailer.sent.filter((m) => m.to === s.email);
  assert.equal(mail.length, 1, `one autoresponse to ${s.email}`);
  assert.match(mail[0]!.subject, /^Thank you for signing: /);
  assert.match(mail[0]!.text, new RegExp(`Hello ${s.givenName},`));
}

/** The text of the elements an input's aria-describedby points at: what a screen reader reads after its label. */
async function description(field: Locator): Promise<string> {
  const ids = (await field.getAttribute('aria-describedby'))?.split(/\s+/).filter(Boolean) ?? [];
  const texts = await Promise.all(ids.map((id) => field.page().locator(`[id="${id}"]`).textContent()));
  return texts.map((t) => t?.trim()).join(' ');
}


for (const target of targets()) {
  describe(`petition page in Chromium on ${target.name}`, { skip: chromiumMissing ? skipReason : false }, () => {
    let h: Harness;
    let origin: string;

    before(async () => {
      h = await harness(target);
      await seedDemo(h.ctx.database.db);
      await h.app.listen({ port: 0, host: '127.0.0.1' });
      origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    });
    after(() => h?.close());

    test('a supporter signs with JavaScript on: thank-you page, signature stored, autoresponse sent', () =>
      withPage({}, async (page) => {
        const supporter = { givenName: 'Ana', familyName: 'Ruiz', email: 'ana.js@example.org', postalCode: '94110' };
        await page.goto(origin + PETITION);
        await fillSignForm(page, supporter);
        await assertSigned(h, page, await submit(page, 'Sign'), supporter);
      }));

    test('a supporter signs with JavaScript off, the same way', () =>
      withPage({ javaScriptEnabled: false }, async (page) => {
        const supporter = { givenName: 'Bo', familyName: 'Nguyen', email: 'bo.nojs@example.org', postalCode: '10027' };
        await page.goto(origin + PETITION);
        await fillSignForm(page, supporter);
        await assertSigned(h, page, await submit(page, 'Sign'), supporter);
      }));

    test('an empty form shows an error summary linking to each wrong field, and keeps what was right', () =>
      withPage({}, async (page) => {
        await page.goto(origin + PETITION);
        const post = await submit(page, 'Sign');
        assert.equal(post.status(), 422);
        assert.match(await page.title(), /^There is a problem: /, 'the title says so first: it is what a screen reader reads on load');

        const summary = page.getByRole('alert');
        assert.equal(await summary.getByRole('heading', { name: 'There is a problem' }).count(), 1);
        const wrong = {
          given_name: ['First name', 'Enter your first name'],
          family_name: ['Last name', 'Enter your last name'],
          email: ['Email address', 'Enter your email address'],
          postal_code: ['ZIP or postal code', 'Enter your ZIP or postal code'],
        };
        const links = await summary.getByRole('link').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent?.trim()]));
        assert.deepEqual(
          links,
          Object.entries(wrong).map(([id, [, message]]) => [`#${id}`, message]),
        );
        for (const [label, message] of Object.values(wrong)) {
          const field = page.getByLabel(label!, { exact: true });
          assert.equal(await field.getAttribute('aria-invalid'), 'true', `${label} is marked invalid`);
          assert.ok((await description(field)).includes(message!), `"${message}" is read with ${label}`);
        }

        // A summary link takes the supporter to the field.
        await summary.getByRole('link', { name: 'Enter your ZIP or postal code' }).click();
        assert.match(page.url(), /#postal_code$/);
        assert.ok(await page.getByLabel('ZIP or postal code', { exact: true }).isVisible());

        // Correct some fields, get others wrong: what was right stays, only what is wrong is flagged.
        await page.getByLabel('First name', { exact: true }).fill('Carmen');
        await page.getByLabel('Email address', { exact: true }).fill('carmen@');
        await page.getByLabel('Comment (optional)').fill('My city bought this.');
        await page.getByLabel('Email me about this campaign').check();
        assert.equal((await submit(page, 'Sign')).status(), 422);
        const stillWrong = await page
          .getByRole('alert')
          .getByRole('link')
          .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        assert.deepEqual(stillWrong, ['#family_name', '#email', '#postal_code']);
        const firstName = page.getByLabel('First name', { exact: true });
        assert.equal(await firstName.inputValue(), 'Carmen');
        assert.equal(await firstName.getAttribute('aria-invalid'), null);
        assert.equal(await page.getByLabel('Email address', { exact: true }).inputValue(), 'carmen@', 'the wrong email is kept to correct');
        assert.ok((await description(page.getByLabel('Email address', { exact: true }))).includes('like name@example.com'));
        assert.equal(await page.getByLabel('Comment (optional)').inputValue(), 'My city bought this.');
        assert.ok(await page.getByLabel('Email me about this campaign').isChecked());

        const stored = await h.ctx.database.db.selectFrom('people').select('id').where('given_name', '=', 'Carmen').execute();
        assert.deepEqual(stored, [], 'nothing is stored from a form with errors');
      }));

    test('a Spanish-speaking browser gets the page in Spanish, and the English link switches and is remembered', () =>
      withPage({ locale: 'es' }, async (page) => {
        const response = await page.goto(origin + PETITION);
        assert.equal(await response!.request().headerValue('accept-language'), 'es');
        assert.equal(await page.locator('html').getAttribute('lang'), 'es');
        for (const label of ['Nombre', 'Apellido', 'Correo electrónico']) {
          assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, `field labelled "${label}"`);
        }
        assert.equal(await page.getByRole('button', { name: 'Firmar', exact: true }).count(), 1);

        await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'English', exact: true }).click()]);
        assert.equal(await page.locator('html').getAttribute('lang'), 'en');
        assert.equal(await page.getByLabel('First name', { exact: true }).count(), 1);
        assert.equal(await page.getByRole('button', { name: 'Sign', exact: true }).count(), 1);
        const cookie = (await page.context().cookies(origin)).find((c) => c.name === 'lang');
        assert.equal(cookie?.value, 'en', 'the choice is kept in a cookie');

        // The next visit, with no ?lang= and the browser still asking for Spanish, stays in English.
        await page.goto(origin + PETITION);
        assert.doesNotMatch(page.url(), /lang=/);
        assert.equal(await page.locator('html').getAttribute('lang'), 'en');
        assert.equal(await page.getByLabel('Email address', { exact: true }).count(), 1);
        assert.equal(await page.getByRole('link', { name: 'Español', exact: true }).count(), 1);
      }));

    test('pages load nothing from other sites and send a Content-Security-Policy', () =>
      withPage({}, async (page) => {
        const requested: string[] = [];
        const violations: string[] = [];
        page.on('request', (r) => requested.push(r.url()));
        page.on('console', (m) => {
          if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
        });

        const pages: Response[] = [];
        for (const path of ['/', PETITION, `${PETITION}/thanks`]) pages.push((await page.goto(origin + path))!);
        await page.goto(origin + PETITION);
        pages.push(await submit(page, 'Sign')); // the error page, answered to a POST

        for (const response of pages) {
          const csp = response.headers()['content-security-policy'];
          assert.ok(csp, `no Content-Security-Policy on ${response.url()}`);
          assert.match(csp, /default-src 'none'/);
        }
        assert.ok(requested.includes(`${origin}/assets/turnout.css`), 'the stylesheet was requested, so subresources are seen');
        assert.deepEqual(
          requested.filter((url) => !url.startsWith(`${origin}/`)),
          [],
          'every request goes to the app itself',
        );
        assert.deepEqual(violations, []);
      }));

    test('fits a phone screen without sideways scrolling', () =>
      withPage({}, async (page) => {
        const overflow = () => page.locator('html').evaluate((html) => html.scrollWidth - html.clientWidth);
        await page.goto(origin + PETITION);
        assert.equal(await overflow(), 0, 'petition page');
        await submit(page, 'Sign');
        assert.equal(await overflow(), 0, 'petition page with errors');
        await page.goto(`${origin}${PETITION}/thanks`);
        assert.equal(await overflow(), 0, 'thank-you page');
      }));
  });
}
