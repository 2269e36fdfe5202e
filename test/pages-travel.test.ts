import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organizerIn, type SignedIn } from './admin-helpers.ts';
import { createOrganization } from '../src/orgs/service.ts';
import { createPetition, petitionCache } from '../src/petitions/index.ts';
import { parseClosesAt } from '../src/petitions/fields.ts';
import { createPage } from '../src/donations/index.ts';
import { createForm } from '../src/forms/index.ts';
import { makeEvent } from './events-support.ts';
import { campaign, confirmedEvent } from './event-campaigns-support.ts';
import { makeLetter, multipart } from './open-letters-support.ts';
import { makeCampaign } from './letters-support.ts';
import { contrastRatio } from '../src/orgs/accent.ts';
import { shareSourceName } from '../src/kits/pages/share-links.tsx';
import { summaryOf } from '../src/kits/pages/share-meta.ts';
import { visibleCount, wrapWords, xmlText } from '../src/kits/pages/share-image.ts';
import { newId, nowIso } from '../src/util/ids.ts';

// What a supporter's link carries into WhatsApp, Facebook or X (preview tags and a share
// picture), who the page says is behind it, and whether its progress and its end are readable.

const BASE = 'http://turnout.test';

/** The page's `<meta>` tags, by property or name. */
function metaTags(html: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const m of html.matchAll(/<meta (?:property|name)="([^"]+)" content="([^"]*)"\/>/g)) if (!tags.has(m[1]!)) tags.set(m[1]!, m[2]!);
  return tags;
}

const unescape = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

for (const target of targets()) {
  describe(`pages that travel on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let owner: SignedIn;
    const paths = {} as Record<'petition' | 'event' | 'campaign' | 'hosted' | 'fundraising' | 'openLetter' | 'letter' | 'form', string>;
    let petitionSlug: string;
    let petitionId: string;

    const petitionRow = (values: Record<string, unknown>) =>
      h.ctx.database.db.updateTable('petitions').set(values).where('id', '=', petitionId).execute().then(() => petitionCache(h.ctx).forget(petitionSlug));
    const get = (url: string, headers: Record<string, string> = {}) => h.app.inject({ url, headers });

    before(async () => {
      h = await harness(target);
      const db = h.ctx.database.db;
      const org = await createOrganization(db, { name: 'Faces Not Data', slug: 'fnd' });
      orgId = org.id;
      owner = await organizerIn(h, orgId, 'owner', 'owner@fnd.example');
      const petition = await createPetition(
        db,
        orgId,
        { title: 'Stop face surveillance in our schools', description: '', petition_text: 'We ask the **school board** to end [face scanning](https://example.org) now.', targets: [{ name: 'School board' }], goal: 500, confirmation_required: false, status: 'open' },
        nowIso(),
      );
      petitionSlug = petition.slug;
      petitionId = petition.id;
      paths.petition = `/petitions/${petition.slug}`;
      paths.event = `/events/${(await makeEvent(h, orgId, { title: 'Town hall on surveillance', description: 'Come and *speak*.' })).slug}`;
      const week = await campaign(h, orgId);
      paths.campaign = `/event_campaigns/${week.slug}`;
      const hosted = await confirmedEvent(h, orgId, week.id, 'Teach-in at the library', '60614');
      await db.updateTable('events').set({ host_name: 'Rosa Parks' }).where('id', '=', hosted.id).execute();
      paths.hosted = `/events/${hosted.slug}`;
      const fund = await createPage(
        db,
        orgId,
        { title: 'Fund the legal fight', description: 'We are suing to stop **face surveillance**.', currency: 'USD', goal_minor: 1_000_000, amounts: [1000], min_minor: 500, max_minor: 10_000_00, allow_monthly: false, offer_fee_cover: false, processor: 'pledge', actblue_form: null, actblue_refcode: null, status: 'open' },
        nowIso(),
      );
      paths.fundraising = `/fundraising/${fund.slug}`;
      paths.openLetter = `/open_letters/${(await makeLetter(h, orgId)).slug}`;
      paths.letter = `/letters/${(await makeCampaign(h, orgId)).slug}`;
      paths.form = `/forms/${(await createForm(db, orgId, { title: 'Volunteer with us', description: 'Join the **ride**.', questions: [], status: 'open' }, nowIso())).slug}`;
    });
    after(() => h.close());

    it('gives every action page absolute Open Graph and X card tags, and a 1200×630 PNG share picture', async () => {
      for (const [kind, path] of Object.entries(paths)) {
        const res = await get(path);
        assert.equal(res.statusCode, 200, `${kind} ${path}`);
        const tags = metaTags(res.body);
        for (const name of ['description', 'og:title', 'og:description', 'og:url', 'og:image', 'og:type', 'og:locale', 'twitter:card', 'twitter:image']) {
          assert.ok(tags.get(name), `${kind}: ${name} is missing`);
        }
        assert.equal(tags.get('og:url'), `${BASE}${path}`, kind);
        assert.equal(tags.get('og:type'), 'website');
        assert.equal(tags.get('og:locale'), 'en_US');
        assert.equal(tags.get('twitter:card'), 'summary_large_image');
        assert.doesNotMatch(tags.get('og:description')!, /[*<>[\]]/, `${kind}: the description is plain text`);
        const image = unescape(tags.get('og:image')!);
        assert.ok(image.startsWith(`${BASE}${path}/share.png?`), `${kind}: ${image}`);
        const png = await get(image.slice(BASE.length));
        assert.equal(png.statusCode, 200, `${kind}: ${image}`);
        assert.equal(png.headers['content-type'], 'image/png');
        assert.match(String(png.headers['cache-control']), /max-age=31536000, immutable/);
        const meta = await sharp(png.rawPayload).metadata();
        assert.deepEqual([meta.format, meta.width, meta.height], ['png', 1200, 630], kind);
        const again = await get(image.slice(BASE.length), { 'if-none-match': String(png.headers.etag) });
        assert.equal(again.statusCode, 304);
      }
      const es = metaTags((await get(`${paths.petition}?lang=es`)).body);
      assert.equal(es.get('og:locale'), 'es_US');
      assert.match(es.get('og:image')!, /share\.png\?lang=es&(?:amp;)?v=/);
      assert.equal(es.get('og:description'), 'We ask the school board to end face scanning now.');
      assert.equal((await get('/petitions/no-such-petition/share.png')).statusCode, 404);
    });

    it('moves the share picture’s address when the count moves a visible step, not at every signature', async () => {
      const imageOf = async () => metaTags((await get(paths.petition)).body).get('og:image')!;
      await petitionRow({ signature_count: 0 });
      const none = await imageOf();
      await petitionRow({ signature_count: 5 });
      const five = await imageOf();
      assert.notEqual(none, five);
      await petitionRow({ signature_count: 1210 });
      const surge = await imageOf();
      await petitionRow({ signature_count: 1290 });
      assert.equal(await imageOf(), surge, 'a few dozen more signatures re-render nothing');
      await petitionRow({ signature_count: 1300 });
      assert.notEqual(await imageOf(), surge);
      assert.deepEqual([5, 99, 123, 1234, 56_789].map(visibleCount), [5, 99, 120, 1200, 56_000]);
      await petitionRow({ signature_count: 0 });
    });

    it('draws the picture from escaped text, wrapped to the card', () => {
      assert.equal(xmlText('Tom & "Jerry" <script>\u0001'), 'Tom &amp; &quot;Jerry&quot; &lt;script&gt;');
      const lines = wrapWords('Stop face surveillance in every public school of the state before the next term begins', 20, 3);
      assert.equal(lines.length, 3);
      assert.ok(lines.every((l) => [...l].length <= 20));
      assert.ok(lines[2]!.endsWith('…'));
      assert.equal(summaryOf('# Title\n\nSome **bold** text and a [link](https://x.example).'), 'Title Some bold text and a link.');
      assert.equal([...summaryOf('word '.repeat(100), 50)].length <= 50, true);
    });

    it('gives each share link its own source code, and keeps it with the signature it brings', async () => {
      const signed = await h.app.inject({ method: 'POST', url: paths.petition, headers: FORM, payload: form({ given_name: 'Ana', family_name: 'Ruiz', email: 'ana@example.org', postal_code: '94110', country: 'US' }) });
      assert.equal(signed.statusCode, 303);
      const thanks = await get(`${paths.petition}/thanks`);
      for (const network of ['email', 'whatsapp', 'facebook', 'bluesky', 'x']) {
        assert.match(thanks.body, new RegExp(`source%3Dshare-${network}"`), network);
      }
      assert.match(thanks.body, /readonly value="http:\/\/turnout\.test\/petitions\/[a-z0-9-]+\?source=share-copy"/);
      const viaShare = await h.app.inject({ method: 'POST', url: `${paths.petition}?source=share-whatsapp`, headers: FORM, payload: form({ given_name: 'Ben', family_name: 'Ortiz', email: 'ben@example.org', postal_code: '94110', country: 'US' }) });
      assert.equal(viaShare.statusCode, 303);
      const row = await h.ctx.database.db.selectFrom('signatures').innerJoin('people', 'people.id', 'signatures.person_id').select('signatures.source').where('people.email', '=', 'ben@example.org').executeTakeFirstOrThrow();
      assert.equal(row.source, 'share-whatsapp');
      const console = await get(`/admin/petitions/${petitionId}`, { cookie: owner.cookie });
      assert.match(console.body, /<span>Shared on WhatsApp<\/span> <code>share-whatsapp<\/code><\/td><td class="num">1<\/td>/);
      assert.equal(shareSourceName('share-whatsapp'), 'Shared on WhatsApp');
      assert.equal(shareSourceName('share-email.rosa-7'), 'Shared by email (sharer rosa-7)');
      assert.equal(shareSourceName('newsletter'), null);
      await petitionRow({ signature_count: 0 });
    });

    it('names the sponsor in the header with its logo and accent colour, set on one settings page', async () => {
      const headers = { ...FORM, cookie: owner.cookie };
      const page = await get('/admin/settings', { cookie: owner.cookie });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /href="\/admin\/mailings\/settings"/);
      assert.match(page.body, /href="\/admin\/fundraising\/settings"/);
      const saved = await h.app.inject({ method: 'POST', url: '/admin/settings', headers, payload: form({ _csrf: owner.csrf, name: 'Faces Not Data Coalition', accent_color: '#1D70B8' }) });
      assert.equal(saved.statusCode, 200, saved.body);
      const logo = await sharp({ create: { width: 1200, height: 300, channels: 4, background: '#225588' } }).png().toBuffer();
      const upload = multipart({ _csrf: owner.csrf }, { name: 'logo', filename: 'logo.png', type: 'image/png', bytes: logo });
      const uploaded = await h.app.inject({ method: 'POST', url: '/admin/settings/logo', headers: { ...upload.headers, cookie: owner.cookie }, payload: upload.payload });
      assert.equal(uploaded.statusCode, 200, uploaded.body);
      petitionCache(h.ctx).forget(petitionSlug);
      const html = (await get(paths.petition)).body;
      const header = /<header class="site">(.*?)<\/header>/s.exec(html)![1]!;
      assert.match(header, /<span>Faces Not Data Coalition<\/span>/);
      assert.doesNotMatch(header, />turnout</);
      const logoPath = /<img src="([^"]+)"/.exec(header)![1]!.replace(/&amp;/g, '&');
      assert.match(logoPath, /^\/organizations\/fnd\/logo\.png\?v=/);
      const served = await get(logoPath);
      assert.equal(served.headers['content-type'], 'image/png');
      const kept = await sharp(served.rawPayload).metadata();
      assert.ok(kept.width! <= 600 && kept.height! <= 200, `${kept.width}×${kept.height}`);
      const css = /<link rel="stylesheet" href="(\/organizations\/fnd\/brand\.css\?v=1d70b8)"\/>/.exec(html);
      assert.ok(css, 'the accent colour’s stylesheet');
      assert.match((await get(css[1]!)).body, /background:#1d70b8/);
      assert.match(metaTags(html).get('og:image:alt')!, /Faces Not Data Coalition/);
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
      const refused = multipart({ _csrf: owner.csrf }, { name: 'logo', filename: 'logo.png', type: 'image/png', bytes: svg });
      const bad = await h.app.inject({ method: 'POST', url: '/admin/settings/logo', headers: { ...refused.headers, cookie: owner.cookie }, payload: refused.payload });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /SVG logos are not accepted/);
    });

    it('refuses an accent colour that reads below 4.5:1 on white, saying why', async () => {
      const headers = { ...FORM, cookie: owner.cookie };
      const before = await h.ctx.database.db.selectFrom('organizations').select('accent_color').where('id', '=', orgId).executeTakeFirstOrThrow();
      const pale = await h.app.inject({ method: 'POST', url: '/admin/settings', headers, payload: form({ _csrf: owner.csrf, name: 'Faces Not Data Coalition', accent_color: '#ffcc00' }) });
      assert.equal(pale.statusCode, 422);
      assert.match(pale.body, /#ffcc00 against white reads at 1\.\d\d:1; buttons and links need at least 4\.5:1/);
      const garbled = await h.app.inject({ method: 'POST', url: '/admin/settings', headers, payload: form({ _csrf: owner.csrf, name: 'Faces Not Data Coalition', accent_color: 'blue' }) });
      assert.equal(garbled.statusCode, 422);
      assert.match(garbled.body, /six hexadecimal digits/);
      const nameless = await h.app.inject({ method: 'POST', url: '/admin/settings', headers, payload: form({ _csrf: owner.csrf, name: ' ', accent_color: '' }) });
      assert.equal(nameless.statusCode, 422);
      const after = await h.ctx.database.db.selectFrom('organizations').select(['accent_color', 'name']).where('id', '=', orgId).executeTakeFirstOrThrow();
      assert.equal(after.accent_color, before.accent_color);
      assert.equal(after.name, 'Faces Not Data Coalition');
      assert.equal(Math.round(contrastRatio('#000000', '#ffffff')), 21);
      assert.ok(contrastRatio('#767676', '#ffffff') >= 4.5, 'the lightest grey that passes');
      assert.ok(contrastRatio('#777777', '#ffffff') < 4.5);
    });

    it('reads "5 of 500 signatures" with a bar that shows it has begun', async () => {
      await petitionRow({ signature_count: 5 });
      const html = (await get(paths.petition)).body;
      assert.match(html, /<p class="count" id="count-text">5 of 500 signatures<\/p>/);
      assert.match(html, /role="progressbar" aria-labelledby="count-text" aria-valuemin="0" aria-valuemax="500" aria-valuenow="5"/);
      assert.match(html, /<rect class="meter-fill" width="20"/, 'at least 2 % of the bar');
      assert.doesNotMatch(html, /Help us reach/);
      assert.match((await get(`${paths.petition}?lang=es`)).body, /5 de 500 firmas/);
      await petitionRow({ signature_count: 0 });
    });

    it('closes a petition by itself at its deadline, and says it is closed in English and Spanish', async () => {
      const soon = new Date(Date.now() + 86_400_000).toISOString();
      await petitionRow({ closes_at: soon });
      const open = (await get(paths.petition)).body;
      assert.match(open, /Open until .+ \(UTC\)/);
      assert.match(open, /<form method="post"/);
      await petitionRow({ closes_at: new Date(Date.now() - 1000).toISOString() });
      for (const [lang, text] of [['en', 'This petition is closed and no longer takes signatures.'], ['es', 'Esta petición está cerrada y ya no recibe firmas.']] as const) {
        const html = (await get(`${paths.petition}?lang=${lang}`)).body;
        assert.ok(html.includes(`<p class="closed" role="status">${text}</p>`), lang);
        assert.doesNotMatch(html, /<form method="post"|Help us reach|Ayúdanos|role="progressbar"/);
      }
      const late = await h.app.inject({ method: 'POST', url: paths.petition, headers: FORM, payload: form({ given_name: 'Cam', family_name: 'Lee', email: 'cam@example.org', postal_code: '94110', country: 'US' }) });
      assert.equal(late.statusCode, 409);
      assert.equal((await get(`${paths.petition}.json`)).json().status, 'closed');
      await petitionRow({ closes_at: null, status: 'closed' });
      const closed = (await get(paths.petition)).body;
      assert.match(closed, /This petition is closed/);
      assert.doesNotMatch(closed, /<form method="post"|Help us reach/);
      await petitionRow({ status: 'open' });
      assert.equal(parseClosesAt('2026-06-30'), '2026-06-30T23:59:59.000Z');
      assert.equal(parseClosesAt('2026-06-30T17:00'), '2026-06-30T17:00:00.000Z');
      assert.equal(parseClosesAt('2026-06-30T17:00-05:00'), '2026-06-30T22:00:00.000Z');
      assert.equal(parseClosesAt('2026-02-30'), null);
      assert.equal(parseClosesAt('next friday'), null);
    });

    it('lets the organizer set the deadline in the console, and refuses one it cannot read', async () => {
      const headers = { ...FORM, cookie: owner.cookie };
      const edit = await get(`/admin/petitions/${petitionId}/edit`, { cookie: owner.cookie });
      assert.equal(edit.statusCode, 200);
      assert.match(edit.body, /name="closes_at"/);
      const fields = { _csrf: owner.csrf, intent: 'save', title: 'Stop face surveillance in our schools', slug: petitionSlug, description: '', petition_text: 'We ask.', targets: 'School board', goal: '500', status: 'open' };
      const wrong = await h.app.inject({ method: 'POST', url: `/admin/petitions/${petitionId}/edit`, headers, payload: form({ ...fields, closes_at: 'soon' }) });
      assert.equal(wrong.statusCode, 422);
      assert.match(wrong.body, /Enter the closing time as a day/);
      const ok = await h.app.inject({ method: 'POST', url: `/admin/petitions/${petitionId}/edit`, headers, payload: form({ ...fields, closes_at: '2099-06-30' }) });
      assert.ok(ok.statusCode === 303 || ok.statusCode === 200, String(ok.statusCode));
      const row = await h.ctx.database.db.selectFrom('petitions').select('closes_at').where('id', '=', petitionId).executeTakeFirstOrThrow();
      assert.equal(row.closes_at, '2099-06-30T23:59:59.000Z');
      await petitionRow({ closes_at: null });
    });

    it('names coalition partners on the page, and a volunteer host by their first name', async () => {
      const db = h.ctx.database.db;
      const partner = await createOrganization(db, { name: 'Library Workers United', slug: 'lwu' });
      await db
        .insertInto('action_partners')
        .values({ id: newId(), action_type: 'petition', action_id: petitionId, sponsor_organization_id: orgId, partner_organization_id: partner.id, status: 'accepted', source_code: 'lwu', invited_by: null, created_at: nowIso(), responded_at: nowIso() })
        .execute();
      petitionCache(h.ctx).forget(petitionSlug);
      assert.match((await get(paths.petition)).body, /<p class="partners">With Library Workers United<\/p>/);
      assert.match((await get(`${paths.petition}?lang=es`)).body, /<p class="partners">Con Library Workers United<\/p>/);
      const hosted = (await get(paths.hosted)).body;
      assert.match(hosted, /Hosted by Rosa, with Faces Not Data/);
      assert.doesNotMatch(hosted, /Parks/);
      assert.match((await get(paths.event)).body, /<p class="targets">Hosted by Faces Not Data/);
    });
  });
}
