import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organizerIn, organization, type SignedIn } from './admin-helpers.ts';
import { makeLetter, signAndConfirm } from './open-letters-support.ts';
import { createPetition } from '../src/petitions/service.ts';
import { nowIso } from '../src/util/ids.ts';

/** Every line of text in a PDF, as a PDF reader extracts it. */
async function pdfText(bytes: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
  }
  return pages.join('\n');
}

const BIN = path.resolve('bin/turnout.js');

for (const target of targets()) {
  describe(`delivery to the target on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let owner: SignedIn;
    let viewer: SignedIn;
    let letterSlug: string;
    let letterId: string;
    const db = () => h.ctx.database.db;
    const get = (who: SignedIn, url: string) => h.app.inject({ url, headers: { cookie: who.cookie } });
    const post = (who: SignedIn, url: string, body: Record<string, string>) => h.app.inject({ method: 'POST', url, headers: { ...FORM, cookie: who.cookie }, payload: form({ _csrf: who.csrf, ...body }) });

    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Coalition Against Face Surveillance')).id;
      owner = await organizerIn(h, orgId, 'owner', 'owner@cafs.example');
      viewer = await organizerIn(h, orgId, 'viewer', 'viewer@cafs.example');
      const l = await makeLetter(h, orgId, { title: 'Letter to Lumidex', groups: ['National', 'Local'], letterText: 'Dear Ms. Reyes,\n\nWe ask **Lumidex** to stop.' });
      letterSlug = l.slug;
      letterId = l.id;
      const orgs = [
        ['Electronic Frontier Alliance', 'National', 'approved'],
        ['Oakland Privacy Circle', 'Local', 'approved'],
        ['Café Libertad', null, 'approved'],
        ['Spam Corp', null, 'rejected'],
        ['Oakland Privacy Circle, Inc.', 'Local', 'merged'],
      ] as const;
      for (const [name, , ] of orgs) await signAndConfirm(h, l.slug, { org_name: name, website: '', city: 'Oakland', region: 'CA', email: `${name.replace(/\W/g, '').toLowerCase()}@orgs.example` });
      const rows = await db().selectFrom('open_letter_signatures').select(['id', 'org_name']).where('open_letter_id', '=', l.id).execute();
      const id = (name: string) => rows.find((r) => r.org_name === name)!.id;
      for (const [name, group, status] of orgs) {
        if (status === 'merged') continue;
        await post(owner, `/admin/open_letters/${l.id}/signatures/${id(name)}/moderate`, { decision: status, reason: status === 'rejected' ? 'spam' : '' });
        if (group) await post(owner, `/admin/open_letters/${l.id}/signatures/${id(name)}/place`, { group });
      }
      await post(owner, `/admin/open_letters/${l.id}/merge`, { duplicate: id('Oakland Privacy Circle, Inc.'), kept: id('Oakland Privacy Circle') });
    });
    after(() => h.close());

    it('makes the open letter’s PDF: approved organizations, grouped, with the date and counts', async () => {
      const res = await get(owner, `/admin/open_letters/${letterId}/delivery.pdf`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/pdf');
      assert.match(res.headers['content-disposition'] as string, /letter-to-lumidex-delivery\.pdf/);
      const text = await pdfText(res.rawPayload);
      for (const s of ['Letter to Lumidex', 'Coalition Against Face Surveillance', nowIso().slice(0, 10), 'We ask Lumidex to stop.', 'Organizations: 3', 'National', 'Electronic Frontier Alliance', 'Local', 'Oakland Privacy Circle', 'Café Libertad', 'Other signatories']) {
        assert.ok(text.includes(s), `the PDF says "${s}":\n${text}`);
      }
      assert.ok(!text.includes('Spam Corp'), 'no rejected organization');
      assert.ok(!text.includes('Circle, Inc.'), 'no merged duplicate');
      assert.ok(!text.includes('@orgs.example'), 'no email');
      assert.ok(text.indexOf('Electronic Frontier Alliance') < text.indexOf('Oakland Privacy Circle') && text.indexOf('Oakland Privacy Circle') < text.indexOf('Café Libertad'), 'groups in order');
      assert.equal((await get(viewer, `/admin/open_letters/${letterId}/delivery.pdf`)).statusCode, 403);
    });

    it('makes the open letter’s CSV of the same list', async () => {
      const res = await get(owner, `/admin/open_letters/${letterId}/delivery.csv`);
      assert.equal(res.statusCode, 200);
      const rows = parse(res.body, { columns: true }) as Record<string, string>[];
      assert.deepEqual(rows.map((r) => [r.organization, r.group]), [['Electronic Frontier Alliance', 'National'], ['Oakland Privacy Circle', 'Local'], ['Café Libertad', '']]);
      assert.doesNotMatch(res.body, /@/);
    });

    it('makes a petition’s PDF and CSV: the count, counts by state, names and places, no emails; and its delivery record', async () => {
      const p = await createPetition(db(), orgId, { title: 'Ban face surveillance', description: '', petition_text: 'We, the undersigned, ask the council to act.', targets: [{ name: 'City Council' }], goal: null, confirmation_required: false, status: 'open' }, nowIso());
      const signers = [['Ana', 'Ruiz', '10001'], ['Ben', 'Okafor', '10002'], ['Cleo', 'Park', '94612'], ['Dev', 'Shah', '60647']];
      for (const [given, family, zip] of signers) {
        const r = await h.app.inject({ method: 'POST', url: `/petitions/${p.slug}`, headers: FORM, payload: form({ given_name: given!, family_name: family!, email: `${given!.toLowerCase()}@people.example`, postal_code: zip!, country: 'US' }) });
        assert.equal(r.statusCode, 303);
      }
      const page = await get(owner, `/admin/petitions/${p.id}/delivery`);
      assert.equal(page.statusCode, 200);
      assert.match((await get(owner, `/admin/petitions/${p.id}`)).body, new RegExp(`/admin/petitions/${p.id}/delivery`));
      const pdf = await get(owner, `/admin/petitions/${p.id}/delivery.pdf`);
      assert.equal(pdf.statusCode, 200);
      const text = await pdfText(pdf.rawPayload);
      for (const s of ['Ban face surveillance', 'City Council', 'We, the undersigned', 'Signatures: 4', 'Signatures by state', 'NY: 2', 'CA: 1', 'IL: 1', 'Ana Ruiz', '(New York, NY)', 'Cleo Park', '(Oakland, CA)']) assert.ok(text.includes(s), `the PDF says "${s}":\n${text}`);
      assert.ok(!text.includes('@people.example'));
      const csv = await get(owner, `/admin/petitions/${p.id}/delivery.csv`);
      const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
      assert.deepEqual(rows.map((r) => [r.first_name, r.city, r.state]), [['Ana', 'New York', 'NY'], ['Ben', 'New York', 'NY'], ['Cleo', 'Oakland', 'CA'], ['Dev', 'Chicago', 'IL']]);
      assert.doesNotMatch(csv.body, /@|10001/);
      assert.equal((await post(owner, `/admin/petitions/${p.id}/deliveries`, { delivered_on: '2026-06-01', recipient: 'City Clerk', method: 'email', note: '', shown: 'yes' })).statusCode, 303);
      const pub = await h.app.inject({ url: `/petitions/${p.slug}?source=x` });
      assert.match(pub.body, /Delivered to City Clerk on 2026-06-01 \(by email\)/);
      assert.equal((await post(viewer, `/admin/petitions/${p.id}/deliveries`, { delivered_on: '2026-06-01', recipient: 'x', method: 'email' })).statusCode, 403);
    });

    it('exports from the command line', async () => {
      const env = { ...process.env, DATA_DIR: h.dataDir, DATABASE_URL: h.databaseUrl, LOG_LEVEL: 'silent' };
      const out = path.join(h.dataDir, 'letter.pdf');
      const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
      const ok = run('export', 'delivery', '--open-letter', letterSlug, '--format', 'pdf', '--output', out);
      assert.equal(ok.status, 0, ok.stderr);
      const text = await pdfText(readFileSync(out));
      assert.ok(text.includes('Electronic Frontier Alliance') && !text.includes('Spam Corp'));
      const csv = run('export', 'delivery', '--open-letter', letterSlug, '--format', 'csv');
      assert.equal(csv.status, 0, csv.stderr);
      assert.match(csv.stdout, /^organization,website,city,state,country,group,featured,signer,signed_at\n/);
      const bad = run('export', 'delivery', '--open-letter', letterSlug, '--format', 'docx');
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /--format must be pdf or csv/);
      const missing = run('export', 'delivery', '--petition', 'no-such-petition', '--format', 'pdf');
      assert.notEqual(missing.status, 0);
      assert.match(missing.stderr, /no petition with slug/);
      const help = run('export', '--help');
      assert.match(help.stdout, /export delivery --petition SLUG \| --open-letter SLUG --format pdf\|csv/);
    });
  });
}
