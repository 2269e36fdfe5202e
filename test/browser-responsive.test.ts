// Every console page and every public page of the demo organization, in Chromium at a phone's
// width (390 px) and a laptop's (1,280 px): no sideways scrolling, no axe-core violation, and a
// screenshot of each kept under test-artifacts/responsive/. The pages are found, not listed: the
// console's menu and the links on its pages (one page per kind of address, ids replaced), and the
// public home page's links, so a new capability's pages are visited without touching this file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';
import { createUser, grantRole } from '../src/accounts/service.ts';
import { seedDemo, DEMO_ORG_SLUG } from '../src/demo/seed.ts';
import { findOrganizationBySlug } from '../src/orgs/repository.ts';
import { PHONE, browser, chromiumMissing, skipReason, submit } from './browser-support.ts';
import { harness, targets, type Harness } from './helpers.ts';

const DESKTOP = { width: 1280, height: 900 };
const PASSWORD = 'plum orchard lantern 42';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ARTIFACTS = path.join(process.cwd(), 'test-artifacts', 'responsive');
const MAX_CONSOLE_PAGES = 80;
const MAX_PUBLIC_PAGES = 20;

/** An address as a kind of page: ids and numbers stand for any. */
const patternOf = (pathname: string) => pathname.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ':id').replace(/\/\d+(?=\/|$)/g, '/:n');

/** Links a visitor follows to another page (no downloads, no sign-out, no one-time links). */
function worthVisiting(url: URL, origin: string, consoleSide: boolean): boolean {
  if (url.origin !== origin) return false;
  if (/\.(csv|json|pdf|png|ics|svg|txt|js|css)$/.test(url.pathname) || url.pathname.startsWith('/assets/')) return false;
  if (/\/(export|download|sign-out|links|unsubscribe|confirm|attendances|host)\b/.test(url.pathname)) return false;
  return consoleSide ? url.pathname.startsWith('/admin') : !url.pathname.startsWith('/admin') && !url.pathname.startsWith('/api');
}

/** Same-origin links on the page worth visiting, without their fragment. */
async function linksOn(page: Page, origin: string, consoleSide: boolean): Promise<string[]> {
  const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as unknown as { href: string }).href));
  return hrefs.flatMap((h) => {
    if (!URL.canParse(h)) return [];
    const url = new URL(h);
    url.hash = '';
    return worthVisiting(url, origin, consoleSide) ? [url.pathname + url.search] : [];
  });
}

/** Fails on any axe-core violation of the page as it is (its own CSP does not govern `evaluate`). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => (globalThis as unknown as { axe: { run(options: object): Promise<AxeResults> } }).axe.run({ resultTypes: ['violations'] }));
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`).join(' | ')}`);
}

/**
 * Visits `start` and the pages it leads to, one per kind of address (the query aside), breadth
 * first: `visit` loads each in the page it returns, and its links are followed from there.
 */
async function discover(origin: string, start: string[], consoleSide: boolean, max: number, visit: (url: string) => Promise<Page | null>): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [...start];
  const found: string[] = [];
  while (queue.length > 0 && found.length < max) {
    const next = queue.shift()!;
    const pattern = patternOf(new URL(next, origin).pathname);
    if (seen.has(pattern)) continue;
    seen.add(pattern);
    const page = await visit(next);
    if (!page) continue;
    found.push(next);
    for (const link of await linksOn(page, origin, consoleSide)) queue.push(link);
  }
  return found;
}

const fileName = (url: string) => url.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '_').slice(0, 100) || 'home';

// The pages' markup and layout do not depend on the database: one run, on the first target (the
// other browser tests run on every database), keeps this test near a minute.
for (const target of targets().slice(0, 1)) {
  describe(`every page at 390 and 1,280 px on ${target.name}`, { skip: chromiumMissing ? skipReason : false }, () => {
    let h: Harness;
    let origin: string;
    const contexts: BrowserContext[] = [];

    async function newPage(viewport: { width: number; height: number }): Promise<Page> {
      const context = await (await browser()).newContext({ viewport, baseURL: origin });
      contexts.push(context);
      return context.newPage();
    }

    async function signedIn(viewport: { width: number; height: number }): Promise<Page> {
      const page = await newPage(viewport);
      await page.goto('/admin/sign-in');
      await page.getByLabel('Email', { exact: true }).fill('owner@demo.example');
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      assert.equal((await submit(page, 'Sign in')).status(), 303);
      return page;
    }

    before(async () => {
      h = await harness(target);
      const db = h.ctx.database.db;
      await seedDemo(db);
      const org = (await findOrganizationBySlug(db, DEMO_ORG_SLUG))!;
      const user = await createUser(db, { email: 'owner@demo.example', name: 'Ana López', password: PASSWORD });
      await grantRole(db, { userId: user.id, organizationId: org.id, role: 'owner', byUserId: null });
      await h.app.listen({ port: 0, host: '127.0.0.1' });
      origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
      mkdirSync(ARTIFACTS, { recursive: true });
    });
    after(async () => {
      for (const context of contexts) await context.close();
      await h?.close();
    });

    test('every console page and every public page, at both widths', async () => {
      const problems: string[] = [];
      /** Loads `url` in `page`; checks the width and axe, keeps a screenshot; false when the page is not one to check (an error, a sign-in). */
      const check = async (page: Page, url: string, width: string, prefix: string): Promise<boolean> => {
        const res = await page.goto(url);
        if (!res || res.status() >= 400 || new URL(page.url()).pathname.startsWith('/admin/sign-in')) return false;
        // Run in the page: its document and window, not this process's.
        const { scrollWidth, innerWidth } = (await page.evaluate('({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })')) as { scrollWidth: number; innerWidth: number };
        if (scrollWidth > innerWidth) problems.push(`${url} at ${width} px: ${scrollWidth}px wide in a ${innerWidth}px window`);
        for (const v of await axeViolations(page)) problems.push(`${url} at ${width} px: ${v}`);
        await page.screenshot({ path: path.join(ARTIFACTS, `${prefix}${fileName(url)}-${width}.jpeg`), fullPage: true, type: 'jpeg', quality: 60 });
        return true;
      };
      const both = (wide: Page, narrow: Page, prefix: string) => async (url: string) => {
        const [ok] = await Promise.all([check(wide, url, '1280', prefix), check(narrow, url, '390', prefix)]);
        return ok ? wide : null;
      };
      const consolePages = await discover(origin, ['/admin'], true, MAX_CONSOLE_PAGES, both(await signedIn(DESKTOP), await signedIn(PHONE), ''));
      const publicPages = await discover(origin, ['/', '/events'], false, MAX_PUBLIC_PAGES, both(await newPage(DESKTOP), await newPage(PHONE), ''));
      console.log(`checked ${consolePages.length} console pages and ${publicPages.length} public pages at 390 and 1,280 px`);
      for (const section of ['/admin', '/admin/petitions', '/admin/events', '/admin/people', '/admin/audit']) assert.ok(consolePages.includes(section), `${section} is visited`);
      assert.ok(consolePages.some((p) => /^\/admin\/petitions\/[0-9a-f-]{36}\/charts$/.test(p)), 'a petition’s charts are visited');
      assert.ok(publicPages.some((p) => p.startsWith('/petitions/')), 'a public petition is visited');
      assert.deepEqual(problems, []);
    });
  });
}
