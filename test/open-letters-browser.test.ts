import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { browser, chromiumMissing, skipReason, PHONE } from './browser-support.ts';
import { harness, targets, type Harness } from './helpers.ts';
import { organizerIn, organization, type SignedIn } from './admin-helpers.ts';
import { confirmationPath, logoPng, makeLetter, signAndConfirm } from './open-letters-support.ts';

async function pdfText(bytes: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) text += (await (await doc.getPage(i)).getTextContent()).items.map((it) => ('str' in it ? `${it.str}${it.hasEOL ? '\n' : ''}` : '')).join('');
  return text;
}

async function click(page: Page, scope: ReturnType<Page['locator']> | Page, name: string) {
  await Promise.all([page.waitForEvent('load'), scope.getByRole('button', { name, exact: true }).click()]);
}

for (const target of targets()) {
  describe(`open letters in Chromium on ${target.name}`, { skip: chromiumMissing ? skipReason : false }, () => {
    let h: Harness;
    let origin: string;
    let owner: SignedIn;
    let letter: { id: string; slug: string };
    let logoFile: string;
    const contexts: BrowserContext[] = [];

    before(async () => {
      h = await harness(target);
      const orgId = (await organization(h, 'Coalition Against Face Surveillance')).id;
      owner = await organizerIn(h, orgId, 'owner', 'owner@cafs.example');
      letter = await makeLetter(h, orgId, { title: 'Letter to Lumidex', holdUntilCount: '2', allowIndividuals: false });
      logoFile = path.join(h.dataDir, 'logo.png');
      writeFileSync(logoFile, await logoPng(640, 320));
      await h.app.listen({ port: 0, host: '127.0.0.1' });
      origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    });
    after(async () => {
      for (const c of contexts) await c.close();
      await h?.close();
    });

    const open = async (javaScriptEnabled: boolean, cookie?: string) => {
      const context = await (await browser()).newContext({ viewport: PHONE, javaScriptEnabled });
      contexts.push(context);
      if (cookie) {
        const [name, value] = cookie.split('=') as [string, string];
        await context.addCookies([{ name, value, url: origin }]);
      }
      return context.newPage();
    };

    test('an organization signs with a logo (no JavaScript), confirms from the email, is approved in the console and appears once the list is strong', async () => {
      const signer = await open(false);
      await signer.goto(`${origin}/open_letters/${letter.slug}`);
      assert.match((await signer.locator('#held').textContent()) ?? '', /once 2 organizations have signed/);
      await signer.getByLabel('Organization name', { exact: true }).fill('Faces Not Data');
      await signer.getByLabel('Website (optional)', { exact: true }).fill('facesnotdata.example.org');
      await signer.getByLabel('City', { exact: true }).fill('Chicago');
      await signer.getByLabel('State or province', { exact: true }).fill('IL');
      await signer.setInputFiles('#logo', logoFile);
      await signer.getByLabel('First name', { exact: true }).fill('Ada');
      await signer.getByLabel('Last name', { exact: true }).fill('Signer');
      await signer.getByLabel('Your role (optional)', { exact: true }).fill('Director');
      await signer.getByLabel('Email address', { exact: true }).fill('ada@facesnotdata.example.org');
      await click(signer, signer, 'Sign for my organization');
      assert.equal(await signer.getByRole('heading', { level: 1 }).textContent(), 'Thank you for signing');

      await signer.goto(`${origin}${await confirmationPath(h, 'ada@facesnotdata.example.org')}`);
      await click(signer, signer, 'Confirm my signature');
      assert.match((await signer.locator('main').textContent()) ?? '', /will check “Faces Not Data”/);

      // The organizer approves it; the list is still held (1 of 2), so the page shows the count only.
      const console = await open(true, owner.cookie);
      await console.goto(`${origin}/admin/open_letters/${letter.id}`);
      const row = console.locator('tr', { hasText: 'Faces Not Data' });
      assert.ok(await row.locator('img').evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth === 400), 'the console shows the re-encoded logo');
      await row.getByLabel('Reason (kept)').fill('known member');
      await click(console, row, 'Approve');
      assert.match((await console.locator('[role=status]').textContent()) ?? '', /Approved/);
      await signer.goto(`${origin}/open_letters/${letter.slug}`);
      assert.match((await signer.locator('#count').textContent()) ?? '', /Signed by 1 organization/);
      assert.doesNotMatch((await signer.locator('main').textContent()) ?? '', /Faces Not Data/);

      // A duplicate is flagged and merged; a rejected one stays off; a second approval releases the list.
      await signAndConfirm(h, letter.slug, { org_name: 'The Faces-Not-Data, Inc.', website: 'www.facesnotdata.example.org', email: 'dup@elsewhere.example' });
      await signAndConfirm(h, letter.slug, { org_name: 'Spam Corp', website: '', email: 'spam@spam.example' });
      await signAndConfirm(h, letter.slug, { org_name: 'Oakland Privacy Circle', website: '', city: 'Oakland', region: 'CA', email: 'opc@opc.example' });
      await console.goto(`${origin}/admin/open_letters/${letter.id}`);
      const duplicates = console.locator('li.duplicate');
      assert.match((await duplicates.textContent()) ?? '', /the same website/);
      await click(console, duplicates, 'Keep “Faces Not Data”, merge the other into it');
      assert.match((await console.locator('[role=status]').textContent()) ?? '', /Merged/);
      assert.equal(await console.locator('#duplicates').count(), 0);
      await click(console, console.locator('tr', { hasText: 'Spam Corp' }), 'Reject');
      await click(console, console.locator('tr', { hasText: 'Oakland Privacy Circle' }), 'Approve');

      const listed = await open(true);
      await listed.goto(`${origin}/open_letters/${letter.slug}`);
      const list = (await listed.locator('ul.signatories').textContent()) ?? '';
      assert.match(list, /Faces Not Data/);
      assert.match(list, /Oakland Privacy Circle/);
      assert.doesNotMatch(list, /Spam Corp|Inc\./);
      assert.match((await listed.locator('#count').textContent()) ?? '', /Signed by 2 organizations/);
      assert.ok(await listed.locator('li.signatory img').first().evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0), 'the logo loads under the site CSP');

      // The delivery PDF, downloaded from the console, lists the approved organizations and not the rejected one.
      const pdf = await console.request.get(`${origin}/admin/open_letters/${letter.id}/delivery.pdf`);
      assert.equal(pdf.status(), 200);
      const text = await pdfText(await pdf.body());
      assert.ok(text.includes('Faces Not Data') && text.includes('Oakland Privacy Circle'), text);
      assert.ok(!text.includes('Spam Corp') && !text.includes('Inc.'), text);
    });
  });
}
