import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { createOrganization } from '../src/orgs/service.ts';
import { letterCache, moderateSignature } from '../src/open-letters/index.ts';
import { duplicatePairs, organizationKey, parseWebsite } from '../src/open-letters/names.ts';
import { erasePerson } from '../src/people/service.ts';
import { CAPABILITIES } from '../src/app/capabilities.ts';
import { nowIso } from '../src/util/ids.ts';
import { seedDemo, DEMO_OPEN_LETTER_SLUG } from '../src/demo/seed.ts';
import { confirmationPath, imageBomb, logoPng, makeLetter, signAndConfirm, signAsOrganization } from './open-letters-support.ts';

describe('open letters: telling organizations apart', () => {
  it('gives nearly the same names one key', () => {
    const key = organizationKey('Faces Not Data');
    for (const name of ['The Faces-Not-Data, Inc.', 'faces not data', 'Facés Not Data LLC', 'FACES NOT DATA.', 'Faces  Not  Data, Ltd']) assert.equal(organizationKey(name), key, name);
    assert.notEqual(organizationKey('Faces Not Data'), organizationKey('Faces Not Maps'));
    assert.equal(organizationKey('Unión de Vecinos, A.C.'), organizationKey('union de vecinos'));
  });

  it('reads websites, and refuses what is not one', () => {
    assert.deepEqual(parseWebsite('www.Example.org/about'), { url: 'https://www.example.org/about', domain: 'example.org' });
    assert.equal(parseWebsite('https://facebook.com/facesnotdata')?.domain, 'facebook.com/facesnotdata');
    for (const bad of ['not a url', 'javascript:alert(1)', 'http://localhost', 'ftp://example.org', 'http://10.0.0.1', 'example', 'https://user:pw@example.org']) assert.equal(parseWebsite(bad), null, bad);
  });

  it('flags the same domain or nearly the same name, once a pair', () => {
    const row = (id: string, name: string, domain: string | null) => ({ id, org_key: organizationKey(name), org_domain: domain, created_at: `2026-01-0${id}` });
    const pairs = duplicatePairs([row('1', 'Faces Not Data', 'fnd.org'), row('2', 'The Faces Not Data Coalition', 'fnd.org'), row('3', 'Faces not data, Inc.', null), row('4', 'Other Group', null)]);
    assert.deepEqual(pairs.map((p) => [p.first.id, p.second.id, p.by]), [['1', '2', 'domain'], ['1', '3', 'name']]);
  });
});

for (const target of targets()) {
  describe(`open letters on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let n = 0;
    const db = () => h.ctx.database.db;
    const signatures = (letterId: string) => db().selectFrom('open_letter_signatures').selectAll().where('open_letter_id', '=', letterId).orderBy('created_at').execute();
    const logos = () => db().selectFrom('open_letter_logos').selectAll().execute();
    const letter = async (over = {}) => makeLetter(h, orgId, { title: `Letter to Lumidex ${++n}`, ...over });
    const page = (slug: string, query = '') => h.app.inject({ url: `/open_letters/${slug}${query}` });

    before(async () => {
      h = await harness(target);
      orgId = (await createOrganization(db(), { name: 'Coalition Against Face Surveillance', slug: 'cafs' })).id;
    });
    after(() => h.close());

    it('shows the letter, its addressees and counts; a missing one is a 404', async () => {
      const l = await letter({ letterText: 'Dear CEO,\n\n<script>alert(1)</script> **Stop**.' });
      const res = await page(l.slug);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Dana Reyes, CEO, Lumidex/);
      assert.match(res.body, /<strong>Stop<\/strong>/);
      assert.match(res.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.match(res.body, /Signed by 0 organizations and 0 individuals/);
      assert.match(res.body, /enctype="multipart\/form-data"/);
      assert.equal((await page('no-such-letter')).statusCode, 404);
    });

    it('takes an organization with a logo, re-encoded; confirms from the email link’s button, once', async () => {
      const l = await letter();
      const original = await sharp({ create: { width: 1200, height: 400, channels: 4, background: '#336699' } })
        .jpeg()
        .withMetadata({ exif: { IFD0: { Artist: 'Secret Uploader' } } })
        .toBuffer();
      const res = await signAsOrganization(h, l.slug, {}, { name: 'logo', filename: 'logo.jpg', type: 'image/jpeg', bytes: original });
      assert.equal(res.statusCode, 303, res.body.slice(0, 500));
      assert.equal(res.headers.location, `/open_letters/${l.slug}/thanks`);
      const thanks = await h.app.inject({ url: res.headers.location as string });
      assert.match(thanks.body, /sent you an email/);
      const [s] = await signatures(l.id);
      assert.equal(s!.status, 'unconfirmed');
      assert.equal(s!.org_name, 'Faces Not Data');
      assert.equal(s!.org_domain, 'facesnotdata.example.org');
      const [logo] = (await logos()).filter((x) => x.signature_id === s!.id);
      const meta = await sharp(logo!.bytes).metadata();
      assert.equal(meta.format, 'png');
      assert.deepEqual([meta.width, meta.height], [400, 133]);
      assert.ok(!Buffer.from(logo!.bytes).includes(Buffer.from('Secret Uploader')), 'metadata stripped');

      const path = await confirmationPath(h, 'ada@facesnotdata.example.org');
      const shown = await h.app.inject({ url: path });
      assert.match(shown.body, /Confirm my signature/);
      assert.equal((await signatures(l.id))[0]!.status, 'unconfirmed', 'opening the link confirms nothing');
      const confirmed = await h.app.inject({ method: 'POST', url: path, headers: FORM, payload: form({ lang: 'en' }) });
      assert.equal(confirmed.statusCode, 200);
      assert.match(confirmed.body, /will check “Faces Not Data”/);
      assert.equal((await signatures(l.id))[0]!.status, 'pending');
      const again = await h.app.inject({ method: 'POST', url: path, headers: FORM, payload: form({ lang: 'en' }) });
      assert.equal(again.statusCode, 200);
      assert.match(again.body, /already been used/);
      const forged = await h.app.inject({ method: 'POST', url: `${path.slice(0, -4)}AAAA`, headers: FORM, payload: form({ lang: 'es' }) });
      assert.equal(forged.statusCode, 404);
      assert.match(forged.body, /no funciona/);

      // Pending: not public, and its logo is not served.
      assert.doesNotMatch((await page(l.slug)).body, /Faces Not Data/);
      const logoUrl = `/open_letters/${l.slug}/logos/${logo!.id}.png`;
      assert.equal((await h.app.inject({ url: logoUrl })).statusCode, 404);

      await moderateSignature(db(), l, s!.id, 'approved', 'known partner', nowIso());
      letterCache(h.ctx).forget(l.slug);
      const listed = await page(l.slug);
      assert.match(listed.body, /Faces Not Data/);
      assert.match(listed.body, /Ada Signer, Director/);
      assert.match(listed.body, /Signed by 1 organization/);
      assert.doesNotMatch(listed.body, /ada@facesnotdata/);
      const served = await h.app.inject({ url: logoUrl });
      assert.equal(served.statusCode, 200);
      assert.equal(served.headers['content-type'], 'image/png');
      assert.equal(served.headers['content-security-policy'], "default-src 'none'");
      assert.equal(served.headers['x-content-type-options'], 'nosniff');
    });

    it('refuses bad logos and bad fields with a clear message, writing nothing', async () => {
      const l = await letter();
      const before = (await signatures(l.id)).length;
      const logosBefore = (await logos()).length;
      const cases: [string, Record<string, string>, Parameters<typeof signAsOrganization>[3], RegExp][] = [
        ['text as a logo', {}, { name: 'logo', filename: 'logo.png', type: 'image/png', bytes: Buffer.from('this is not an image at all') }, /must be a PNG, JPEG, GIF or WebP image/],
        ['an SVG', {}, { name: 'logo', filename: 'logo.svg', type: 'image/svg+xml', bytes: Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') }, /SVG logos are not accepted/],
        ['30 MB', {}, { name: 'logo', filename: 'big.png', type: 'image/png', bytes: Buffer.concat([await logoPng(), Buffer.alloc(30 * 1024 * 1024)]) }, /2 MB or smaller/],
        ['an image bomb', {}, { name: 'logo', filename: 'bomb.png', type: 'image/png', bytes: imageBomb() }, /too many pixels/],
        ['a website that is not a URL', { website: 'not a website' }, undefined, /as a web address, like example.org/],
        ['no name', { org_name: '  ' }, undefined, /Enter the organization’s name/],
        ['no state in the US', { region: '' }, undefined, /Enter the state/],
      ];
      for (const [what, over, file, message] of cases) {
        const res = await signAsOrganization(h, l.slug, over, file);
        assert.equal(res.statusCode, 422, what);
        assert.match(res.body, message, what);
        assert.match(res.body, /class="error-summary"/, what);
        assert.match(res.body, /value="Chicago"/, `${what}: the input is kept`);
      }
      // A body cut off in the middle of a multipart form, or one without its boundary: a 400 page, not a 500.
      const cut = await h.app.inject({ method: 'POST', url: `/open_letters/${l.slug}`, headers: { 'content-type': 'multipart/form-data; boundary=zzz' }, payload: '--zzz\r\nContent-Disposition: form-data; name="org_name"\r\n\r\nHalf' });
      assert.equal(cut.statusCode, 400);
      assert.equal((await h.app.inject({ method: 'POST', url: `/open_letters/${l.slug}`, headers: { 'content-type': 'multipart/form-data' }, payload: 'x' })).statusCode, 400);
      assert.equal((await signatures(l.id)).length, before);
      assert.equal((await logos()).length, logosBefore);
    });

    it('shows HTML typed into any field as text', async () => {
      const l = await letter();
      const res = await signAndConfirm(h, l.slug, { org_name: '<b>Bold</b> <img src=x onerror=alert(1)> Org', city: '<i>Town</i>', signer_role: '<script>x</script>', email: 'html@example.org' });
      assert.equal(res.statusCode, 200);
      const [s] = await signatures(l.id);
      assert.equal(s!.org_name, '<b>Bold</b> <img src=x onerror=alert(1)> Org');
      await moderateSignature(db(), l, s!.id, 'approved', null, nowIso());
      letterCache(h.ctx).forget(l.slug);
      const body = (await page(l.slug)).body;
      assert.match(body, /&lt;b>Bold&lt;\/b> &lt;img src=x onerror=alert\(1\)> Org/);
      assert.doesNotMatch(body, /<img src=x/);
      assert.doesNotMatch(body, /<script>x/);
    });

    it('records a repeat once, and says so when the organization is already on the list', async () => {
      const l = await letter();
      assert.equal((await signAsOrganization(h, l.slug, { email: 'rep@example.org' })).statusCode, 303);
      assert.equal((await signAsOrganization(h, l.slug, { email: 'rep@example.org' })).statusCode, 303);
      const rows = await signatures(l.id);
      assert.equal(rows.length, 1);
      await h.runJobs();
      assert.equal(h.mailer.sent.filter((m) => m.to === 'rep@example.org').length, 2, 'the confirmation is sent again');
      await h.app.inject({ method: 'POST', url: await confirmationPath(h, 'rep@example.org'), headers: FORM, payload: form({}) });
      await moderateSignature(db(), l, rows[0]!.id, 'approved', null, nowIso());
      letterCache(h.ctx).forget(l.slug);
      const twice = await signAsOrganization(h, l.slug, { org_name: 'The Faces Not Data, Inc.', website: '', email: 'someone.else@example.org' });
      assert.equal(twice.statusCode, 422);
      assert.match(twice.body, /“Faces Not Data” has already signed this letter/);
      const sameSite = await signAsOrganization(h, l.slug, { org_name: 'FND Chicago', website: 'facesnotdata.example.org/chicago', email: 'third@example.org' });
      assert.equal(sameSite.statusCode, 422);
      assert.equal((await signatures(l.id)).length, 1);
    });

    it('closes at its deadline: 409, nothing written', async () => {
      const l = await letter({ deadline: '2020-01-01' });
      const res = await signAsOrganization(h, l.slug, { email: 'late@example.org' });
      assert.equal(res.statusCode, 409);
      assert.match(res.body, /closed and no longer takes signatures/);
      const es = await signAsOrganization(h, l.slug, { email: 'late@example.org', lang: 'es' });
      assert.match(es.body, /está cerrada/);
      assert.equal((await signatures(l.id)).length, 0);
      assert.doesNotMatch((await page(l.slug)).body, /<form method="post" action="\/open_letters/);
    });

    it('holds the names until N organizations are on the list, telling each signer', async () => {
      const l = await letter({ holdUntilCount: '2' });
      const first = await page(l.slug);
      assert.match(first.body, /will be published once 2 organizations have signed/);
      const r1 = await signAndConfirm(h, l.slug, { org_name: 'Early Bird Org', website: '', email: 'early@example.org' }, { name: 'logo', filename: 'l.png', type: 'image/png', bytes: await logoPng() });
      assert.equal(r1.statusCode, 200);
      const [s1] = await signatures(l.id);
      await moderateSignature(db(), l, s1!.id, 'approved', null, nowIso());
      letterCache(h.ctx).forget(l.slug);
      const held = await page(l.slug);
      assert.match(held.body, /Signed by 1 organization/);
      assert.doesNotMatch(held.body, /Early Bird Org/);
      const [logo] = (await logos()).filter((x) => x.signature_id === s1!.id);
      assert.equal((await h.app.inject({ url: `/open_letters/${l.slug}/logos/${logo!.id}.png` })).statusCode, 404, 'no logo while held');
      // Someone trying the name learns nothing while it is held.
      assert.equal((await signAsOrganization(h, l.slug, { org_name: 'Early Bird Org', website: '', email: 'probe@example.org' })).statusCode, 303);
      await signAndConfirm(h, l.slug, { org_name: 'Second Org', website: '', email: 'second@example.org' });
      const s2 = (await signatures(l.id)).find((s) => s.org_name === 'Second Org')!;
      await moderateSignature(db(), l, s2.id, 'approved', null, nowIso());
      letterCache(h.ctx).forget(l.slug);
      const released = await page(l.slug);
      assert.match(released.body, /Early Bird Org/);
      assert.match(released.body, /Second Org/);
      assert.doesNotMatch(released.body, /will be published/);
      const es = await page(l.slug, '?lang=es');
      assert.match(es.body, /Firmada por 2 organizaciones/);
    });

    it('holds the names until a date, in Spanish too', async () => {
      const l = await letter({ holdUntilDate: '2999-01-01' });
      const es = await page(l.slug, '?lang=es');
      assert.match(es.body, /se publicarán el 1 de enero de 2999/);
    });

    it('takes individuals when allowed: counted once confirmed, never listed', async () => {
      const l = await letter();
      const form1 = await page(l.slug, '?as=individual');
      assert.match(form1.body, /name="postal_code"/);
      const res = await h.app.inject({ method: 'POST', url: `/open_letters/${l.slug}`, headers: FORM, payload: form({ kind: 'individual', given_name: 'Ivy', family_name: 'Person', email: 'ivy@example.org', postal_code: '94110', country: 'US' }) });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/open_letters/${l.slug}/thanks?as=individual`);
      const thanks = (await h.app.inject({ url: res.headers.location as string })).body;
      assert.match(thanks, /your name is not published/);
      assert.doesNotMatch(thanks, /check each organization/, 'an individual is neither reviewed nor listed');
      const gracias = (await h.app.inject({ url: `${res.headers.location as string}&lang=es` })).body;
      assert.match(gracias, /no se publican sus nombres/);
      assert.doesNotMatch(gracias, /revisan cada organización/);
      const done = await h.app.inject({ method: 'POST', url: await confirmationPath(h, 'ivy@example.org'), headers: FORM, payload: form({}) });
      assert.match(done.body, /now counts/);
      letterCache(h.ctx).forget(l.slug);
      const body = (await page(l.slug)).body;
      assert.match(body, /and 1 individual\./);
      assert.doesNotMatch(body, /Ivy/);
      const orgsOnly = await letter({ allowIndividuals: false });
      const refused = await h.app.inject({ method: 'POST', url: `/open_letters/${orgsOnly.slug}`, headers: FORM, payload: form({ kind: 'individual', given_name: 'Ivy', family_name: 'Person', email: 'ivy2@example.org', postal_code: '94110' }) });
      assert.equal(refused.statusCode, 422, 'an organizations-only letter treats the post as the organization form');
      assert.equal((await signatures(orgsOnly.id)).length, 0);
    });

    it('speaks Spanish on the form and its errors', async () => {
      const l = await letter();
      const spanish = (await page(l.slug, '?lang=es')).body;
      assert.match(spanish, /Firma en nombre de tu organización/);
      assert.match(spanish, /Tu organización/);
      assert.doesNotMatch(spanish, /Firme |Su organización|Usted/, 'the open letter speaks to the reader with “tú”, as the rest of the site');
      const res = await signAsOrganization(h, l.slug, { lang: 'es', website: 'no es una web', org_name: '' });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /Escribe el sitio web de la organización/);
      assert.match(res.body, /Escribe el nombre de la organización/);
      assert.doesNotMatch(res.body, /tu nombre de la organización/);
      const thanks = await h.app.inject({ url: `/open_letters/${l.slug}/thanks?lang=es` });
      assert.match(thanks.body, /Comparte la carta/);
    });

    it('erases the signer and keeps the organization on the list', async () => {
      const l = await letter();
      await signAndConfirm(h, l.slug, { org_name: 'Erasable Org', website: '', email: 'erase.me@example.org', signer_role: 'Secret Role Title' });
      const [s] = await signatures(l.id);
      await moderateSignature(db(), l, s!.id, 'approved', null, nowIso());
      const result = await erasePerson(db(), orgId, s!.person_id, CAPABILITIES);
      assert.ok(result);
      const [after] = await signatures(l.id);
      assert.equal(after!.signer_role, null);
      assert.equal(after!.org_name, 'Erasable Org');
      letterCache(h.ctx).forget(l.slug);
      const body = (await page(l.slug)).body;
      assert.match(body, /Erasable Org/);
      assert.doesNotMatch(body, /Secret Role Title|Ada Signer/);
    });

    it('is in the demo, once however often the demo is seeded', async () => {
      await seedDemo(db());
      await seedDemo(db());
      const letters = await db().selectFrom('open_letters').select(['id', 'organization_count']).where('slug', '=', DEMO_OPEN_LETTER_SLUG).execute();
      assert.equal(letters.length, 1);
      assert.equal(letters[0]!.organization_count, 5);
      const body = (await page(DEMO_OPEN_LETTER_SLUG)).body;
      for (const s of ['National', 'Digital Rights Alliance', 'Local', 'Oakland Neighbors for Privacy', 'Maya Lindqvist, Executive Director']) assert.ok(body.includes(s), s);
    });
  });
}
