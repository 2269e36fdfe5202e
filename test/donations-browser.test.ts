import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { chromiumMissing, skipReason, withPage } from './browser-support.ts';
import { harness, targets, type Harness } from './helpers.ts';
import { createOrganization } from '../src/orgs/service.ts';
import { createPage } from '../src/donations/index.ts';
import { nowIso } from '../src/util/ids.ts';
import { StripeStandin, SECRET_KEY, WEBHOOK_SECRET } from './donations-support.ts';

/** Gives from the public page and waits for the browser to land on the stand-in's checkout page. */
async function give(page: Page, origin: string, slug: string, email: string, cspErrors: string[]) {
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  await page.goto(`${origin}/fundraising/${slug}`);
  await page.getByLabel('$50', { exact: true }).check();
  await page.getByLabel('Every month', { exact: true }).check();
  await page.getByLabel('First name', { exact: true }).fill('Ana');
  await page.getByLabel('Last name', { exact: true }).fill('Ruiz');
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page.getByLabel('ZIP or postal code', { exact: true }).fill('94110');
  await Promise.all([page.waitForURL(/\/pay\/cs_test_/), page.getByRole('button', { name: 'Continue to payment', exact: true }).click()]);
}

for (const target of targets()) {
  describe(`giving in Chromium on ${target.name}`, { skip: chromiumMissing ? skipReason : false }, () => {
    let h: Harness;
    let stripe: StripeStandin;
    let origin: string;
    let slug: string;

    before(async () => {
      stripe = await new StripeStandin().start();
      h = await harness(target, { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: stripe.url });
      const org = await createOrganization(h.ctx.database.db, { name: 'Faces Not Data', slug: 'fnd' });
      slug = (
        await createPage(
          h.ctx.database.db,
          org.id,
          { title: 'Fund the legal fight', description: '', currency: 'USD', goal_minor: 500_000, amounts: [2500, 5000], min_minor: 500, max_minor: 1_000_000, allow_monthly: true, offer_fee_cover: false, processor: 'stripe', actblue_form: null, actblue_refcode: null, status: 'open' },
          nowIso(),
        )
      ).slug;
      await h.app.listen({ port: 0, host: '127.0.0.1' });
      origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await h?.close();
      await stripe?.stop();
    });

    for (const javaScriptEnabled of [true, false]) {
      test(`a donor gives monthly with JavaScript ${javaScriptEnabled ? 'on' : 'off'} and arrives on the payment page`, () =>
        withPage({ javaScriptEnabled }, async (page) => {
          const cspErrors: string[] = [];
          const email = `ana.${javaScriptEnabled ? 'js' : 'nojs'}@example.org`;
          await give(page, origin, slug, email, cspErrors);
          assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Stand-in checkout');
          assert.equal(await page.locator('#amount').textContent(), '5000 usd');
          assert.equal(await page.locator('#mode').textContent(), 'subscription');
          assert.deepEqual(cspErrors, [], 'the page’s form-action allows the payment page');
          const session = stripe.sessions.find((s) => s.email === email)!;
          assert.ok(session, 'one session for the donor');
          assert.equal(stripe.sessions.filter((s) => s.email === email).length, 1);
          assert.equal((await h.ctx.database.db.selectFrom('donations').select('id').execute()).length, 0, 'no gift until Stripe’s webhook');
        }));
    }
  });
}
