// Embeds in a real browser (Debian's Chromium driven by playwright-core), on every database: a
// petition embedded in a page served from another local origin, signed through the script with
// JavaScript on, through its link with JavaScript off, and through the iframe variant.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { chromiumMissing, skipReason, submit, withPage } from './browser-support.ts';
import { harness, targets, type Harness } from './helpers.ts';
import { organization } from './admin-helpers.ts';
import { createPetition } from '../src/petitions/index.ts';
import { checkQuestions, createForm } from '../src/forms/index.ts';
import { newId, nowIso } from '../src/util/ids.ts';

const TITLE = 'Ban face recognition downtown';

/** A free port on 127.0.0.1, so turnout's BASE_URL can name the address it will listen on. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The organization's own site: a page per path, served with a strict policy that allows only turnout besides itself. */
async function hostSite(pages: Record<string, string>, turnout: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const body = pages[(req.url ?? '/').split('?')[0]!];
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; script-src ${turnout}; connect-src ${turnout}; frame-src ${turnout}; form-action ${turnout}`,
    });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Our campaign</title></head><body><h1>Our campaign</h1>${body}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

for (const target of targets()) {
  describe(`embeds in Chromium on ${target.name}`, { skip: chromiumMissing ? skipReason : false }, () => {
    let h: Harness;
    let turnout: string;
    let host: { server: Server; origin: string };
    let unlisted: { server: Server; origin: string };
    let slug: string;
    let formSlug: string;
    let formId: string;

    const signature = (email: string) =>
      h.ctx.database.db
        .selectFrom('signatures')
        .innerJoin('people', 'people.id', 'signatures.person_id')
        .select(['signatures.referrer', 'signatures.language', 'people.given_name', 'people.email_status'])
        .where('people.email', '=', email)
        .executeTakeFirst();

    /** Every origin the page asked something of. */
    const originsAsked = (page: Page) => {
      const asked = new Set<string>();
      page.on('request', (r) => asked.add(new URL(r.url()).origin));
      return asked;
    };

    before(async () => {
      const port = await freePort();
      turnout = `http://127.0.0.1:${port}`;
      h = await harness(target, { BASE_URL: turnout });
      await h.app.listen({ port, host: '127.0.0.1' });
      const org = await organization(h, 'Surveillance Watch');
      slug = (await createPetition(h.ctx.database.db, org.id, { title: TITLE, description: 'Why', petition_text: 'Stop it.', targets: [{ name: 'The council' }], goal: null, confirmation_required: false, status: 'open' }, nowIso())).slug;
      const { questions } = checkQuestions([
        { id: 'size', kind: 'one_choice', label: 'Shirt size', options: ['S', 'M', 'L'], required: true },
        { id: 'days', kind: 'choices', label: 'Days you can help', options: ['Sat', 'Sun'] },
      ]);
      const made = await createForm(h.ctx.database.db, org.id, { title: 'Volunteer with us', description: '', questions, status: 'open' }, nowIso());
      formSlug = made.slug;
      formId = made.id;
      const snippet = (lang = '') =>
        `<div data-turnout-petition="${slug}"${lang ? ` data-lang="${lang}"` : ''}><a href="${turnout}/petitions/${slug}">Sign the petition: ${TITLE}</a></div>` +
        `<p>Signed so far: <span data-turnout-petition-count="${slug}">see the petition</span></p><script src="${turnout}/embed.js" async></script>`;
      const pages = {
        '/': snippet(),
        '/es': snippet('es'),
        '/form': `<div data-turnout-form="${formSlug}"><a href="${turnout}/forms/${formSlug}">Fill in the form</a></div><script src="${turnout}/embed.js" async></script>`,
        '/frame': `<iframe src="${turnout}/embed/petitions/${slug}" title="${TITLE}" width="100%" height="1100"></iframe>`,
      };
      host = await hostSite(pages, turnout);
      unlisted = await hostSite(pages, turnout);
      await h.ctx.database.db.insertInto('embed_origins').values({ id: newId(), organization_id: org.id, origin: host.origin, note: 'Our site', created_by: null, created_at: nowIso() }).execute();
    });
    after(async () => {
      host?.server.close();
      unlisted?.server.close();
      await h?.close();
    });

    test('with JavaScript on, the script draws the form in the host page and signs through it', () =>
      withPage({}, async (page) => {
        const asked = originsAsked(page);
        await page.goto(`${host.origin}/`);
        await page.getByLabel('First name', { exact: true }).fill('Ana');
        await page.getByLabel('Last name', { exact: true }).fill('Ruiz');
        await page.getByLabel('Email address', { exact: true }).fill('ana@example.org');
        await page.getByLabel('ZIP or postal code', { exact: true }).fill('60605');
        assert.equal(await page.getByLabel('Country', { exact: true }).inputValue(), 'US');
        await page.getByLabel('Email me about this campaign').check();
        assert.equal(await page.locator('.turnout-count').first().textContent(), '0 signatures');
        await page.getByRole('button', { name: 'Sign', exact: true }).click();
        await page.getByRole('heading', { name: 'Thank you for signing' }).waitFor();
        assert.equal(page.url(), `${host.origin}/`, 'the supporter stays on the host page');
        // The form's count catches up once the read cache has the signature.
        await page.locator('.turnout-embed .turnout-count', { hasText: '1 signature' }).waitFor({ timeout: 8000 });
        const stored = await signature('ana@example.org');
        assert.deepEqual(stored, { referrer: host.origin, language: 'en', given_name: 'Ana', email_status: 'subscribed' });
        assert.deepEqual([...asked].sort(), [host.origin, turnout].sort(), 'no request to any site but the host and turnout');
      }));

    test('errors are shown next to their fields in the supporter’s language, then the signature goes through', () =>
      withPage({}, async (page) => {
        await page.goto(`${host.origin}/es`);
        await page.getByLabel('Correo electrónico', { exact: true }).fill('no-es-un-correo');
        await page.getByRole('button', { name: 'Firmar', exact: true }).click();
        const nameError = page.locator('[data-field="given_name"] .turnout-error');
        await nameError.waitFor();
        assert.equal(await nameError.textContent(), 'Escribe tu nombre');
        assert.equal(await page.getByLabel('Nombre', { exact: true }).getAttribute('aria-invalid'), 'true');
        assert.match((await page.locator('.turnout-error-summary').textContent()) ?? '', /Hay un problema/);
        await page.getByLabel('Nombre', { exact: true }).fill('Eva');
        await page.getByLabel('Apellido', { exact: true }).fill('Luna');
        await page.getByLabel('Correo electrónico', { exact: true }).fill('eva@example.org');
        await page.getByLabel('Código postal (ZIP)', { exact: true }).fill('60605');
        await page.getByRole('button', { name: 'Firmar', exact: true }).click();
        await page.getByRole('heading', { name: 'Gracias por firmar' }).waitFor();
        assert.equal((await signature('eva@example.org'))?.language, 'es');
      }));

    test('a form with choice questions is answered through the script', () =>
      withPage({}, async (page) => {
        await page.goto(`${host.origin}/form`);
        await page.getByLabel('First name', { exact: true }).fill('Lu');
        await page.getByLabel('Last name', { exact: true }).fill('Chen');
        await page.getByLabel('Email address', { exact: true }).fill('lu@example.org');
        await page.getByLabel('ZIP or postal code', { exact: true }).fill('60605');
        await page.getByRole('button', { name: 'Send', exact: true }).click();
        const sizeError = page.locator('[data-field="q_size"] .turnout-error');
        await sizeError.waitFor();
        assert.match((await sizeError.textContent()) ?? '', /Shirt size/);
        await page.getByLabel('M', { exact: true }).check();
        await page.getByLabel('Sat', { exact: true }).check();
        await page.getByLabel('Sun', { exact: true }).check();
        await page.getByRole('button', { name: 'Send', exact: true }).click();
        await page.getByRole('heading', { name: 'Thank you' }).waitFor();
        const row = await h.ctx.database.db.selectFrom('submissions').select(['answers', 'referrer']).where('form_id', '=', formId).executeTakeFirstOrThrow();
        assert.deepEqual(JSON.parse(row.answers!), { size: 'M', days: ['Sat', 'Sun'] });
        assert.equal(row.referrer, host.origin);
      }));

    test('on a site the organization did not list, the script draws nothing and the link stays', () =>
      withPage({}, async (page) => {
        await page.goto(`${unlisted.origin}/`);
        await page.waitForLoadState('networkidle');
        assert.equal(await page.getByLabel('First name').count(), 0);
        assert.equal(await page.getByRole('link', { name: `Sign the petition: ${TITLE}` }).getAttribute('href'), `${turnout}/petitions/${slug}`);
      }));

    test('with JavaScript off, the snippet is a link to the petition page, where signing works', () =>
      withPage({ javaScriptEnabled: false }, async (page) => {
        await page.goto(`${host.origin}/`);
        const link = page.getByRole('link', { name: `Sign the petition: ${TITLE}` });
        assert.equal(await link.getAttribute('href'), `${turnout}/petitions/${slug}`);
        await Promise.all([page.waitForEvent('load'), link.click()]);
        assert.equal(page.url(), `${turnout}/petitions/${slug}`);
        await page.getByLabel('First name', { exact: true }).fill('Noor');
        await page.getByLabel('Last name', { exact: true }).fill('Haddad');
        await page.getByLabel('Email address', { exact: true }).fill('noor@example.org');
        await page.getByLabel('ZIP or postal code', { exact: true }).fill('60605');
        const post = await submit(page, 'Sign');
        assert.equal(post.status(), 303);
        assert.equal(await page.getByRole('heading', { level: 1, name: 'Thank you for signing' }).count(), 1);
        const stored = await signature('noor@example.org');
        assert.equal(stored?.given_name, 'Noor');
      }));

    test('the iframe variant signs inside the frame, with JavaScript off too', () =>
      withPage({ javaScriptEnabled: false }, async (page) => {
        await page.goto(`${host.origin}/frame`);
        const frame = page.frameLocator('iframe');
        await frame.getByLabel('First name', { exact: true }).fill('Kai');
        await frame.getByLabel('Last name', { exact: true }).fill('Moss');
        await frame.getByLabel('Email address', { exact: true }).fill('kai@example.org');
        await frame.getByLabel('ZIP or postal code', { exact: true }).fill('60605');
        await frame.getByRole('button', { name: 'Sign', exact: true }).click();
        await frame.getByRole('heading', { name: 'Thank you for signing' }).waitFor();
        assert.equal(page.url(), `${host.origin}/frame`, 'the host page stays where it was');
        const stored = await signature('kai@example.org');
        assert.equal(stored?.given_name, 'Kai');
        assert.equal(stored?.referrer, host.origin);
      }));

    test('the iframe is refused on a site the organization did not list', () =>
      withPage({}, async (page) => {
        await page.goto(`${unlisted.origin}/frame`);
        await page.waitForTimeout(300);
        const frame = page.frames().find((f) => f !== page.mainFrame());
        // Chromium replaces a frame its frame-ancestors refuse with an error page: no form in it.
        assert.equal(await page.frameLocator('iframe').getByLabel('First name').count(), 0);
        assert.ok(frame);
      }));
  });
}
