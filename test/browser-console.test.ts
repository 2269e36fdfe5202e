// The organizer's console in a real browser (Debian's Chromium driven by playwright-core), on
// every database: a coalition as people run it. An owner turns on two-factor sign-in, writes a
// petition and invites a partner; the partner accepts; supporters sign, one sharing with the
// partner; each organization's people list then holds only its own supporters. axe-core checks
// every page on the way.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type BrowserContext, type Page, type Response } from 'playwright-core';
import type { AxeResults } from 'axe-core';
import * as OTPAuth from 'otpauth';
import { createUser, grantRole } from '../src/accounts/service.ts';
import { createOrganization } from '../src/orgs/service.ts';
import type { Role } from '../src/db/schema.ts';
import { PHONE, browser, chromiumMissing, follow, skipReason, submit } from './browser-support.ts';
import { harness, targets, type Harness } from './helpers.ts';

const DESKTOP = { width: 1280, height: 900 };
const PASSWORD = 'plum orchard lantern 42';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');



/** Signs in through the form by its labels; the caller checks where it lands. */
async function signIn(page: Page, email: string, password: string): Promise<Response> {
  await page.goto('/admin/sign-in');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  return submit(page, 'Sign in');
}

/** The code an authenticator app shows for `secret`, `stepsAhead` periods of 30 s from now. */
function totpCode(secret: string, stepsAhead = 0): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + stepsAhead * 30_000 });
}

/**
 * Runs axe-core on the page as it is and fails on any serious or critical violation; moderate and
 * minor ones are printed. axe goes in through the DevTools protocol (evaluate), which the pages'
 * CSP does not govern, so the pages are checked with their real headers.
 */
async function axeCheck(page: Page): Promise<void> {
  const where = `${new URL(page.url()).pathname} "${await page.title()}"`;
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => (globalThis as unknown as { axe: { run(options: object): Promise<AxeResults> } }).axe.run({ resultTypes: ['violations'] }));
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const other = results.violations.filter((v) => !blocking.includes(v));
  if (other.length > 0) console.log(`axe on ${where}: ${other.map((v) => `${v.id} (${v.impact})`).join(', ')}`);
  assert.deepEqual(
    blocking.map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html}`).join(' | ')}`),
    [],
    `serious or critical accessibility violations on ${where}`,
  );
}

interface Organizer {
  email: string;
  /** Their own browser context: cookies and all. */
  context: BrowserContext;
  page: Page;
}


for (const target of targets()) {
  describe(`the console in Chromium on ${target.name}`, { skip: chromiumMissing ? skipReason : false }, () => {
    let h: Harness;
    let origin: string;
    const orgs = {} as Record<'a' | 'b' | 'c', { id: string; slug: string; name: string }>;
    const contexts: BrowserContext[] = [];
    let owner: Organizer;
    let partner: Organizer;
    const petition = { title: 'Keep the Riverside library open', slug: 'keep-riverside-library-open', id: '' };
    const sharer = { givenName: 'Ana', familyName: 'Ruiz', email: 'ana.shares@example.org', postalCode: '94110' };
    const keeper = { givenName: 'Bo', familyName: 'Nguyen', email: 'bo.keeps@example.org', postalCode: '10027' };

    /** A new browser context of its own (no cookies), with the app as its base URL. */
    async function person(viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
      const context = await (await browser()).newContext({ viewport, baseURL: origin });
      contexts.push(context);
      return { context, page: await context.newPage() };
    }

    /** An account with `role` in `organizationId`, made as the CLI would, with its own browser. */
    async function organizer(email: string, organizationId: string, role: Role): Promise<Organizer> {
      const db = h.ctx.database.db;
      const user = await createUser(db, { email, name: email.split('@')[0]!, password: PASSWORD });
      await grantRole(db, { userId: user.id, organizationId, role, byUserId: null });
      return { email, ...(await person()) };
    }

    /** Signs in an organizer without two-factor and checks they reach the dashboard. */
    async function signedIn(who: Organizer): Promise<Page> {
      const post = await signIn(who.page, who.email, PASSWORD);
      assert.equal(post.status(), 303);
      assert.equal(new URL(who.page.url()).pathname, '/admin');
      return who.page;
    }

    const peopleOf = (organizationId: string) =>
      h.ctx.database.db.selectFrom('people').select('email').where('organization_id', '=', organizationId).orderBy('email').execute();

    before(async () => {
      h = await harness(target);
      const db = h.ctx.database.db;
      orgs.a = await createOrganization(db, { name: 'Riverside Tenants Union' });
      orgs.b = await createOrganization(db, { name: 'Neighbours for Privacy' });
      orgs.c = await createOrganization(db, { name: 'Unrelated Group' });
      await h.app.listen({ port: 0, host: '127.0.0.1' });
      origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
      owner = await organizer('owner@riverside.example', orgs.a.id, 'owner');
    });
    after(async () => {
      for (const context of contexts) await context.close();
      await h?.close();
    });

    test('an owner signs in, turns on two-factor, signs out and signs in again with a code from the app', async () => {
      const page = owner.page;
      await page.goto('/admin/sign-in');
      await axeCheck(page);

      // A wrong password: the page says so and keeps the email.
      assert.equal((await signIn(page, owner.email, 'not the password at all')).status(), 401);
      assert.equal(await page.getByRole('alert').textContent(), 'The email or password is not right. Check them and try again.');
      assert.equal(await page.getByLabel('Email', { exact: true }).inputValue(), owner.email);
      await axeCheck(page);

      await signedIn(owner);
      await axeCheck(page);

      await follow(page, 'Your account');
      const secret = (await page.locator('#totp-secret').textContent())?.trim() ?? '';
      assert.match(secret, /^[A-Z2-7]{32}$/, 'the key to type into an authenticator app');
      await axeCheck(page);
      const enrolmentCode = totpCode(secret);
      await page.getByLabel('Code from your app', { exact: true }).fill(enrolmentCode);
      assert.equal((await submit(page, 'Turn on two-factor sign-in')).status(), 200);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Two-factor sign-in is on');
      assert.equal(await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count(), 10);
      await axeCheck(page);
      const user = await h.ctx.database.db.selectFrom('users').select(['totp_enabled_at', 'totp_secret']).where('email', '=', owner.email).executeTakeFirstOrThrow();
      assert.ok(user.totp_enabled_at, 'two-factor is on');
      assert.ok(user.totp_secret && !user.totp_secret.includes(secret), 'the secret is stored sealed, not as shown');

      assert.equal((await submit(page, 'Sign out')).status(), 303);
      assert.equal(new URL(page.url()).pathname, '/admin/sign-in');
      assert.deepEqual(await owner.context.cookies(`${origin}/admin`).then((cs) => cs.filter((c) => c.name === 'turnout_session')), [], 'the session cookie is gone');

      // The password alone now leads to the second step, not into the console.
      assert.equal((await signIn(page, owner.email, PASSWORD)).status(), 303);
      assert.equal(new URL(page.url()).pathname, '/admin/two-factor');
      await axeCheck(page);
      await page.goto('/admin/people');
      assert.equal(new URL(page.url()).pathname, '/admin/two-factor', 'nothing in the console before the code');

      const valid = new Set([-1, 0, 1].map((step) => totpCode(secret, step)));
      let wrong = '000000';
      while (valid.has(wrong)) wrong = String(Number(wrong) + 1).padStart(6, '0');
      await page.getByLabel('Code', { exact: true }).fill(wrong);
      assert.equal((await submit(page, 'Continue')).status(), 401);
      assert.equal(await page.getByLabel('Code', { exact: true }).getAttribute('aria-invalid'), 'true');
      await axeCheck(page);

      // A fresh code, not the one used to turn two-factor on: within the same 30 s, the app's next one.
      const now = totpCode(secret);
      await page.getByLabel('Code', { exact: true }).fill(now === enrolmentCode ? totpCode(secret, 1) : now);
      assert.equal((await submit(page, 'Continue')).status(), 303);
      assert.equal(new URL(page.url()).pathname, '/admin/people', 'the page asked for before the code');
      await page.goto('/admin');
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), orgs.a.name);
      await axeCheck(page);
    });

    test('the owner writes a petition in the console and invites a partner, who accepts from their own console', async () => {
      const page = owner.page;
      await follow(page, 'Petitions');
      await axeCheck(page);
      await follow(page, 'New petition');
      await axeCheck(page);

      // Saved empty first: the error summary names what is missing.
      assert.equal((await submit(page, 'Save petition')).status(), 422);
      assert.deepEqual(await page.getByRole('alert').getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href'))), ['#title', '#petition_text']);
      await axeCheck(page);

      await page.getByLabel('Title', { exact: true }).fill(petition.title);
      await page.getByLabel('Web address (optional)', { exact: true }).fill(petition.slug);
      await page.getByLabel('Description (optional)', { exact: true }).fill('The council wants to close our branch library in June.');
      await page.getByLabel('Petition text', { exact: true }).fill('We ask the council to **keep the Riverside library open** six days a week.');
      await page.getByLabel('Targets (optional)', { exact: true }).fill('Riverside City Council');
      await page.getByLabel('Goal (optional)', { exact: true }).fill('500');
      assert.ok(await page.getByLabel('Open: people can sign').isChecked(), 'a new petition starts open');
      assert.equal((await submit(page, 'Save petition')).status(), 303);
      const created = /^\/admin\/petitions\/([0-9a-f-]{36})$/.exec(new URL(page.url()).pathname);
      assert.ok(created, `the petition's page after saving, not ${page.url()}`);
      petition.id = created[1]!;
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), petition.title);
      await axeCheck(page);

      // The petition page has no link to its partners (see the report): the owner types the address.
      await page.goto(`/admin/petitions/${petition.id}/partners`);
      assert.equal(await page.getByText('No partners yet.').count(), 1);
      await axeCheck(page);
      await page.getByLabel('Partner organization', { exact: true }).fill(orgs.b.slug);
      assert.equal((await submit(page, 'Invite')).status(), 303, 'post-redirect-get: a reload does not invite again');
      assert.equal(await page.getByRole('status').textContent(), 'The partner is invited. They accept from their console’s Partnerships page.');
      assert.equal(await page.getByRole('row', { name: new RegExp(`^${orgs.b.name} invited`) }).count(), 1);
      await axeCheck(page);

      partner = await organizer('lead@neighbours.example', orgs.b.id, 'admin');
      const partnerPage = await signedIn(partner);
      await axeCheck(partnerPage);
      await follow(partnerPage, 'Partnerships');
      await axeCheck(partnerPage);
      assert.equal((await submit(partnerPage, `Accept partnership on ${petition.title}`)).status(), 303);
      assert.equal(new URL(partnerPage.url()).pathname, '/admin/partnerships');
      assert.equal(await partnerPage.getByRole('row', { name: new RegExp(`^${petition.title} ${orgs.a.name}`) }).getByText('accepted', { exact: true }).count(), 1);
      await axeCheck(partnerPage);

      const stored = await h.ctx.database.db.selectFrom('action_partners').select(['partner_organization_id', 'status']).where('action_id', '=', petition.id).execute();
      assert.deepEqual(stored, [{ partner_organization_id: orgs.b.id, status: 'accepted' }]);
    });

    test('supporters sign the public page, one sharing with the partner and one not', async () => {
      assert.ok(petition.id, 'the petition from the step before');
      const shareBox = `Share my name and email with ${orgs.b.name}`;
      for (const supporter of [sharer, keeper]) {
        const { page } = await person(PHONE);
        await page.goto(`/petitions/${petition.slug}`);
        assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), petition.title);
        await axeCheck(page);
        await page.getByLabel('First name', { exact: true }).fill(supporter.givenName);
        await page.getByLabel('Last name', { exact: true }).fill(supporter.familyName);
        await page.getByLabel('Email address', { exact: true }).fill(supporter.email);
        await page.getByLabel('ZIP or postal code', { exact: true }).fill(supporter.postalCode);
        assert.equal(await page.getByLabel(shareBox).isChecked(), false, 'the partner box starts unticked');
        if (supporter === sharer) await page.getByLabel(shareBox).check();
        assert.equal((await submit(page, 'Sign')).status(), 303);
        assert.equal(new URL(page.url()).pathname, `/petitions/${petition.slug}/thanks`);
        assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Thank you for signing');
        await axeCheck(page);
      }
    });

    test("each organization's people list holds only the supporters who chose it", async () => {
      assert.deepEqual(await peopleOf(orgs.a.id), [{ email: sharer.email }, { email: keeper.email }], "the sponsor's list has both signers");
      assert.deepEqual(await peopleOf(orgs.b.id), [{ email: sharer.email }], "the partner's list has only the one who shared");
      assert.deepEqual(await peopleOf(orgs.c.id), [], 'no one else has anyone');

      const seen = async (page: Page) => {
        await follow(page, 'People');
        assert.equal(new URL(page.url()).pathname, '/admin/people');
        await axeCheck(page);
        const text = (await page.locator('main').textContent()) ?? '';
        return [sharer, keeper].filter((s) => text.includes(s.email) || text.includes(`${s.givenName} ${s.familyName}`)).map((s) => s.email);
      };

      await owner.page.goto('/admin');
      assert.deepEqual(await seen(owner.page), [sharer.email, keeper.email]);
      assert.equal(await owner.page.getByRole('status').textContent(), '1–2 of 2 people, newest first');

      assert.deepEqual(await seen(partner.page), [sharer.email]);

      const bystander = await organizer('lead@unrelated.example', orgs.c.id, 'owner');
      assert.deepEqual(await seen(await signedIn(bystander)), []);
      assert.equal(await bystander.page.getByRole('status').textContent(), 'No one is on the list yet.');
    });
  });
}
