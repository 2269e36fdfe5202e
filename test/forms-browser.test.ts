// The demo form in a real browser (Debian's Chromium driven by playwright-core), without
// JavaScript, on a phone: a supporter finds every field by its label, forgets a required question,
// sees the error next to it with their answers kept, fixes it and is thanked. axe-core checks the
// form, its error page and the thank-you page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';
import { DEMO_FORM_SLUG, seedDemo } from '../src/demo/seed.ts';
import { chromiumMissing, skipReason, submit, withPage } from './browser-support.ts';
import { harness, targets, type Harness } from './helpers.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const FORM = `/forms/${DEMO_FORM_SLUG}`;

/** Fails on any serious or critical accessibility violation axe-core finds on the page as it is. */
async function axeCheck(page: Page): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => (globalThis as unknown as { axe: { run(options: object): Promise<AxeResults> } }).axe.run({ resultTypes: ['violations'] }));
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(blocking.map((v) => `${v.id}: ${v.help}; ${v.nodes.map((n) => n.html).join(' | ')}`), [], `accessibility violations on ${page.url()}`);
}

for (const target of targets()) {
  describe(`the form in Chromium on ${target.name}`, { skip: chromiumMissing ? skipReason : false }, () => {
    let h: Harness;
    let origin: string;

    before(async () => {
      h = await harness(target);
      await seedDemo(h.ctx.database.db);
      await h.app.listen({ port: 0, host: '127.0.0.1' });
      origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    });
    after(() => h.close());

    test('a supporter without JavaScript fills it in by its labels, fixes an error and is thanked', async () => {
      await withPage({ javaScriptEnabled: false }, async (page) => {
        await page.goto(origin + FORM);
        await page.getByLabel('First name', { exact: true }).fill('Ana');
        await page.getByLabel('Last name', { exact: true }).fill('Ruiz');
        await page.getByLabel('Email address', { exact: true }).fill('ana.browser@example.org');
        await page.getByLabel('ZIP or postal code', { exact: true }).fill('60605');
        await page.getByLabel('Weekends', { exact: true }).check();
        await page.getByLabel('Anything else we should know? (optional)').fill('I have a van.');
        const refused = await submit(page, 'Send');
        assert.equal(refused.status(), 422);
        assert.match(await page.getByRole('alert').innerText(), /Choose an answer to “How can you help\?”/);
        assert.equal(await page.getByLabel('Anything else we should know? (optional)').inputValue(), 'I have a van.', 'what was typed is kept');
        assert.ok(await page.getByLabel('Weekends', { exact: true }).isChecked());
        await page.getByLabel('Hand out flyers').check();
        await page.getByLabel('Translate materials').check();
        const sent = await submit(page, 'Send');
        assert.equal(sent.status(), 303);
        assert.match(new URL(page.url()).pathname, /\/thanks$/);
        assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Thank you');
        const stored = await h.ctx.database.db
          .selectFrom('submissions')
          .innerJoin('people', 'people.id', 'submissions.person_id')
          .select('submissions.answers')
          .where('people.email', '=', 'ana.browser@example.org')
          .executeTakeFirstOrThrow();
        assert.deepEqual(Object.values(JSON.parse(stored.answers!)).sort(), [['Hand out flyers', 'Translate materials'], 'I have a van.', 'Weekends'].sort());
      });
    });

    // axe runs in the page, so this browser runs scripts; the pages have none of their own.
    test('the form, its errors and the thank-you page have no serious accessibility violation', async () => {
      await withPage({}, async (page) => {
        await page.goto(origin + FORM);
        await axeCheck(page);
        assert.equal((await submit(page, 'Send')).status(), 422);
        await axeCheck(page);
        await page.goto(`${origin}${FORM}/thanks`);
        await axeCheck(page);
      });
    });

    test('a Spanish browser gets the form and its errors in Spanish', async () => {
      await withPage({ javaScriptEnabled: false, locale: 'es-MX', extraHTTPHeaders: { 'accept-language': 'es-MX,es;q=0.9' } }, async (page) => {
        await page.goto(origin + FORM);
        await page.getByLabel('Nombre', { exact: true }).fill('Luz');
        const refused = await submit(page, 'Enviar');
        assert.equal(refused.status(), 422);
        assert.match(await page.getByRole('alert').innerText(), /Elige una respuesta para «¿Cómo puedes ayudar\?»/);
      });
    });
  });
}
