import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, FORM, type Harness } from './helpers.ts';
import { createOrganization } from '../src/orgs/service.ts';
import { createPage } from '../src/donations/index.ts';
import { saveSettings } from '../src/donations/repository.ts';
import { newId, nowIso } from '../src/util/ids.ts';
import { StripeStandin, SECRET_KEY, WEBHOOK_SECRET, signed, sessionCompleted, invoicePaid, invoiceFailed, chargeRefunded, dispute, subscriptionDeleted, stripeEvent } from './donations-support.ts';

const donor = (over: Record<string, string> = {}) => ({
  lang: 'en',
  form_id: 'form-aaaaaaaaaaaaaaaa',
  amount: '2500',
  given_name: 'Ana',
  family_name: 'Ruiz',
  email: 'ana@example.org',
  postal_code: '94110',
  country: 'US',
  opt_in: 'yes',
  ...over,
});

const pageFields = (over: Record<string, unknown> = {}) => ({
  title: 'Fund the legal fight',
  description: 'We are suing to stop **face surveillance**.',
  currency: 'USD',
  goal_minor: 1_000_000,
  amounts: [1000, 2500, 5000],
  min_minor: 500,
  max_minor: 100_000_00,
  allow_monthly: true,
  offer_fee_cover: true,
  processor: 'stripe' as const,
  actblue_form: null,
  actblue_refcode: null,
  status: 'open' as const,
  ...over,
});

for (const target of targets()) {
  describe(`donations through Stripe on ${target.name}`, () => {
    let h: Harness;
    let stripe: StripeStandin;
    let orgId: string;
    let slug: string;
    let pageId: string;

    before(async () => {
      stripe = await new StripeStandin().start();
      h = await harness(target, { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: stripe.url });
      orgId = (await createOrganization(h.ctx.database.db, { name: 'Faces Not Data', slug: 'fnd' })).id;
      await saveSettings(h.ctx.database.db, orgId, { tax_wording: 'Faces Not Data is a 501(c)(4); gifts are not tax-deductible.' }, nowIso());
      const page = await createPage(h.ctx.database.db, orgId, pageFields(), nowIso());
      slug = page.slug;
      pageId = page.id;
    });
    after(async () => {
      await h.close();
      await stripe.stop();
    });

    const give = (fields: Record<string, string>, query = '') =>
      h.app.inject({ method: 'POST', url: `/fundraising/${slug}${query}`, headers: FORM, payload: new URLSearchParams(fields).toString() });
    const deliver = (event: unknown, opts?: { secret?: string; timestamp?: number }) => {
      const { payload, headers } = signed(event, opts);
      return h.app.inject({ method: 'POST', url: '/webhooks/stripe', headers, payload });
    };
    const totals = async () => {
      const res = await h.app.inject({ url: `/fundraising/${slug}` });
      return res.body;
    };
    const gifts = () => h.ctx.database.db.selectFrom('donations').selectAll().where('fundraising_page_id', '=', pageId).execute();
    const checkouts = () => h.ctx.database.db.selectFrom('donation_checkouts').selectAll().where('fundraising_page_id', '=', pageId).execute();

    it('shows the page with amounts, monthly, fee cover and a CSP that allows only the payment page', async () => {
      const res = await h.app.inject({ url: `/fundraising/${slug}` });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Fund the legal fight/);
      assert.match(res.body, /<strong>face surveillance<\/strong>/);
      assert.match(res.body, /\$25/);
      assert.match(res.body, /Every month/);
      assert.match(res.body, /card fees/);
      assert.match(res.body, /\$0 raised of \$10,000/);
      assert.doesNotMatch(res.body, /<script/);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, new RegExp(`form-action 'self' ${stripe.url.replace(/[.]/g, '\\.')};`));
      assert.match(csp, /default-src 'none'/);
    });

    it('sends the donor to a Checkout Session; a double click makes one session and one checkout', async () => {
      const before = stripe.sessions.length;
      const fields = donor({ form_id: 'double-click-form-0001' });
      const [a, b] = await Promise.all([give(fields), give(fields)]);
      assert.equal(a.statusCode, 303);
      assert.equal(b.statusCode, 303);
      assert.equal(a.headers.location, b.headers.location);
      assert.match(String(a.headers.location), new RegExp(`^${stripe.url}/pay/cs_test_`));
      assert.equal(stripe.sessions.length, before + 1);
      const session = stripe.sessions.at(-1)!;
      assert.equal(session.amount, 2500);
      assert.equal(session.mode, 'payment');
      assert.equal(session.email, 'ana@example.org');
      assert.equal((await checkouts()).filter((c) => c.idempotency_key && c.stripe_session_id === session.id).length, 1);
      assert.equal((await gifts()).length, 0, 'nothing is a gift before Stripe says so');
    });

    it('records the gift only from the signed webhook, once, and the thank-you page waits for it', async () => {
      const res = await give(donor({ form_id: 'webhook-form-00000001', email: 'once@example.org' }));
      const session = stripe.sessions.at(-1)!;
      const thanks = new URL(session.successUrl);
      const waiting = await h.app.inject({ url: thanks.pathname + thanks.search });
      assert.equal(waiting.statusCode, 200);
      assert.match(waiting.body, /being processed/);
      assert.equal(res.statusCode, 303);

      const event = sessionCompleted(session, { paymentIntent: 'pi_once' });
      const first = await deliver(event);
      assert.equal(first.statusCode, 200);
      assert.equal(first.json().outcome, 'applied');
      // The same event again (Stripe retries), and ten at once: counted once.
      assert.equal((await deliver(event)).json().outcome, 'duplicate');
      const again = await Promise.all(Array.from({ length: 10 }, () => deliver(event)));
      assert.ok(again.every((r) => r.statusCode === 200 && r.json().outcome === 'duplicate'));
      const recorded = (await gifts()).filter((g) => g.payment_intent === 'pi_once');
      assert.equal(recorded.length, 1);
      assert.equal(recorded[0]!.amount_minor, 2500);
      assert.equal(recorded[0]!.status, 'paid');

      const done = await h.app.inject({ url: thanks.pathname + thanks.search });
      assert.match(done.body, /Your gift of \$25 to Faces Not Data was received/);

      await h.runJobs();
      const receipt = h.mailer.sent.find((m) => m.to === 'once@example.org');
      assert.ok(receipt, 'a receipt is sent');
      assert.match(receipt.subject, /\$25/);
      assert.match(receipt.text, /not tax-deductible/);
      assert.match(receipt.messageId, /^<donation-.+\.receipt@turnout\.test>$/);
      await h.runJobs();
      assert.equal(h.mailer.sent.filter((m) => m.to === 'once@example.org').length, 1);
    });

    it('refuses webhooks without a signature, with a wrong one, or too old, and counts nothing', async () => {
      const session = stripe.sessions.at(-1)!;
      const event = sessionCompleted(session, { paymentIntent: 'pi_forged' });
      const none = await h.app.inject({ method: 'POST', url: '/webhooks/stripe', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(event) });
      assert.equal(none.statusCode, 400);
      assert.match(none.json().error, /Stripe-Signature/);
      const wrong = await deliver(event, { secret: 'whsec_wrong' });
      assert.equal(wrong.statusCode, 400);
      const old = await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
      assert.equal(old.statusCode, 400);
      assert.match(old.json().error, /tolerance|timestamp/i);
      const { payload, headers } = signed(event);
      const tampered = await h.app.inject({ method: 'POST', url: '/webhooks/stripe', headers, payload: payload.replace('"amount_total":2500', '"amount_total":9999999') });
      assert.equal(tampered.statusCode, 400);
      const garbage = await h.app.inject({ method: 'POST', url: '/webhooks/stripe', headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=abc' }, payload: '{not json' });
      assert.equal(garbage.statusCode, 400);
      assert.equal((await gifts()).filter((g) => g.payment_intent === 'pi_forged').length, 0);
    });

    it('ignores an event for an unknown checkout with a 200, so Stripe stops retrying', async () => {
      const res = await deliver(stripeEvent('checkout.session.completed', { id: 'cs_unknown', object: 'checkout.session', mode: 'payment', payment_status: 'paid', amount_total: 100, currency: 'usd', client_reference_id: '00000000-0000-0000-0000-000000000000', metadata: {}, payment_intent: 'pi_unknown' }));
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().outcome, 'ignored');
    });

    it('takes refunds and disputes out of the totals', async () => {
      await give(donor({ form_id: 'refund-form-000000001', email: 'refund@example.org', amount: '5000' }));
      const session = stripe.sessions.at(-1)!;
      await deliver(sessionCompleted(session, { paymentIntent: 'pi_refund' }));
      const page = () => h.ctx.database.db.selectFrom('donations').select(['status', 'refunded_minor']).where('payment_intent', '=', 'pi_refund').executeTakeFirstOrThrow();
      const { pageTotals } = await import('../src/donations/repository.ts');
      const before = (await pageTotals(h.ctx.database.db, pageId)).received_minor;
      await deliver(chargeRefunded('pi_refund', 5000, 1000));
      assert.deepEqual(await page(), { status: 'paid', refunded_minor: 1000 });
      assert.equal((await pageTotals(h.ctx.database.db, pageId)).received_minor, before - 1000);
      await deliver(chargeRefunded('pi_refund', 5000, 5000));
      assert.equal((await page()).status, 'refunded');
      assert.equal((await pageTotals(h.ctx.database.db, pageId)).received_minor, before - 5000);

      await give(donor({ form_id: 'dispute-form-00000001', email: 'dispute@example.org', amount: '1000' }));
      await deliver(sessionCompleted(stripe.sessions.at(-1)!, { paymentIntent: 'pi_dispute' }));
      const withGift = (await pageTotals(h.ctx.database.db, pageId)).received_minor;
      await deliver(dispute('charge.dispute.created', 'pi_dispute', 'needs_response'));
      assert.equal((await pageTotals(h.ctx.database.db, pageId)).received_minor, withGift - 1000);
      await deliver(dispute('charge.dispute.closed', 'pi_dispute', 'won'));
      assert.equal((await pageTotals(h.ctx.database.db, pageId)).received_minor, withGift);
    });

    it('runs a monthly gift: subscription, one gift per paid invoice, a failed payment, the donor cancels from the receipt', async () => {
      const res = await give(donor({ form_id: 'monthly-form-00000001', email: 'monthly@example.org', amount: '1000', frequency: 'monthly' }));
      assert.equal(res.statusCode, 303);
      const session = stripe.sessions.at(-1)!;
      assert.equal(session.mode, 'subscription');
      assert.equal(session.params.get('line_items[0][price_data][recurring][interval]'), 'month');
      assert.equal(session.params.get('subscription_data[metadata][turnout_checkout]'), session.clientReferenceId);
      // The first invoice may arrive before the session's event: the recurring record is made by whichever comes first.
      await deliver(invoicePaid('sub_monthly', session.metadata, 1000, { invoice: 'in_first', paymentIntent: 'pi_first' }));
      await deliver(sessionCompleted(session, { subscription: 'sub_monthly' }));
      await deliver(invoicePaid('sub_monthly', session.metadata, 1000, { invoice: 'in_second', paymentIntent: 'pi_second' }));
      await deliver(invoicePaid('sub_monthly', session.metadata, 1000, { invoice: 'in_second', paymentIntent: 'pi_second' }));
      const recurring = await h.ctx.database.db.selectFrom('recurring_donations').selectAll().where('processor_ref', '=', 'sub_monthly').execute();
      assert.equal(recurring.length, 1);
      const monthly = (await gifts()).filter((g) => g.recurring_id === recurring[0]!.id);
      assert.deepEqual(monthly.map((g) => g.processor_ref).sort(), ['in_first', 'in_second']);

      await deliver(invoiceFailed('sub_monthly'));
      const failed = await h.ctx.database.db.selectFrom('recurring_donations').selectAll().where('id', '=', recurring[0]!.id).executeTakeFirstOrThrow();
      assert.equal(failed.status, 'past_due');
      assert.equal(failed.failed_payments, 1);

      await h.runJobs();
      const receipt = h.mailer.sent.filter((m) => m.to === 'monthly@example.org').at(-1)!;
      const link = /(http:\/\/turnout\.test\/fundraising\/recurring\/\S+)/.exec(receipt.text)![1]!;
      const path = new URL(link).pathname;
      const confirm = await h.app.inject({ url: path });
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /Stop my monthly gift/);
      const stillActive = await h.ctx.database.db.selectFrom('recurring_donations').select('status').where('id', '=', recurring[0]!.id).executeTakeFirstOrThrow();
      assert.notEqual(stillActive.status, 'canceled', 'opening the link does not cancel');
      const forged = await h.app.inject({ method: 'POST', url: path.replace(/[^/]+$/, 'forged-token') });
      assert.equal(forged.statusCode, 404);
      const cancel = await h.app.inject({ method: 'POST', url: path });
      assert.equal(cancel.statusCode, 200);
      assert.match(cancel.body, /No further payments/);
      await h.runJobs();
      assert.deepEqual(stripe.canceled, ['sub_monthly']);
      await deliver(subscriptionDeleted('sub_monthly'));
      const ended = await h.ctx.database.db.selectFrom('recurring_donations').select(['status', 'canceled_at']).where('id', '=', recurring[0]!.id).executeTakeFirstOrThrow();
      assert.equal(ended.status, 'canceled');
      assert.ok(ended.canceled_at);
    });

    it('refuses bad amounts with a clear message and writes nothing', async () => {
      const before = (await checkouts()).length;
      const cases: [Record<string, string>, RegExp][] = [
        [{ amount: 'other', other_amount: '0' }, /must be from \$5 to \$100,000/],
        [{ amount: 'other', other_amount: '-5' }, /Type the amount as a number/],
        [{ amount: 'other', other_amount: '1000000000' }, /must be from \$5 to \$100,000/],
        [{ amount: 'other', other_amount: 'abc' }, /Type the amount as a number/],
        [{ amount: 'other', other_amount: '10.123' }, /too many digits/],
        [{ amount: 'other', other_amount: '' }, /Choose an amount above or type one/],
        [{ amount: '777' }, /Choose an amount/],
      ];
      for (const [over, message] of cases) {
        const res = await give(donor({ form_id: `bad-amount-form-${Math.random().toString(36).slice(2, 12)}`, ...over }));
        assert.equal(res.statusCode, 422, JSON.stringify(over));
        assert.match(res.body, message, JSON.stringify(over));
      }
      assert.equal((await checkouts()).length, before);
    });

    it('takes an other amount typed the Spanish way and says the page in Spanish', async () => {
      const page = await h.app.inject({ url: `/fundraising/${slug}?lang=es` });
      assert.match(page.body, /recaudados de/);
      assert.match(page.body, /Continuar al pago/);
      const res = await give(donor({ lang: 'es', form_id: 'spanish-form-00000001', email: 'es@example.org', amount: 'other', other_amount: '12,50' }));
      assert.equal(res.statusCode, 303);
      assert.equal(stripe.sessions.at(-1)!.amount, 1250);
      assert.equal(stripe.sessions.at(-1)!.locale, 'es');
      const bad = await give(donor({ lang: 'es', form_id: 'spanish-form-00000002', amount: 'other', other_amount: 'mucho' }));
      assert.match(bad.body, /Escribe la cantidad como un número/);
    });

    it('adds the fee cover to what is charged and keeps it apart', async () => {
      await give(donor({ form_id: 'fee-cover-form-000001', email: 'fees@example.org', amount: '1000', cover_fees: 'yes' }));
      const session = stripe.sessions.at(-1)!;
      assert.equal(session.amount, 1000 + 61);
      const checkout = (await checkouts()).find((c) => c.stripe_session_id === session.id)!;
      assert.equal(checkout.fee_cover_minor, 61);
    });

    it('when Stripe fails, says so, keeps the form, writes no gift, and a retry goes through', async () => {
      stripe.mode = 'error';
      const fields = donor({ form_id: 'stripe-down-form-0001', email: 'down@example.org' });
      const res = await give(fields);
      assert.equal(res.statusCode, 503);
      assert.match(res.body, /could not reach the payment service, so nothing was charged/);
      assert.match(res.body, /value="down@example.org"/);
      stripe.mode = 'ok';
      const retry = await give(fields);
      assert.equal(retry.statusCode, 303);
      assert.equal((await checkouts()).filter((c) => c.idempotency_key && c.person_id && c.stripe_session_url === retry.headers.location).length, 1);
    });

    it('records a paid gift of a person erased since, without a receipt', async () => {
      await give(donor({ form_id: 'erased-form-000000001', email: 'erased@example.org' }));
      const session = stripe.sessions.at(-1)!;
      const person = await h.ctx.database.db.selectFrom('people').select('id').where('email', '=', 'erased@example.org').where('organization_id', '=', orgId).executeTakeFirstOrThrow();
      await h.ctx.database.db.updateTable('people').set({ email: null, given_name: null, family_name: null }).where('id', '=', person.id).execute();
      const res = await deliver(sessionCompleted(session, { paymentIntent: 'pi_erased' }));
      assert.equal(res.json().outcome, 'applied');
      await h.runJobs();
      assert.equal(h.mailer.sent.filter((m) => m.to === 'erased@example.org').length, 0);
      assert.equal((await gifts()).filter((g) => g.payment_intent === 'pi_erased').length, 1);
    });

    it('a closed page takes no gifts', async () => {
      const closed = await createPage(h.ctx.database.db, orgId, pageFields({ title: 'Closed fund', status: 'closed' }), nowIso());
      const page = await h.app.inject({ url: `/fundraising/${closed.slug}` });
      assert.match(page.body, /closed/);
      assert.doesNotMatch(page.body, /Continue to payment/);
      const res = await h.app.inject({ method: 'POST', url: `/fundraising/${closed.slug}`, headers: FORM, payload: new URLSearchParams(donor()).toString() });
      assert.equal(res.statusCode, 409);
    });

    it('gives a partner the donor who ticked its box once the gift is paid, and the coalition counts it', async () => {
      const db = h.ctx.database.db;
      const partner = await createOrganization(db, { name: 'Partner Group', slug: 'partner-group' });
      await db.insertInto('action_partners').values({ id: newId(), action_type: 'donation', action_id: pageId, sponsor_organization_id: orgId, partner_organization_id: partner.id, status: 'accepted', source_code: 'partner-group', invited_by: null, created_at: nowIso(), responded_at: nowIso() }).execute();
      h.ctx.capabilities.find((c) => c.name === 'donations')!.actions![0]!.forget(h.ctx, slug);
      const view = await h.app.inject({ url: `/fundraising/${slug}` });
      assert.match(view.body, /Partner Group/);
      const fields = new URLSearchParams(donor({ form_id: 'partner-form-00000001', email: 'shared@example.org' }));
      fields.append('share', partner.id);
      await h.app.inject({ method: 'POST', url: `/fundraising/${slug}?source=partner-group`, headers: FORM, payload: fields.toString() });
      const copied = () => db.selectFrom('people').select(['id', 'email_status']).where('organization_id', '=', partner.id).where('email', '=', 'shared@example.org').executeTakeFirst();
      assert.equal(await copied(), undefined, 'nothing is shared before the gift is paid');
      await deliver(sessionCompleted(stripe.sessions.at(-1)!, { paymentIntent: 'pi_shared' }));
      assert.equal((await copied())?.email_status, 'subscribed');
      const kind = h.ctx.capabilities.find((c) => c.name === 'donations')!.actions![0]!;
      const counts = await kind.counts(h.ctx, orgId, pageId);
      assert.equal(counts.sharedWith.get(partner.id), 1);
      assert.equal(counts.bySource.get('partner-group'), 1);
      const described = await kind.describe(h.ctx, [pageId]);
      assert.match(described[0]!.totalText, /received in all/);
    });

    it('queues the receipt in the webhook’s own transaction, so a worker killed before sending loses nothing', async () => {
      await h.runJobs();
      await give(donor({ form_id: 'crash-form-0000000001', email: 'crash@example.org' }));
      await deliver(sessionCompleted(stripe.sessions.at(-1)!, { paymentIntent: 'pi_crash' }));
      const gift = (await gifts()).find((g) => g.payment_intent === 'pi_crash')!;
      const queued = await h.ctx.database.db.selectFrom('jobs').select(['kind', 'payload', 'status']).where('kind', '=', 'donation.receipt').execute();
      assert.ok(queued.some((j) => JSON.parse(j.payload).donationId === gift.id && j.status === 'pending'));
      h.mailer.failNext = 1;
      await h.runJobs();
      assert.equal(h.mailer.sent.filter((m) => m.to === 'crash@example.org').length, 0, 'the SMTP server refused: retried later');
      await h.ctx.database.db.updateTable('jobs').set({ run_at: nowIso() }).where('kind', '=', 'donation.receipt').where('status', '=', 'pending').execute();
      await h.runJobs();
      assert.equal(h.mailer.sent.filter((m) => m.to === 'crash@example.org').length, 1);
    });

    it('when Stripe cannot be reached at all, the donor is told and nothing is half-written', async () => {
      const down = await harness(target, { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: 'http://127.0.0.1:9' });
      try {
        const org = await createOrganization(down.ctx.database.db, { name: 'Down Org', slug: 'down' });
        const p = await createPage(down.ctx.database.db, org.id, pageFields(), nowIso());
        const res = await down.app.inject({ method: 'POST', url: `/fundraising/${p.slug}`, headers: FORM, payload: new URLSearchParams(donor()).toString() });
        assert.equal(res.statusCode, 503);
        assert.match(res.body, /nothing was charged/);
        assert.equal((await down.ctx.database.db.selectFrom('donations').select('id').execute()).length, 0);
        const started = await down.ctx.database.db.selectFrom('donation_checkouts').select(['status', 'stripe_session_id']).execute();
        assert.deepEqual(started, [{ status: 'started', stripe_session_id: null }]);
      } finally {
        await down.close();
      }
    });

    it('answers a missing page with a 404 page', async () => {
      assert.equal((await h.app.inject({ url: '/fundraising/nope' })).statusCode, 404);
      assert.ok(await totals());
    });
  });
}
