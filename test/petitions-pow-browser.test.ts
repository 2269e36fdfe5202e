// The proof-of-work challenge in a real browser (Debian's Chromium, playwright-core), on every
// database: with JavaScript on, turnout's own solver does the work and the signature goes
// through even past the stricter limit; with JavaScript off the form still signs, under it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { DEMO_PETITION_SLUG, seedDemo } from '../src/demo/seed.ts';
import { petitionCache } from '../src/petitions/index.ts';
import { chromiumMissing, skipReason, submit, withPage } from './browser-support.ts';
import { harness, targets, type Harness } from './helpers.ts';

const PETITION = `/petitions/${DEMO_PETITION_SLUG}`;

/** How long the solver took, once it is done (it writes it on the challenge's box). A locator, not a script: the page's policy refuses eval. */
async function solved(page: Page): Promise<number> {
  const box = page.locator('[data-challenge][data-challenge-time]');
  await box.waitFor({ state: 'attached', timeout: 30_000 });
  return Number(await box.getAttribute('data-challenge-time'));
}

async function fill(page: Page, email: string, lang: 'en' | 'es' = 'en'): Promise<void> {
  const labels = lang === 'en' ? ['First name', 'Last name', 'Email address', 'ZIP or postal code'] : ['Nombre', 'Apellido', 'Correo electrónico', 'Código postal (ZIP)'];
  const values = ['Ana', 'Ruiz', email, '94110'];
  for (let i = 0; i < 4; i++) await page.getByLabel(labels[i]!, { exact: true }).fill(values[i]!);
}

/** Violations of the page's Content-Security-Policy that Chromium reports on its console. */
function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

for (const target of targets()) {
  describe(`the challenge in Chromium on ${target.name}`, { skip: chromiumMissing ? skipReason : false }, () => {
    let h: Harness;
    let origin: string;
    const stored = async (email: string) =>
      h.ctx.database.db.selectFrom('signatures').innerJoin('people', 'people.id', 'signatures.person_id').select('signatures.id').where('people.email', '=', email).executeTakeFirst();

    before(async () => {
      h = await harness(target, { RATE_LIMITS: 'on' });
      await seedDemo(h.ctx.database.db);
      await h.ctx.database.db.updateTable('petitions').set({ challenge: 'always' }).where('slug', '=', DEMO_PETITION_SLUG).execute();
      petitionCache(h.ctx).forget(DEMO_PETITION_SLUG);
      await h.app.listen({ port: 0, host: '127.0.0.1' });
      origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    });
    after(() => h?.close());

    test('with JavaScript off the form still signs, and past 3 from one connection says what to do', () =>
      withPage({ javaScriptEnabled: false }, async (page) => {
        for (let i = 0; i < 3; i++) {
          await page.goto(origin + PETITION);
          assert.equal(await page.getByText('Without JavaScript this form takes fewer signatures').count(), 1, 'the note for those without JavaScript');
          await fill(page, `nojs${i}@example.org`);
          const post = await submit(page, 'Sign');
          assert.equal(post.status(), 303);
          assert.match(page.url(), /\/thanks$/);
          assert.ok(await stored(`nojs${i}@example.org`));
        }
        await page.goto(origin + PETITION + '?lang=es');
        await fill(page, 'nojs3@example.org', 'es');
        const post = await submit(page, 'Firmar');
        assert.equal(post.status(), 429);
        assert.equal(await page.getByRole('heading', { level: 1, name: 'Demasiados intentos desde tu conexión' }).count(), 1);
        assert.equal(await stored('nojs3@example.org'), undefined);
      }));

    test('with JavaScript on the challenge is solved in the page and the signature goes through, past the stricter limit', () =>
      withPage({}, async (page) => {
        const violations = cspViolations(page);
        await page.goto(origin + PETITION);
        const box = page.locator('[data-challenge]');
        await box.waitFor({ state: 'attached' });
        await solved(page);
        assert.ok((await page.locator('input[name="altcha"]').inputValue()).length > 100, 'the solution is in the form');
        await fill(page, 'js@example.org');
        const post = await submit(page, 'Sign');
        assert.equal(post.status(), 303, 'the same connection is past the stricter limit: only a valid solution signs');
        assert.match(page.url(), /\/thanks$/);
        assert.ok(await stored('js@example.org'));
        assert.deepEqual(violations, [], 'nothing the page loads breaks its policy');
      }));

    test('a form sent before the solver is done waits for it, says so, then signs', () =>
      withPage({}, async (page) => {
        // The challenge arrives late: the supporter presses Sign first.
        await page.route('**/challenge', async (route) => {
          await new Promise((r) => setTimeout(r, 1500));
          await route.continue();
        });
        await page.goto(origin + PETITION);
        await fill(page, 'early@example.org');
        const posted = page.waitForResponse((r) => r.request().method() === 'POST');
        await page.getByRole('button', { name: 'Sign', exact: true }).click();
        // What a screen reader hears meanwhile: the status line, in the page's language.
        await page.getByRole('status').filter({ hasText: 'Checking that this is a person, not a program' }).waitFor();
        const post = await posted;
        assert.equal(post.status(), 303);
        assert.match(post.request().postData() ?? '', /altcha=[^&]{100,}/);
        await page.waitForURL(/\/thanks$/);
        assert.ok(await stored('early@example.org'));
      }));

    test('the solver’s time at the chosen difficulty (20 challenges)', () =>
      withPage({}, async (page) => {
        const times: number[] = [];
        for (let i = 0; i < 20; i++) {
          await page.goto(origin + PETITION);
          times.push(await solved(page));
        }
        times.sort((a, b) => a - b);
        const mean = Math.round(times.reduce((a, b) => a + b, 0) / times.length);
        console.log(`# solver in Chromium (phone viewport): median ${times[10]} ms, mean ${mean} ms, max ${times[19]} ms over 20 challenges`);
        assert.ok(times[19]! < 20_000, 'every challenge solved within 20 s');
      }));
  });
}
