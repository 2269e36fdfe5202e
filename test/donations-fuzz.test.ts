// Stripe's webhook is trusted only once its signature holds, but a signed event may still have
// any shape (another API version, a bug at either end): fuzzed events, each correctly signed,
// must never get a 500 or leave a half-written gift, and never count money twice.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql } from 'kysely';
import { targets, harness, FORM, type Harness } from './helpers.ts';
import { createOrganization } from '../src/orgs/service.ts';
import { createPage } from '../src/donations/index.ts';
import { nowIso } from '../src/util/ids.ts';
import { StripeStandin, SECRET_KEY, WEBHOOK_SECRET, signed } from './donations-support.ts';

const RUNS = Number(process.env.FUZZ_INPUTS || 1000);
const TYPES = ['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.expired', 'invoice.paid', 'invoice.payment_failed', 'customer.subscription.updated', 'customer.subscription.deleted', 'charge.refunded', 'charge.dispute.created', 'charge.dispute.closed', 'payment_intent.succeeded'];

for (const target of targets()) {
  describe(`signed Stripe events of any shape on ${target.name}`, () => {
    let h: Harness;
    let stripe: StripeStandin;
    const known: { checkout: string; session: string }[] = [];

    before(async () => {
      stripe = await new StripeStandin().start();
      h = await harness(target, { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: stripe.url });
      const org = await createOrganization(h.ctx.database.db, { name: 'Fuzz Org', slug: 'fuzz' });
      const page = await createPage(h.ctx.database.db, org.id, { title: 'Fuzz fund', description: '', currency: 'USD', goal_minor: null, amounts: [2500], min_minor: 100, max_minor: 1_000_000, allow_monthly: true, offer_fee_cover: false, processor: 'stripe', actblue_form: null, actblue_refcode: null, status: 'open' }, nowIso());
      for (const [i, frequency] of ['once', 'monthly', 'once'].entries()) {
        await h.app.inject({ method: 'POST', url: `/fundraising/${page.slug}`, headers: FORM, payload: new URLSearchParams({ form_id: `fuzz-webhook-form-${i}000000`, amount: '2500', frequency, given_name: 'F', family_name: 'Z', email: `f${i}@example.org`, postal_code: '94110', country: 'US' }).toString() });
        const s = stripe.sessions.at(-1)!;
        known.push({ checkout: s.clientReferenceId, session: s.id });
      }
    });
    after(async () => {
      await h.close();
      await stripe.stop();
    });

    it(`answers ${RUNS} fuzzed, signed events with no 5xx and no gift without its parts`, async () => {
      const ref = fc.oneof(
        fc.constantFrom(...known.map((k) => k.checkout)),
        fc.constantFrom(...known.map((k) => k.session)),
        fc.constantFrom('pi_a', 'pi_b', 'sub_a', 'in_a'),
        fc.string({ maxLength: 40 }),
        fc.anything(),
      );
      const object = fc.record(
        {
          id: ref,
          object: fc.constantFrom('checkout.session', 'invoice', 'charge', 'dispute', 'subscription'),
          mode: fc.oneof(fc.constantFrom('payment', 'subscription'), fc.anything()),
          payment_status: fc.oneof(fc.constantFrom('paid', 'unpaid'), fc.anything()),
          status: fc.oneof(fc.constantFrom('active', 'canceled', 'won', 'lost', 'past_due'), fc.anything()),
          amount_total: fc.oneof(fc.integer({ min: -10, max: 10 ** 9 }), fc.double(), fc.anything()),
          amount_paid: fc.oneof(fc.integer({ min: -10, max: 10 ** 9 }), fc.anything()),
          amount: fc.oneof(fc.integer({ min: 0, max: 10 ** 6 }), fc.anything()),
          amount_refunded: fc.oneof(fc.integer({ min: -5, max: 10 ** 6 }), fc.anything()),
          currency: fc.oneof(fc.constantFrom('usd', 'eur', ''), fc.anything()),
          client_reference_id: ref,
          payment_intent: ref,
          subscription: ref,
          metadata: fc.oneof(fc.record({ turnout_checkout: ref }), fc.anything()),
          parent: fc.oneof(fc.record({ subscription_details: fc.oneof(fc.record({ subscription: ref, metadata: fc.oneof(fc.record({ turnout_checkout: ref }), fc.anything()) }), fc.anything()) }), fc.anything()),
          payments: fc.anything(),
        },
        { requiredKeys: [] },
      );
      const event = fc.record({ id: fc.oneof(fc.uuid().map((u) => `evt_${u}`), fc.constantFrom('evt_repeat')), type: fc.constantFrom(...TYPES), object: fc.constant('event'), data: fc.oneof(fc.record({ object }), fc.anything()) });
      const statuses: Record<number, number> = {};
      await fc.assert(
        fc.asyncProperty(event, async (e) => {
          const { payload, headers } = signed(e);
          const res = await h.app.inject({ method: 'POST', url: '/webhooks/stripe', headers, payload });
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          return res.statusCode < 500;
        }),
        { numRuns: RUNS },
      );
      assert.ok(!Object.keys(statuses).some((s) => Number(s) >= 500), JSON.stringify(statuses));
      const db = h.ctx.database.db;
      // Every gift has its page's organization, a positive amount and a checkout it came from; no reference twice.
      const broken = await db
        .selectFrom('donations')
        .leftJoin('donation_checkouts', 'donation_checkouts.id', 'donations.checkout_id')
        .select(['donations.id'])
        .where((eb) => eb.or([eb('donation_checkouts.id', 'is', null), eb('donations.currency', '=', ''), eb('donations.refunded_minor', '<', 0), eb('donations.refunded_minor', '>', eb.ref('donations.amount_minor'))]))
        .execute();
      assert.deepEqual(broken, []);
      const twice = await db.selectFrom('donations').select(['processor_ref', sql<number>`count(*)`.as('n')]).groupBy('processor_ref').having(sql`count(*)`, '>', 1).execute();
      assert.deepEqual(twice, []);
    });
  });
}
