import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { targets } from './helpers.ts';
import { consoleSuite, organizerIn, type SignedIn } from './admin-helpers.ts';
import { createPage, recordPledge, startCheckout, type Gift } from '../src/donations/service.ts';
import { applyStripeEvent } from '../src/donations/stripe-events.ts';
import { applyActBlue, type ActBlueContribution } from '../src/donations/actblue.ts';
import { checkPage } from '../src/donations/fields.ts';
import { verifyPassword } from '../src/accounts/passwords.ts';
import type { FundraisingPage } from '../src/donations/tables.ts';
import { nowIso } from '../src/util/ids.ts';

const fields = (over: Record<string, string> = {}) => ({
  title: 'Legal defense fund',
  slug: '',
  description: 'Help us **sue** Lumidex.',
  currency: 'USD',
  goal: '5000',
  amounts: '10, 25, 50',
  minimum: '5',
  maximum: '1000',
  processor: 'stripe',
  actblue_form: '',
  actblue_refcode: '',
  status: 'open',
  ...over,
});

const person = (email: string, givenName: string, familyName = 'Donor') => ({ email, givenName, familyName, postalCode: '10001', country: 'US' });

for (const target of targets()) {
  describe(`console fundraising on ${target.name}`, () => {
    const suite = consoleSuite(target);
    const { db, get, post } = suite;
    let other: SignedIn;
    let n = 0;

    before(async () => {
      other = await organizerIn(suite.h, suite.otherOrgId, 'owner', 'owner@other.example');
    });

    const pageCount = async () => Number((await db().selectFrom('fundraising_pages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const pageRow = (id: string) => db().selectFrom('fundraising_pages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const auditRows = (action: string) => db().selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('created_at').execute();
    const summaryOf = (html: string) => /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';

    /** A page made by the service, from fields as the console would check them. */
    const newPage = async (organizationId = suite.orgId, over: Record<string, string> = {}): Promise<FundraisingPage> => {
      const f = fields({ title: `Fund ${++n}`, ...over });
      const { fields: checked, errors } = checkPage({
        title: f.title,
        description: f.description,
        currency: f.currency,
        goal: f.goal,
        amounts: f.amounts.split(/,\s*/),
        minimum: f.minimum,
        maximum: f.maximum,
        allowMonthly: true,
        offerFeeCover: false,
        processor: f.processor,
        actblueForm: f.actblue_form,
        actblueRefcode: f.actblue_refcode,
        status: f.status,
      });
      assert.ok(checked, JSON.stringify(errors));
      return createPage(db(), organizationId, checked, nowIso());
    };
    const gift = (p: Partial<Gift> & { person: Gift['person'] }): Gift => ({
      amountMinor: 2500,
      feeCoverMinor: 0,
      recurring: false,
      optIn: true,
      optInWording: 'Keep me posted',
      language: 'en',
      referral: { source: null, referrer: null },
      shareWith: [],
      idempotencyKey: `key-${++n}`,
      ...p,
    });
    let eventNumber = 0;
    const stripeEvent = (type: string, object: Record<string, unknown>) =>
      suite.h.ctx.committer.submit((uow) => applyStripeEvent(uow, { id: `evt_${++eventNumber}`, type, object: object as Record<string, unknown> }));
    /** A Stripe gift paid through Checkout, as the webhook records it. */
    const stripeGift = async (page: FundraisingPage, g: Gift, intent: string) => {
      const checkout = await suite.h.ctx.committer.submit((uow) => startCheckout(uow, page, g));
      await stripeEvent('checkout.session.completed', {
        id: `cs_${intent}`,
        client_reference_id: checkout.id,
        mode: 'payment',
        payment_status: 'paid',
        payment_intent: intent,
        amount_total: g.amountMinor,
        currency: 'usd',
        metadata: {},
      });
    };
    const actBlue = (c: Partial<ActBlueContribution>) =>
      suite.h.ctx.committer.submit((uow) =>
        applyActBlue(uow, suite.orgId, {
          email: 'ab@donor.example',
          givenName: 'Abe',
          familyName: 'Blue',
          postalCode: '60601',
          country: 'US',
          orderNumber: `AB${++n}`,
          form: null,
          refcodes: [],
          recurring: null,
          cancelled: false,
          createdAt: null,
          lineitems: [{ id: String(1000 + n), amountMinor: 1500, refunded: false }],
          ...c,
        }),
      );

    it('creates a page from the form, audits it and shows it on the list with its totals', async () => {
      const page = await get(suite.organizer, '/admin/fundraising/new');
      assert.equal(page.statusCode, 200);
      for (const [id, label] of [
        ['title', 'Title'],
        ['slug', 'Web address \\(optional\\)'],
        ['currency', 'Currency'],
        ['amounts', 'Suggested amounts'],
        ['minimum', 'Minimum gift'],
        ['maximum', 'Maximum gift'],
        ['actblue_form', 'ActBlue form name \\(ActBlue pages\\)'],
      ]) {
        assert.match(page.body, new RegExp(`<label for="${id}">${label}</label>`), `label for ${id}`);
      }
      assert.match(page.body, /value="USD"/, 'USD by default');
      assert.match(page.body, /STRIPE_SECRET_KEY is not set/, 'says a Stripe page cannot take gifts yet');
      assert.match(page.body, /Online giving is not set up yet/);
      const res = await post(suite.organizer, '/admin/fundraising/new', fields({ slug: 'legal-fund', amounts: '10, 25\n50,1,000' }));
      assert.equal(res.statusCode, 303, res.body);
      const m = /^\/admin\/fundraising\/([0-9a-f-]{36})\?notice=created$/.exec(res.headers.location as string);
      assert.ok(m, `redirected to ${res.headers.location}`);
      const row = await pageRow(m[1]!);
      assert.equal(row.slug, 'legal-fund');
      assert.equal(row.organization_id, suite.orgId);
      assert.deepEqual(JSON.parse(row.amounts), [1000, 2500, 5000, 100000], '“1,000” is one amount');
      assert.equal(Number(row.goal_minor), 500000);
      assert.equal(Number(row.min_minor), 500);
      assert.equal(row.processor, 'stripe');
      const audits = await auditRows('fundraising_page.created');
      assert.ok(audits.some((a) => a.subject === row.id));

      const detail = await get(suite.organizer, res.headers.location as string);
      assert.equal(detail.statusCode, 200);
      assert.match(detail.body, /Fundraising page created/);
      assert.match(detail.body, /\/fundraising\/legal-fund/);

      await newPage(suite.otherOrgId, { title: 'Not ours at all' });
      const list = await get(suite.viewer, '/admin/fundraising');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, new RegExp(`<a href="/admin/fundraising/${row.id}">Legal defense fund</a>`));
      assert.match(list.body, /<td[^>]*>Stripe<\/td>/);
      assert.ok(!list.body.includes('Not ours at all'), 'another organization’s page is not listed');
      assert.doesNotMatch(list.body, /New fundraising page/, 'a viewer is not offered to create');
      assert.match((await get(suite.organizer, '/admin/fundraising')).body, /href="\/admin\/fundraising\/new">New fundraising page</);
    });

    it('refuses bad amounts and fields with a message by each, keeps the input and writes nothing', async () => {
      const before = await pageCount();
      const cases: [Record<string, string>, string, RegExp][] = [
        [{ amounts: 'abc' }, 'amounts', /“abc” is not an amount/],
        [{ amounts: '10, -5' }, 'amounts', /“-5” is not an amount/],
        [{ amounts: '10.123' }, 'amounts', /“10.123” has more digits after the decimal point/],
        [{ minimum: '0' }, 'minimum', /“0” must be more than zero/],
        [{ minimum: '100', maximum: '50', amounts: '75' }, 'maximum', /The maximum must be at least the minimum/],
        [{ processor: 'actblue', actblue_form: '' }, 'actblue_form', /Enter the ActBlue form’s name/],
        [{ title: '' }, 'title', /Enter a title/],
        [{ currency: 'XYZ1' }, 'currency', /currency code such as USD/],
        [{ slug: 'Not OK!' }, 'slug', /lower-case letters, digits and single hyphens/],
      ];
      for (const [over, field, message] of cases) {
        const res = await post(suite.organizer, '/admin/fundraising/new', fields({ title: 'Kept title', ...over }));
        assert.equal(res.statusCode, 422, JSON.stringify(over));
        assert.match(res.body, /<title>Error: New fundraising page/);
        const summary = summaryOf(res.body);
        assert.match(summary, new RegExp(`href="#${field}"`), `${JSON.stringify(over)} → ${field}`);
        assert.match(summary, message);
        assert.match(res.body, new RegExp(`id="${field}-error"`), 'the message is repeated by the field');
        if (over.title === undefined) assert.match(res.body, /value="Kept title"/, 'input kept');
      }
      assert.equal(await pageCount(), before, 'nothing written');
    });

    it('refuses a web address another page has, in any organization, with a clear message', async () => {
      const taken = await newPage(suite.otherOrgId, { title: 'Taken' });
      const before = await pageCount();
      const res = await post(suite.organizer, '/admin/fundraising/new', fields({ slug: taken.slug }));
      assert.equal(res.statusCode, 422);
      assert.match(summaryOf(res.body), /Another fundraising page has this web address/);
      assert.equal(await pageCount(), before);
      const mine = await newPage();
      const edit = await post(suite.organizer, `/admin/fundraising/${mine.id}/edit`, fields({ title: mine.title, slug: taken.slug }));
      assert.equal(edit.statusCode, 422);
      assert.match(summaryOf(edit.body), /Another fundraising page has this web address/);
      assert.equal((await pageRow(mine.id)).slug, mine.slug);
    });

    it('edits a page: the form is filled, changes are saved and audited, and nothing changed says so', async () => {
      const p = await newPage(suite.orgId, { amounts: '10, 25.50' });
      const form = await get(suite.organizer, `/admin/fundraising/${p.id}/edit`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, new RegExp(`value="${p.slug}"`));
      assert.match(form.body, /<textarea id="amounts" name="amounts"[^>]*>10\n25.50<\/textarea>/);
      assert.match(form.body, /id="minimum" name="minimum" value="5"/);
      const res = await post(
        suite.organizer,
        `/admin/fundraising/${p.id}/edit`,
        fields({ title: 'Renamed fund', slug: `${p.slug}-new`, amounts: '20\n40', processor: 'actblue', actblue_form: 'fnd-legal', actblue_refcode: 'site', status: 'closed' }),
      );
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, `/admin/fundraising/${p.id}?notice=saved`);
      const row = await pageRow(p.id);
      assert.equal(row.title, 'Renamed fund');
      assert.equal(row.slug, `${p.slug}-new`);
      assert.equal(row.processor, 'actblue');
      assert.equal(row.actblue_form, 'fnd-legal');
      assert.equal(row.status, 'closed');
      const audit = (await auditRows('fundraising_page.changed')).find((a) => a.subject === p.id)!;
      const details = typeof audit.details === 'string' ? JSON.parse(audit.details) : audit.details;
      assert.ok(details.changed.includes('title') && details.changed.includes('status'));
      assert.equal(details.to.status, 'closed');
      const again = await post(suite.organizer, `/admin/fundraising/${p.id}/edit`, { ...fields(), ...pageFormBody(row) });
      assert.equal(again.headers.location, `/admin/fundraising/${p.id}?notice=unchanged`);
      // The old address is no longer the page's; the new one is, with its closed notice.
      assert.equal((await suite.h.app.inject({ url: `/fundraising/${p.slug}` })).statusCode, 404);
      assert.equal((await suite.h.app.inject({ url: `/fundraising/${p.slug}-new` })).statusCode, 200);
    });

    /** The form's fields as the page has them (what the edit form shows). */
    function pageFormBody(row: FundraisingPage): Record<string, string> {
      return {
        title: row.title,
        slug: row.slug,
        description: row.description,
        currency: row.currency,
        goal: row.goal_minor === null ? '' : String(Number(row.goal_minor) / 100),
        amounts: (JSON.parse(row.amounts) as number[]).map((a) => String(a / 100)).join('\n'),
        minimum: String(Number(row.min_minor) / 100),
        maximum: String(Number(row.max_minor) / 100),
        ...(row.allow_monthly ? { allow_monthly: 'yes' } : {}),
        ...(row.offer_fee_cover ? { offer_fee_cover: 'yes' } : {}),
        processor: row.processor,
        actblue_form: row.actblue_form ?? '',
        actblue_refcode: row.actblue_refcode ?? '',
        status: row.status,
      };
    }

    it('keeps the currency of a page that has gifts', async () => {
      const p = await newPage(suite.orgId, { processor: 'pledge' });
      await suite.h.ctx.committer.submit((uow) => recordPledge(uow, p, gift({ person: person('cur@donor.example', 'Cur') })));
      const res = await post(suite.organizer, `/admin/fundraising/${p.id}/edit`, { ...pageFormBody(p), currency: 'EUR' });
      assert.equal(res.statusCode, 422);
      assert.match(summaryOf(res.body), /currency cannot change/);
      assert.equal((await pageRow(p.id)).currency, 'USD');
    });

    describe('gifts', () => {
      let stripePage: FundraisingPage;
      let blue: FundraisingPage;
      let pledges: FundraisingPage;
      before(async () => {
        stripePage = await newPage(suite.orgId, { title: 'Stripe fund' });
        blue = await newPage(suite.orgId, { title: 'Blue fund', processor: 'actblue', actblue_form: 'fnd-blue' });
        pledges = await newPage(suite.orgId, { title: 'Pledge fund', processor: 'pledge' });
        await stripeGift(stripePage, gift({ person: person('ana@donor.example', 'Ana', 'Alvarez'), amountMinor: 2500, referral: { source: 'email1', referrer: null } }), 'pi_ana');
        await stripeGift(stripePage, gift({ person: person('ben@donor.example', 'Ben', 'Baker'), amountMinor: 5000, referral: { source: 'email1', referrer: null } }), 'pi_ben');
        await stripeGift(stripePage, gift({ person: person('cy@donor.example', '=HYPERLINK("http://evil.example")', 'Cole'), amountMinor: 1000 }), 'pi_cy');
        await stripeGift(stripePage, gift({ person: person('dee@donor.example', 'Dee', 'Dunn'), amountMinor: 4000, referral: { source: 'tw', referrer: null } }), 'pi_dee');
        await stripeEvent('charge.refunded', { payment_intent: 'pi_ben', amount_refunded: 5000 });
        await stripeEvent('charge.refunded', { payment_intent: 'pi_ana', amount_refunded: 500 });
        await stripeEvent('charge.dispute.created', { payment_intent: 'pi_dee', status: 'needs_response' });
        await actBlue({ form: 'fnd-blue', recurring: 'monthly', refcodes: ['fb'] });
        await actBlue({ form: 'fnd-blue', email: 'one@donor.example', givenName: 'Una' });
        await suite.h.ctx.committer.submit((uow) => recordPledge(uow, pledges, gift({ person: person('pat@donor.example', 'Pat', 'Pledger'), amountMinor: 7500 })));
        await suite.h.ctx.committer.submit((uow) => recordPledge(uow, pledges, gift({ person: person('ana@donor.example', 'Ana', 'Alvarez'), amountMinor: 2500 })));
      });

      it('shows a page’s totals, refunds, disputes, sources and days', async () => {
        const res = await get(suite.organizer, `/admin/fundraising/${stripePage.id}`);
        assert.equal(res.statusCode, 200);
        // Ana 25 − 5 refunded + Cy 10; Ben fully refunded, Dee disputed.
        assert.match(res.body, /<dd id="received">\$30<\/dd>/);
        assert.match(res.body, /<dt>Donors<\/dt><dd>2<\/dd>/);
        assert.match(res.body, /<dt>Refunded<\/dt><dd>\$55 \(2 gifts\)<\/dd>/);
        assert.match(res.body, /<dt>Disputed \(not counted\)<\/dt><dd>\$40 \(1 gift\)<\/dd>/);
        const bySource = /<section aria-labelledby="by-source">[\s\S]*?<\/section>/.exec(res.body)![0];
        assert.match(bySource, new RegExp(`<a href="/admin/fundraising/${stripePage.id}\\?source=email1#gifts">email1</a></th><td class="num"[^>]*>2</td><td class="num"[^>]*>\\$20</td><td class="num"[^>]*>\\$55</td>`));
        assert.match(bySource, /\(none\)/);
        const byDay = /<section aria-labelledby="by-day">[\s\S]*?<\/section>/.exec(res.body)![0];
        assert.match(byDay, new RegExp(`<th scope="row"[^>]*>${nowIso().slice(0, 10)}</th><td class="num"[^>]*>4</td><td class="num"[^>]*>\\$30</td>`));
        assert.match(res.body, /paid, \$5 refunded/);
        assert.match(res.body, /<td[^>]*>refunded<\/td>/);
        assert.match(res.body, /disputed \(not counted\)/);
        assert.match(res.body, new RegExp(`href="/admin/fundraising/${stripePage.id}/partners"`));
        const partners = await get(suite.organizer, `/admin/fundraising/${stripePage.id}/partners`);
        assert.equal(partners.statusCode, 200, 'the coalition screen of the page');
        assert.match(partners.body, /Back to the fundraising page/);
        assert.match(partners.body, new RegExp(`action="/admin/fundraising/${stripePage.id}/partners"`));

        const pledged = await get(suite.organizer, `/admin/fundraising/${pledges.id}`);
        assert.match(pledged.body, /<dt>Pledged \(promises, not counted\)<\/dt><dd>\$100 by 2 people<\/dd>/);
        assert.match(pledged.body, /<dd id="received">\$0<\/dd>/);

        const list = await get(suite.organizer, '/admin/fundraising');
        const row = new RegExp(`${stripePage.id}">Stripe fund</a></th><td[^>]*>open</td><td[^>]*>Stripe</td><td class="num"[^>]*>\\$30</td><td class="num"[^>]*>2</td>`);
        assert.match(list.body, row);
        assert.match(list.body, new RegExp(`${pledges.id}">Pledge fund</a></th><td[^>]*>open</td><td[^>]*>Pledges</td><td class="num"[^>]*></td><td class="num"[^>]*></td><td class="num"[^>]*>\\$100</td>`));
      });

      it('searches and filters a page’s gifts', async () => {
        const path = `/admin/fundraising/${stripePage.id}`;
        const names = async (query: string) => {
          const res = await get(suite.organizer, `${path}?${query}`);
          assert.equal(res.statusCode, 200);
          const section = /<section aria-labelledby="gifts">[\s\S]*?<\/section>/.exec(res.body)![0];
          return [...section.matchAll(/<th scope="row"[^>]*><a href="\/admin\/people\/[0-9a-f-]+">([^<]+)<\/a>/g)].map((m) => m[1]).sort();
        };
        assert.deepEqual(await names(''), ['=HYPERLINK(&#34;http://evil.example&#34;) Cole', 'Ana Alvarez', 'Ben Baker', 'Dee Dunn'].sort());
        assert.deepEqual(await names('q=ALVAREZ'), ['Ana Alvarez']);
        assert.deepEqual(await names('q=ben%40donor'), ['Ben Baker']);
        assert.deepEqual(await names('status=refunded'), ['Ben Baker']);
        assert.deepEqual(await names('status=disputed'), ['Dee Dunn']);
        assert.deepEqual(await names('source=email1'), ['Ana Alvarez', 'Ben Baker']);
        assert.deepEqual(await names('source=email1&status=paid'), ['Ana Alvarez']);
        assert.deepEqual(await names('processor=actblue'), []);
        assert.deepEqual(await names('recurrence=recurring'), []);
        assert.deepEqual(await names('status=bogus&processor=%27or%201'), (await names('')).sort(), 'unknown filters are no filter');
        const filtered = await get(suite.organizer, `${path}?status=paid&q=ana`);
        assert.match(filtered.body, /<option value="paid" selected>paid<\/option>/);
        assert.match(filtered.body, /id="q" name="q" value="ana"/);
        assert.match(filtered.body, new RegExp(`href="${path}/donations.csv\\?q=ana&status=paid"`));

        const blueRes = await get(suite.organizer, `/admin/fundraising/${blue.id}?recurrence=recurring`);
        assert.match(blueRes.body, /Abe Blue/);
        assert.doesNotMatch(/<section aria-labelledby="gifts">[\s\S]*?<\/section>/.exec(blueRes.body)![0], /Una/);
        const recurring = /<section aria-labelledby="recurring">[\s\S]*?<\/section>/.exec(blueRes.body)![0];
        assert.match(recurring, /Abe Blue/);
        assert.match(recurring, /\$15 monthly/);
        assert.match(recurring, /<td[^>]*>active<\/td>/);
        assert.match(blueRes.body, /1 active, 0 past due, 0 canceled/);
      });

      it('lists every gift of the organization with the same filters and one by page', async () => {
        const all = await get(suite.organizer, '/admin/fundraising/donations');
        assert.equal(all.statusCode, 200);
        for (const name of ['Ana Alvarez', 'Abe Blue', 'Una Blue', 'Pat Pledger']) assert.ok(all.body.includes(name), name);
        const onlyBlue = await get(suite.organizer, `/admin/fundraising/donations?fundraiser=${blue.id}`);
        assert.ok(onlyBlue.body.includes('Abe Blue') && !onlyBlue.body.includes('Ana Alvarez'));
        assert.match(onlyBlue.body, new RegExp(`<option value="${blue.id}" selected>Blue fund</option>`));
        const pledgedOnly = await get(suite.organizer, `/admin/fundraising/donations?status=pledged&fundraiser=${pledges.id}`);
        assert.ok(pledgedOnly.body.includes('Pat Pledger') && !pledgedOnly.body.includes('Abe Blue'));
        assert.match(pledgedOnly.body, /2 gifts: \$0 received, \$100 pledged/);
        const byProcessor = await get(suite.organizer, '/admin/fundraising/donations?processor=actblue');
        assert.ok(byProcessor.body.includes('Una Blue') && !byProcessor.body.includes('Dee Dunn'));
        const oneTime = await get(suite.organizer, '/admin/fundraising/donations?recurrence=one-time&processor=actblue');
        assert.ok(oneTime.body.includes('Una Blue') && !oneTime.body.includes('Abe Blue'));
        // Roles that may not see people see totals but no gifts.
        assert.equal((await get(suite.viewer, '/admin/fundraising/donations')).statusCode, 403);
        const asViewer = await get(suite.viewer, `/admin/fundraising/${stripePage.id}`);
        assert.equal(asViewer.statusCode, 200);
        assert.match(asViewer.body, /<dd id="received">\$30<\/dd>/);
        assert.ok(!asViewer.body.includes('ana@donor.example'), 'no donor shown to a viewer');
      });

      it('exports gifts as CSV with Action Network’s column names, formulas neutralized, and audits it', async () => {
        const res = await get(suite.organizer, `/admin/fundraising/${stripePage.id}/donations.csv`);
        assert.equal(res.statusCode, 200);
        assert.match(res.headers['content-type'] as string, /^text\/csv/);
        assert.match(res.headers['content-disposition'] as string, /attachment; filename="fund-\d+-gifts.csv"|attachment; filename="stripe-fund-gifts.csv"/);
        const rows = parse(res.body, { columns: true }) as Record<string, string>[];
        assert.deepEqual(Object.keys(rows[0]!), [
          'uuid', 'first_name', 'last_name', 'email', 'zip_code', 'can2_country', 'amount', 'currency', 'recurrence', 'created_date',
          'source', 'referrer', 'language', 'status', 'refunded', 'fee_cover', 'processor', 'fundraising_page',
        ]);
        assert.equal(rows.length, 4);
        const ana = rows.find((r) => r.email === 'ana@donor.example')!;
        assert.equal(ana.first_name, 'Ana');
        assert.equal(ana.amount, '25.00');
        assert.equal(ana.refunded, '5.00');
        assert.equal(ana.status, 'paid');
        assert.equal(ana.currency, 'USD');
        assert.equal(ana.source, 'email1');
        assert.equal(ana.processor, 'stripe');
        assert.equal(ana.fundraising_page, 'Stripe fund');
        assert.match(ana.uuid!, /^turnout:[0-9a-f-]{36}$/);
        assert.match(ana.created_date!, /^\d{4}-\d{2}-\d{2}T/);
        const cy = rows.find((r) => r.email === 'cy@donor.example')!;
        assert.equal(cy.first_name, `'=HYPERLINK("http://evil.example")`, 'a formula-looking name is written as text');
        assert.equal(rows.find((r) => r.email === 'dee@donor.example')!.status, 'disputed');

        const all = parse((await get(suite.organizer, '/admin/fundraising/donations.csv?processor=actblue')).body, { columns: true }) as Record<string, string>[];
        assert.deepEqual(all.map((r) => r.email).sort(), ['ab@donor.example', 'one@donor.example']);
        assert.deepEqual(all.map((r) => r.recurrence).sort(), ['', 'monthly']);
        assert.ok(all.every((r) => r.fundraising_page === 'Blue fund' && r.amount === '15.00'));
        const audits = await auditRows('donations.exported');
        assert.ok(audits.some((a) => a.subject === stripePage.id));
        assert.equal((await get(suite.viewer, `/admin/fundraising/${stripePage.id}/donations.csv`)).statusCode, 403);
      });

      it('shows each gift on the donor’s page', async () => {
        const ana = await db().selectFrom('people').select('id').where('organization_id', '=', suite.orgId).where('email', '=', 'ana@donor.example').executeTakeFirstOrThrow();
        const res = await get(suite.owner, `/admin/people/${ana.id}`);
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /Gave \$25 to “Stripe fund” through Stripe \(\$5 refunded\)/);
        assert.match(res.body, /Pledged \$25 to “Pledge fund”/);
        const abe = await db().selectFrom('people').select('id').where('organization_id', '=', suite.orgId).where('email', '=', 'ab@donor.example').executeTakeFirstOrThrow();
        assert.match((await get(suite.owner, `/admin/people/${abe.id}`)).body, /Gave \$15 as a recurring gift to “Blue fund” through ActBlue/);
      });

      it('shows open fundraisers on the dashboard', async () => {
        const res = await get(suite.viewer, '/admin');
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /Open fundraisers/);
        assert.match(res.body, new RegExp(`<a href="/admin/fundraising/${stripePage.id}">Stripe fund</a></th><td[^>]*>Stripe</td><td class="num"[^>]*>\\$30</td>`));
      });
    });

    it('pages a long list of gifts, 50 at a time, newest first', async () => {
      const p = await newPage(suite.orgId, { processor: 'pledge', title: 'Many pledges' });
      await Promise.all(
        Array.from({ length: 51 }, (_, i) => suite.h.ctx.committer.submit((uow) => recordPledge(uow, p, gift({ person: person(`many${i}@donor.example`, `Many${i}`), amountMinor: 1000 + i })))),
      );
      const first = await get(suite.organizer, `/admin/fundraising/${p.id}`);
      assert.match(first.body, /51 gifts: \$0 received, \$522\.75 pledged/);
      assert.match(first.body, /Page 1 of 2/);
      assert.equal([...first.body.matchAll(/<td[^>]*>pledged<\/td>/g)].length, 50);
      assert.match(first.body, new RegExp(`href="/admin/fundraising/${p.id}\\?page=2#gifts" rel="next">Older<`));
      const second = await get(suite.organizer, `/admin/fundraising/${p.id}?page=2`);
      assert.equal([...second.body.matchAll(/<td[^>]*>pledged<\/td>/g)].length, 1);
      assert.match(second.body, /Page 2 of 2/);
      const filtered = await get(suite.organizer, `/admin/fundraising/${p.id}?q=many50%40`);
      assert.equal([...filtered.body.matchAll(/<td[^>]*>pledged<\/td>/g)].length, 1);
      assert.match(filtered.body, /1 gift: \$0 received, \$10\.50 pledged/);
    });

    it('keeps the receipts’ tax wording and the ActBlue credentials, the password hashed and never shown', async () => {
      const page = await get(suite.owner, '/admin/fundraising/settings');
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(`http://turnout.test/webhooks/actblue/${suite.orgId}`), 'the webhook address to paste into ActBlue');
      const short = await post(suite.owner, '/admin/fundraising/settings', { tax_wording: 'x', actblue_username: 'actblue', actblue_password: 'too-short' });
      assert.equal(short.statusCode, 422);
      assert.match(summaryOf(short.body), /16 to 200 characters/);
      const long = await post(suite.owner, '/admin/fundraising/settings', { tax_wording: 'y'.repeat(2001), actblue_username: '', actblue_password: '' });
      assert.equal(long.statusCode, 422);
      assert.match(summaryOf(long.body), /2,000 characters or fewer/);
      assert.equal(await db().selectFrom('donation_settings').selectAll().where('organization_id', '=', suite.orgId).executeTakeFirst(), undefined, 'nothing written');

      const password = 'correct horse battery staple';
      const wording = 'No goods or services were provided.\nEIN 12-3456789.';
      const saved = await post(suite.owner, '/admin/fundraising/settings', { tax_wording: wording, actblue_username: 'actblue-fnd', actblue_password: password });
      assert.equal(saved.statusCode, 303);
      const row = await db().selectFrom('donation_settings').selectAll().where('organization_id', '=', suite.orgId).executeTakeFirstOrThrow();
      assert.equal(row.tax_wording, wording);
      assert.equal(row.actblue_username, 'actblue-fnd');
      assert.notEqual(row.actblue_password_hash, password);
      assert.match(row.actblue_password_hash!, /^\$argon2id\$/);
      assert.ok(await verifyPassword(row.actblue_password_hash, password));
      const after = await get(suite.owner, '/admin/fundraising/settings?notice=saved');
      assert.match(after.body, /Settings saved/);
      assert.ok(!after.body.includes(password) && !after.body.includes(row.actblue_password_hash!), 'the password is never shown');
      assert.match(after.body, /A password is set and is not shown again/);
      assert.match(after.body, /EIN 12-3456789/);
      const audit = (await auditRows('donation_settings.changed')).at(-1)!;
      assert.ok(!JSON.stringify(audit).includes(password) && !JSON.stringify(audit).includes('argon2'), 'the audit holds no password');

      // The webhook takes these credentials.
      const contribution = { donor: { email: 'hook@donor.example', firstname: 'Hook' }, contribution: { orderNumber: 'ORD-1' }, lineitems: [{ lineitemId: 77, amount: '12.00' }] };
      const hook = (auth: string) => suite.h.app.inject({ method: 'POST', url: `/webhooks/actblue/${suite.orgId}`, headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}` }, payload: contribution });
      assert.equal((await hook(`actblue-fnd:${password}`)).statusCode, 200);
      assert.equal((await hook('actblue-fnd:wrong password here!')).statusCode, 401);

      // Saving the wording alone keeps the password.
      await post(suite.owner, '/admin/fundraising/settings', { tax_wording: 'Changed.', actblue_username: 'actblue-fnd', actblue_password: '' });
      const kept = await db().selectFrom('donation_settings').selectAll().where('organization_id', '=', suite.orgId).executeTakeFirstOrThrow();
      assert.equal(kept.actblue_password_hash, row.actblue_password_hash);
      assert.equal(kept.tax_wording, 'Changed.');
      await post(suite.owner, '/admin/fundraising/settings', { tax_wording: 'Changed.', actblue_username: 'actblue-fnd', remove_actblue: 'yes' });
      const removed = await db().selectFrom('donation_settings').selectAll().where('organization_id', '=', suite.orgId).executeTakeFirstOrThrow();
      assert.equal(removed.actblue_password_hash, null);
      assert.equal(removed.actblue_username, null);

      assert.equal((await get(suite.organizer, '/admin/fundraising/settings')).statusCode, 403, 'settings are the owner’s');
    });

    it('answers 404 for another organization’s page, and a viewer cannot edit', async () => {
      const theirs = await newPage(suite.otherOrgId, { title: 'Their secret fund' });
      for (const url of [`/admin/fundraising/${theirs.id}`, `/admin/fundraising/${theirs.id}/edit`, `/admin/fundraising/${theirs.id}/donations.csv`, '/admin/fundraising/not-an-id']) {
        const res = await get(suite.organizer, url);
        assert.equal(res.statusCode, 404, url);
        assert.ok(!res.body.includes('Their secret fund'), url);
      }
      const edit = await post(suite.organizer, `/admin/fundraising/${theirs.id}/edit`, fields({ title: 'Hijacked' }));
      assert.equal(edit.statusCode, 404);
      assert.equal((await pageRow(theirs.id)).title, 'Their secret fund');
      const all = await get(suite.organizer, `/admin/fundraising/donations?fundraiser=${theirs.id}`);
      assert.ok(!all.body.includes('Their secret fund'));

      const mine = await newPage();
      assert.equal((await get(suite.viewer, `/admin/fundraising/${mine.id}/edit`)).statusCode, 403);
      assert.equal((await post(suite.viewer, `/admin/fundraising/${mine.id}/edit`, fields({ title: 'By a viewer' }))).statusCode, 403);
      assert.equal((await post(suite.viewer, '/admin/fundraising/new', fields())).statusCode, 403);
      assert.equal((await pageRow(mine.id)).title, mine.title);
      assert.equal((await get(other, `/admin/fundraising/${mine.id}`)).statusCode, 404);
      const asViewer = await get(suite.viewer, `/admin/fundraising/${mine.id}`);
      assert.doesNotMatch(asViewer.body, /Edit the fundraising page/);
    });
  });
}
