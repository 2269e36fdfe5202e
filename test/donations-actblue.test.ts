import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, FORM, type Harness } from './helpers.ts';
import { createOrganization } from '../src/orgs/service.ts';
import { createPage } from '../src/donations/index.ts';
import { pageTotals, saveSettings } from '../src/donations/repository.ts';
import { hashPassword } from '../src/accounts/passwords.ts';
import { nowIso } from '../src/util/ids.ts';
import { actBlueContribution } from './donations-support.ts';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const page = (over: Record<string, unknown>) => ({
  title: 'Give',
  description: '',
  currency: 'USD',
  goal_minor: null,
  amounts: [1000, 2500],
  min_minor: 100,
  max_minor: 1_000_000,
  allow_monthly: false,
  offer_fee_cover: false,
  processor: 'stripe' as const,
  actblue_form: null,
  actblue_refcode: null,
  status: 'open' as const,
  ...over,
});

for (const target of targets()) {
  describe(`ActBlue, pledges and pages without Stripe on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let otherOrgId: string;
    let actblueSlug: string;
    let actblueId: string;
    const auth = basic('actblue-hook', 'a-long-webhook-password-1');

    before(async () => {
      h = await harness(target);
      const db = h.ctx.database.db;
      orgId = (await createOrganization(db, { name: 'Faces Not Data', slug: 'fnd' })).id;
      otherOrgId = (await createOrganization(db, { name: 'Other Org', slug: 'other' })).id;
      await saveSettings(db, orgId, { tax_wording: '', actblue_username: 'actblue-hook', actblue_password_hash: await hashPassword('a-long-webhook-password-1') }, nowIso());
      const p = await createPage(db, orgId, page({ title: 'Give through ActBlue', processor: 'actblue', actblue_form: 'fnd-legal', actblue_refcode: 'turnout-legal' }), nowIso());
      actblueSlug = p.slug;
      actblueId = p.id;
    });
    after(() => h.close());

    const hook = (body: unknown, authorization = auth, org = orgId) =>
      h.app.inject({ method: 'POST', url: `/webhooks/actblue/${org}`, headers: { 'content-type': 'application/json', authorization }, payload: JSON.stringify(body) });

    it('a Stripe page without keys says online giving is not set up, and takes nothing', async () => {
      const p = await createPage(h.ctx.database.db, orgId, page({ title: 'No keys yet' }), nowIso());
      const res = await h.app.inject({ url: `/fundraising/${p.slug}` });
      assert.match(res.body, /Online giving is not set up yet/);
      assert.doesNotMatch(res.body, /<form method="post"/);
      const post = await h.app.inject({ method: 'POST', url: `/fundraising/${p.slug}`, headers: FORM, payload: 'amount=1000&given_name=A&family_name=B&email=a%40example.org&postal_code=94110' });
      assert.equal(post.statusCode, 409);
      assert.equal((await h.ctx.database.db.selectFrom('donation_checkouts').select('id').execute()).length, 0);
    });

    it('a pledge page takes pledges, marked as pledges and never counted as money received', async () => {
      const p = await createPage(h.ctx.database.db, orgId, page({ title: 'Pledge for the fight', processor: 'pledge' }), nowIso());
      const view = await h.app.inject({ url: `/fundraising/${p.slug}` });
      assert.match(view.body, /Pledges are promises to give/);
      const fields = { lang: 'en', form_id: 'pledge-form-000000001', amount: '2500', given_name: 'Pat', family_name: 'Lee', email: 'pat@example.org', postal_code: '94110', country: 'US' };
      const [a, b] = await Promise.all([1, 2].map(() => h.app.inject({ method: 'POST', url: `/fundraising/${p.slug}`, headers: FORM, payload: new URLSearchParams(fields).toString() })));
      assert.equal(a!.statusCode, 303);
      assert.equal(b!.statusCode, 303);
      const thanks = await h.app.inject({ url: String(a!.headers.location) });
      assert.match(thanks.body, /Your pledge of \$25 to Faces Not Data is recorded/);
      const totals = await pageTotals(h.ctx.database.db, p.id);
      assert.equal(totals.received_minor, 0);
      assert.equal(totals.pledged_minor, 2500, 'a double click pledges once');
      assert.equal(totals.pledgers, 1);
      await h.runJobs();
      const note = h.mailer.sent.find((m) => m.to === 'pat@example.org')!;
      assert.match(note.subject, /pledge/i);
      assert.match(note.text, /no money was taken/);
    });

    it('the ActBlue page sends donors to the ActBlue form with the amount and refcode', async () => {
      const res = await h.app.inject({ url: `/fundraising/${actblueSlug}?source=newsletter` });
      assert.match(res.body, /https:\/\/secure\.actblue\.com\/donate\/fnd-legal\?amount=10\.00&(amp;)?refcode=turnout-legal&(amp;)?refcode2=newsletter/);
    });

    it('refuses wrong credentials, an unknown organization and another organization', async () => {
      const body = actBlueContribution({ email: 'x@example.org', lineitems: [{ id: 1, amount: '5.00' }] });
      assert.equal((await hook(body, basic('actblue-hook', 'wrong'))).statusCode, 401);
      assert.equal((await hook(body, 'Bearer x')).statusCode, 401);
      const none = await h.app.inject({ method: 'POST', url: `/webhooks/actblue/${orgId}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
      assert.equal(none.statusCode, 401);
      assert.match(String(none.headers['www-authenticate']), /^Basic/);
      assert.equal((await hook(body, auth, otherOrgId)).statusCode, 401);
      assert.equal((await hook(body, auth, 'not-an-id')).statusCode, 401);
      assert.equal((await h.ctx.database.db.selectFrom('donations').select('id').where('processor', '=', 'actblue').execute()).length, 0);
    });

    it('records each line item once, on the page its refcode names, with the donor matched by email', async () => {
      const body = actBlueContribution({ email: 'Donor@Example.org', refcode: 'turnout-legal', lineitems: [{ id: 501, amount: '10.00' }, { id: 502, amount: '15.50' }] });
      const first = await hook(body);
      assert.equal(first.statusCode, 200);
      assert.deepEqual(first.json(), { received: true, recorded: 2, refunded: 0, repeated: 0 });
      const again = await hook(body);
      assert.deepEqual(again.json(), { received: true, recorded: 0, refunded: 0, repeated: 2 });
      assert.equal((await pageTotals(h.ctx.database.db, actblueId)).received_minor, 2550);
      const second = await hook(actBlueContribution({ email: 'donor@example.org', form: 'fnd-legal', lineitems: [{ id: 503, amount: '5' }] }));
      assert.equal(second.json().recorded, 1);
      const people = await h.ctx.database.db.selectFrom('people').select(['id', 'given_name', 'email_status']).where('email', '=', 'donor@example.org').where('organization_id', '=', orgId).execute();
      assert.equal(people.length, 1);
      assert.equal(people[0]!.given_name, 'Ana');
      assert.equal(people[0]!.email_status, 'unsubscribed', 'giving on ActBlue is no consent to the list');
      assert.equal((await pageTotals(h.ctx.database.db, actblueId)).received_minor, 3050);
      assert.equal((await pageTotals(h.ctx.database.db, actblueId)).donors, 1);
    });

    it('a refunded line item leaves the totals; a cancelled series ends the recurring gift', async () => {
      await hook(actBlueContribution({ email: 'refund@example.org', refcode: 'turnout-legal', lineitems: [{ id: 601, amount: '20.00' }] }));
      const before = (await pageTotals(h.ctx.database.db, actblueId)).received_minor;
      const refund = await hook(actBlueContribution({ email: 'refund@example.org', refcode: 'turnout-legal', lineitems: [{ id: 601, amount: '20.00', refundedAt: '2026-12-01T10:00:00Z' }] }));
      assert.equal(refund.json().refunded, 1);
      assert.equal((await pageTotals(h.ctx.database.db, actblueId)).received_minor, before - 2000);

      await hook(actBlueContribution({ email: 'monthly@example.org', orderNumber: 'AB-SERIES-1', recurringPeriod: 'monthly', lineitems: [{ id: 701, amount: '10.00' }] }));
      await hook(actBlueContribution({ email: 'monthly@example.org', orderNumber: 'AB-SERIES-1', recurringPeriod: 'monthly', lineitems: [{ id: 702, amount: '10.00' }] }));
      const series = await h.ctx.database.db.selectFrom('recurring_donations').selectAll().where('processor_ref', '=', 'AB-SERIES-1').execute();
      assert.equal(series.length, 1);
      assert.equal(series[0]!.status, 'active');
      assert.equal((await h.ctx.database.db.selectFrom('donations').select('id').where('recurring_id', '=', series[0]!.id).execute()).length, 2);
      await hook(actBlueContribution({ email: 'monthly@example.org', orderNumber: 'AB-SERIES-1', recurringPeriod: 'monthly', cancelledAt: '2026-12-01T00:00:00Z', lineitems: [{ id: 702, amount: '10.00' }] }));
      const ended = await h.ctx.database.db.selectFrom('recurring_donations').select('status').where('processor_ref', '=', 'AB-SERIES-1').executeTakeFirstOrThrow();
      assert.equal(ended.status, 'canceled');
      await h.runJobs();
      assert.equal(h.mailer.sent.filter((m) => m.to === 'monthly@example.org').length, 0, 'ActBlue sends its own receipts');
    });

    it('refuses malformed payloads with a 400 that says what is wrong', async () => {
      const cases: [unknown, RegExp][] = [
        [{}, /donor\.email/],
        [actBlueContribution({ email: 'not-an-email', lineitems: [{ id: 1, amount: '1.00' }] }), /donor\.email/],
        [{ ...actBlueContribution({ email: 'a@example.org', lineitems: [] }) }, /lineitems/],
        [actBlueContribution({ email: 'a@example.org', lineitems: [{ id: 1, amount: 'abc' }] }), /amount/],
        [actBlueContribution({ email: 'a@example.org', lineitems: [{ id: 1, amount: '-5.00' }] }), /amount/],
        [actBlueContribution({ email: 'a@example.org', lineitems: [{ id: 1, amount: '1.005' }] }), /amount/],
        [actBlueContribution({ email: 'a@example.org', lineitems: [{ id: 1, amount: '0' }] }), /amount/],
        [[1, 2, 3], /donor\.email/],
      ];
      for (const [body, message] of cases) {
        const res = await hook(body);
        assert.equal(res.statusCode, 400, JSON.stringify(body).slice(0, 80));
        assert.match(res.json().error, message);
      }
      const broken = await h.app.inject({ method: 'POST', url: `/webhooks/actblue/${orgId}`, headers: { 'content-type': 'application/json', authorization: auth }, payload: '{"donor":' });
      assert.equal(broken.statusCode, 400);
    });
  });
}
