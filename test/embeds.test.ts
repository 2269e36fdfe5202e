// Embeds (src/embeds/): the allowed origins in the console, the script's CORS endpoints (only for
// listed origins, Origin required, preflight, field errors in the supporter's language, the
// count), the iframe pages (frame-ancestors only there) and the script itself, on every database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, targets, form, FORM, type Harness } from './helpers.ts';
import { organization, organizerIn, type SignedIn } from './admin-helpers.ts';
import { makeEvent } from './events-support.ts';
import { createPetition, petitionCache } from '../src/petitions/index.ts';
import { checkQuestions, createForm } from '../src/forms/index.ts';
import { createPage } from '../src/donations/index.ts';
import { parseOrigin, OriginError } from '../src/embeds/origins.ts';
import { addBlockedSender, blockListCache } from '../src/actions/block-list.ts';
import { newId, nowIso } from '../src/util/ids.ts';

const SITE = 'https://campaign.example';
const DEV = 'http://127.0.0.1:8099';
const JSON_HEADERS = { 'content-type': 'application/json' };
const signer = (email: string, over: Record<string, unknown> = {}) => ({ lang: 'en', given_name: 'Ana', family_name: 'Ruiz', email, postal_code: '60605', country: 'US', opt_in: 'yes', share: [], ...over });

test('origins are parsed as browsers send them: https, no path, http only for localhost in development', () => {
  assert.equal(parseOrigin(' https://WWW.Example.org/ ', false), 'https://www.example.org');
  assert.equal(parseOrigin('https://example.org:443', false), 'https://example.org');
  assert.equal(parseOrigin('https://example.org:8443', false), 'https://example.org:8443');
  assert.equal(parseOrigin('https://bücher.example', false), 'https://xn--bcher-kva.example');
  assert.equal(parseOrigin('http://localhost:5173', true), 'http://localhost:5173');
  assert.equal(parseOrigin('http://127.0.0.1:8080', true), 'http://127.0.0.1:8080');
  for (const bad of ['', 'example.org', 'https://example.org/page', 'https://example.org/?q=1', 'https://example.org/#x', 'https://u:p@example.org', 'ftp://example.org', 'javascript:alert(1)', 'http://example.org', 'https://'])
    assert.throws(() => parseOrigin(bad, true), OriginError, bad);
  assert.throws(() => parseOrigin('http://localhost:5173', false), /development/);
});

for (const target of targets()) {
  describe(`embeds on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let otherOrgId: string;
    let owner: SignedIn;
    let slug: string;
    let closedSlug: string;
    let eventSlug: string;
    const db = () => h.ctx.database.db;
    const petition = async (title: string, status: 'open' | 'closed' = 'open', org = orgId) =>
      (await createPetition(db(), org, { title, description: 'Why', petition_text: 'Stop it.', targets: [{ name: 'The council' }], goal: null, confirmation_required: false, status }, nowIso())).slug;
    const signatures = async (email: string) =>
      db().selectFrom('signatures').innerJoin('people', 'people.id', 'signatures.person_id').select(['signatures.referrer', 'signatures.language']).where('people.email', '=', email).execute();
    const people = async (email: string) => (await db().selectFrom('people').select('id').where('email', '=', email).execute()).length;
    const console = (url: string, body: Record<string, string>) =>
      h.app.inject({ method: 'POST', url, headers: { ...FORM, cookie: owner.cookie }, payload: form({ _csrf: owner.csrf, ...body }) });

    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Surveillance Watch')).id;
      otherOrgId = (await organization(h, 'Other Group')).id;
      owner = await organizerIn(h, orgId, 'owner', 'owner@watch.example');
      slug = await petition('Ban face recognition');
      closedSlug = await petition('An old petition', 'closed');
      eventSlug = (await makeEvent(h, orgId, { title: 'Teach-in', capacity: 1 })).slug;
      assert.equal((await console('/admin/embeds/origins', { origin: SITE, note: 'Our site' })).statusCode, 303);
      assert.equal((await console('/admin/embeds/origins', { origin: `${DEV}/`, note: '' })).statusCode, 303);
    });
    after(() => h.close());

    test('the console lists origins, refuses what is not an origin, and shows every snippet', async () => {
      const page = await h.app.inject({ url: '/admin/embeds', headers: { cookie: owner.cookie } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /https:\/\/campaign\.example/);
      assert.match(page.body, /http:\/\/127\.0\.0\.1:8099/);
      const bad = await console('/admin/embeds/origins', { origin: 'https://campaign.example/donate', note: '' });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /without a path: https:\/\/campaign\.example/);
      assert.equal((await console('/admin/embeds/origins', { origin: 'http://campaign.example', note: '' })).statusCode, 422);
      assert.equal((await console('/admin/embeds/origins', { origin: SITE, note: '' })).headers.location, '/admin/embeds?notice=exists');
      const rows = await db().selectFrom('embed_origins').select('origin').where('organization_id', '=', orgId).orderBy('origin').execute();
      assert.deepEqual(rows.map((r) => r.origin), [DEV, SITE]);
      const snippets = await h.app.inject({ url: `/admin/embeds/petitions/${slug}`, headers: { cookie: owner.cookie } });
      assert.equal(snippets.statusCode, 200);
      assert.match(snippets.body, new RegExp(`data-turnout-petition=&#34;${slug}&#34;`));
      assert.match(snippets.body, /http:\/\/turnout\.test\/embed\.js/);
      assert.match(snippets.body, new RegExp(`/embed/petitions/${slug}/count`));
      assert.match(snippets.body, new RegExp(`&lt;a href=&#34;http://turnout.test/petitions/${slug}&#34;>`));
      assert.equal((await h.app.inject({ url: '/admin/embeds/petitions/no-such', headers: { cookie: owner.cookie } })).statusCode, 404);
      // A fundraising page is embedded as a link only: the donor pays on its own page.
      const fund = await createPage(db(), orgId, { title: 'Spring drive', description: '', currency: 'USD', goal_minor: null, amounts: [1000, 2500], min_minor: 100, max_minor: 1_000_000, allow_monthly: false, offer_fee_cover: false, processor: 'pledge', actblue_form: null, actblue_refcode: null, status: 'open' }, nowIso());
      const link = await h.app.inject({ url: `/admin/embeds/fundraising/${fund.slug}`, headers: { cookie: owner.cookie } });
      assert.equal(link.statusCode, 200);
      assert.match(link.body, new RegExp(`&lt;a href=&#34;http://turnout.test/fundraising/${fund.slug}&#34;>Donate: Spring drive&lt;/a>`));
      assert.doesNotMatch(link.body, /iframe|embed\.js/);
      // Another organization's action has no snippets here.
      const theirs = await petition('Not ours', 'open', otherOrgId);
      assert.equal((await h.app.inject({ url: `/admin/embeds/petitions/${theirs}`, headers: { cookie: owner.cookie } })).statusCode, 404);
      assert.equal((await console('/admin/embeds/origins/00000000-0000-4000-8000-000000000000/remove', {})).statusCode, 404);
      // A removed origin is refused at once.
      await console('/admin/embeds/origins', { origin: 'https://temp.example', note: '' });
      assert.equal((await h.app.inject({ url: `/embed/v1/petitions/${slug}`, headers: { origin: 'https://temp.example' } })).statusCode, 200);
      const temp = await db().selectFrom('embed_origins').select('id').where('origin', '=', 'https://temp.example').executeTakeFirstOrThrow();
      const removed = await console(`/admin/embeds/origins/${temp.id}/remove`, {});
      assert.equal(removed.headers.location, '/admin/embeds?notice=removed');
      assert.equal((await h.app.inject({ url: `/embed/v1/petitions/${slug}`, headers: { origin: 'https://temp.example' } })).statusCode, 403);
      const audited = await db().selectFrom('audit_events').select('action').where('action', 'like', 'embed_origin.%').execute();
      assert.deepEqual(audited.map((a) => a.action).sort(), ['embed_origin.added', 'embed_origin.added', 'embed_origin.added', 'embed_origin.removed']);
    });

    test('the form definition answers a listed origin only, with CORS for that origin and Vary: Origin', async () => {
      const res = await h.app.inject({ url: `/embed/v1/petitions/${slug}?lang=es`, headers: { origin: SITE } });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['access-control-allow-origin'], SITE);
      assert.match(String(res.headers.vary), /Origin/);
      assert.equal(res.headers['access-control-allow-credentials'], undefined);
      const def = res.json();
      assert.equal(def.title, 'Ban face recognition');
      assert.equal(def.lang, 'es');
      assert.equal(def.open, true);
      assert.equal(def.fields.find((f: { name: string }) => f.name === 'given_name').label, 'Nombre');
      assert.equal(def.post, `http://turnout.test/embed/v1/petitions/${slug}?lang=es`);

      const unlisted = await h.app.inject({ url: `/embed/v1/petitions/${slug}`, headers: { origin: 'https://evil.example' } });
      assert.equal(unlisted.statusCode, 403);
      assert.equal(unlisted.headers['access-control-allow-origin'], undefined);
      const missing = await h.app.inject({ url: `/embed/v1/petitions/${slug}` });
      assert.equal(missing.statusCode, 403);
      assert.equal(missing.headers['access-control-allow-origin'], undefined);
      assert.equal((await h.app.inject({ url: '/embed/v1/petitions/no-such-petition', headers: { origin: SITE } })).statusCode, 404);
    });

    test('another organization’s listed origin is not this organization’s', async () => {
      await h.ctx.database.db.insertInto('embed_origins').values({ id: newId(), organization_id: otherOrgId, origin: 'https://other.example', note: '', created_by: null, created_at: nowIso() }).execute();
      const res = await h.app.inject({ method: 'POST', url: `/embed/v1/petitions/${slug}`, headers: { ...JSON_HEADERS, origin: 'https://other.example' }, payload: signer('cross@example.org') });
      assert.equal(res.statusCode, 403);
      assert.equal(await people('cross@example.org'), 0);
    });

    test('preflight: the methods and header for a listed origin, nothing for another', async () => {
      const ok = await h.app.inject({ method: 'OPTIONS', url: `/embed/v1/petitions/${slug}`, headers: { origin: SITE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      assert.equal(ok.statusCode, 204);
      assert.equal(ok.headers['access-control-allow-origin'], SITE);
      assert.match(String(ok.headers['access-control-allow-methods']), /POST/);
      assert.match(String(ok.headers['access-control-allow-headers']), /content-type/);
      const no = await h.app.inject({ method: 'OPTIONS', url: `/embed/v1/petitions/${slug}`, headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      assert.equal(no.statusCode, 403);
      assert.equal(no.headers['access-control-allow-origin'], undefined);
    });

    test('a signature from a listed origin goes through signPetition, with the origin as referrer, and moves the count', async () => {
      const res = await h.app.inject({ method: 'POST', url: `/embed/v1/petitions/${slug}`, headers: { ...JSON_HEADERS, origin: SITE }, payload: signer('ana@example.org', { source: 'newsletter' }) });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['access-control-allow-origin'], SITE);
      assert.equal(res.json().status, 'done');
      assert.equal(res.json().title, 'Thank you for signing');
      const rows = await signatures('ana@example.org');
      assert.deepEqual(rows, [{ referrer: SITE, language: 'en' }]);
      petitionCache(h.ctx).forget(slug);
      const count = await h.app.inject({ url: `/embed/v1/petitions/${slug}/count?lang=es`, headers: { origin: SITE } });
      assert.equal(count.statusCode, 200);
      assert.equal(count.headers['access-control-allow-origin'], SITE);
      assert.deepEqual(count.json(), { count: 1, text: '1 firma' });
      // A repeat signer gets the same answer and is counted once.
      const again = await h.app.inject({ method: 'POST', url: `/embed/v1/petitions/${slug}`, headers: { ...JSON_HEADERS, origin: SITE }, payload: signer('ana@example.org') });
      assert.equal(again.statusCode, 200);
      assert.equal((await signatures('ana@example.org')).length, 1);
    });

    test('an unlisted or missing Origin is a 403 and writes nothing', async () => {
      for (const headers of [{ origin: 'https://evil.example' }, {}, { origin: 'null' }, { origin: `${SITE}.evil.example` }]) {
        const res = await h.app.inject({ method: 'POST', url: `/embed/v1/petitions/${slug}`, headers: { ...JSON_HEADERS, ...headers }, payload: signer('mallory@example.org') });
        assert.equal(res.statusCode, 403, JSON.stringify(headers));
        assert.equal(res.headers['access-control-allow-origin'], undefined);
        assert.equal(res.json().status, 'refused');
      }
      // A plain form posted from anywhere (no CORS, the classic CSRF) is refused the same way.
      const posted = await h.app.inject({ method: 'POST', url: `/embed/v1/petitions/${slug}`, headers: { ...FORM, origin: 'https://evil.example' }, payload: form({ given_name: 'M', family_name: 'M', email: 'mallory@example.org', postal_code: '60605' }) });
      assert.equal(posted.statusCode, 403);
      assert.equal(await people('mallory@example.org'), 0);
    });

    test('field errors come back per field in the supporter’s language, and nothing is written', async () => {
      const res = await h.app.inject({ method: 'POST', url: `/embed/v1/petitions/${slug}`, headers: { ...JSON_HEADERS, origin: SITE }, payload: signer('not-an-email', { lang: 'es', given_name: '' }) });
      assert.equal(res.statusCode, 422);
      assert.equal(res.headers['access-control-allow-origin'], SITE);
      const body = res.json();
      assert.equal(body.status, 'invalid');
      assert.equal(body.summary, 'Hay un problema');
      assert.equal(body.errors.given_name, 'Escribe tu nombre');
      assert.match(body.errors.email, /correo/);
      assert.equal(await people('not-an-email'), 0);
    });

    test('bad bodies are clear 4xx answers with CORS, never a 500', async () => {
      const broken = await h.app.inject({ method: 'POST', url: `/embed/v1/petitions/${slug}`, headers: { ...JSON_HEADERS, origin: SITE }, payload: '{"given_name":' });
      assert.equal(broken.statusCode, 400);
      assert.equal(broken.headers['access-control-allow-origin'], SITE);
      assert.equal(broken.json().status, 'error');
      const control = await h.app.inject({ method: 'POST', url: `/embed/v1/petitions/${slug}`, headers: { ...JSON_HEADERS, origin: SITE }, payload: signer('nul@example.org', { given_name: 'A\u0000' }) });
      assert.equal(control.statusCode, 400);
      assert.equal(await people('nul@example.org'), 0);
      const array = await h.app.inject({ method: 'POST', url: `/embed/v1/petitions/${slug}`, headers: { ...JSON_HEADERS, origin: SITE }, payload: '[1,2]' });
      assert.equal(array.statusCode, 422);
      const closed = await h.app.inject({ method: 'POST', url: `/embed/v1/petitions/${closedSlug}`, headers: { ...JSON_HEADERS, origin: SITE }, payload: signer('late@example.org') });
      assert.equal(closed.statusCode, 409);
      assert.equal(closed.json().status, 'closed');
      assert.equal(await people('late@example.org'), 0);
    });

    test('a blocked sender is refused through the same guard, with nothing written', async () => {
      await addBlockedSender(db(), { id: newId(), organization_id: orgId, kind: 'email_domain', value: 'spam.example', note: '', refusals: 0, created_by: null, created_at: nowIso(), expires_at: null });
      blockListCache(h.ctx).forget(orgId);
      const res = await h.app.inject({ method: 'POST', url: `/embed/v1/petitions/${slug}`, headers: { ...JSON_HEADERS, origin: SITE }, payload: signer('bot@spam.example') });
      assert.equal(res.statusCode, 403);
      assert.equal(res.headers['access-control-allow-origin'], SITE);
      assert.equal(res.json().status, 'refused');
      assert.equal(await people('bot@spam.example'), 0);
    });

    test('an RSVP through the embed takes the last place, the next joins the waitlist', async () => {
      const first = await h.app.inject({ method: 'POST', url: `/embed/v1/events/${eventSlug}`, headers: { ...JSON_HEADERS, origin: DEV }, payload: { ...signer('first@example.org'), phone: '312 555 0100' } });
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(first.json().title, 'You’re going');
      const second = await h.app.inject({ method: 'POST', url: `/embed/v1/events/${eventSlug}`, headers: { ...JSON_HEADERS, origin: DEV }, payload: signer('second@example.org', { lang: 'es' }) });
      assert.equal(second.json().title, 'Estás en la lista de espera');
      const rows = await db().selectFrom('attendances').select(['status', 'referrer']).orderBy('created_at').execute();
      assert.deepEqual(rows.map((r) => [r.status, r.referrer]), [['accepted', DEV], ['waitlisted', DEV]]);
      const phone = await h.app.inject({ method: 'POST', url: `/embed/v1/events/${eventSlug}`, headers: { ...JSON_HEADERS, origin: DEV }, payload: { ...signer('third@example.org', { lang: 'es' }), phone: '12' } });
      assert.equal(phone.statusCode, 422);
      assert.match(phone.json().errors.phone, /teléfono/);
    });

    test('a form’s questions are embedded and answered through submitForm, with errors per question in Spanish', async () => {
      const { questions, errors } = checkQuestions([
        { id: 'team', kind: 'short_text', label: 'Your team', required: true },
        { id: 'size', kind: 'one_choice', label: 'Shirt size', options: ['S', 'M', 'L'], required: true },
        { id: 'days', kind: 'choices', label: 'Days you can help', options: ['Sat', 'Sun'] },
        { id: 'drive', kind: 'checkbox', label: 'I can drive' },
      ]);
      assert.deepEqual(errors, {});
      const made = await createForm(db(), orgId, { title: 'Volunteer with us', description: '', questions, status: 'open' }, nowIso());
      const def = (await h.app.inject({ url: `/embed/v1/forms/${made.slug}`, headers: { origin: SITE } })).json();
      assert.deepEqual(
        def.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`),
        ['given_name:text', 'family_name:text', 'email:email', 'postal_code:text', 'q_team:text', 'q_size:radios', 'q_days:checkboxes', 'q_drive:checkbox', 'opt_in:checkbox'],
      );
      const bad = await h.app.inject({ method: 'POST', url: `/embed/v1/forms/${made.slug}`, headers: { ...JSON_HEADERS, origin: SITE }, payload: { ...signer('vol@example.org', { lang: 'es' }), q_size: 'XL' } });
      assert.equal(bad.statusCode, 422);
      assert.equal(bad.json().errors.q_team, 'Responde «Your team»');
      assert.ok(bad.json().errors.q_size);
      const ok = await h.app.inject({ method: 'POST', url: `/embed/v1/forms/${made.slug}`, headers: { ...JSON_HEADERS, origin: SITE }, payload: { ...signer('vol@example.org'), q_team: 'North', q_size: 'M', q_days: ['Sun', 'Sat'], q_drive: 'yes' } });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().title, 'Thank you');
      const rows = await db().selectFrom('submissions').select(['answers', 'referrer']).where('form_id', '=', made.id).execute();
      assert.equal(rows.length, 1);
      assert.deepEqual(JSON.parse(rows[0]!.answers!), { team: 'North', size: 'M', days: ['Sat', 'Sun'], drive: 'yes' });
      assert.equal(rows[0]!.referrer, SITE);
      // The iframe variant draws the same questions and posts them as a form.
      const frame = await h.app.inject({ url: `/embed/forms/${made.slug}` });
      assert.match(frame.body, /type="radio" id="q_size" name="q_size" value="S"/);
      const posted = await h.app.inject({ method: 'POST', url: `/embed/forms/${made.slug}`, headers: FORM, payload: 'lang=en&given_name=Bo&family_name=Li&email=bo%40example.org&postal_code=60605&q_team=South&q_size=S&q_days=Sat' });
      assert.equal(posted.statusCode, 303);
      assert.equal((await db().selectFrom('submissions').select('id').where('form_id', '=', made.id).execute()).length, 2);
    });

    test('frame-ancestors names the listed origins on embed pages only; every other page refuses framing', async () => {
      const frame = await h.app.inject({ url: `/embed/petitions/${slug}`, headers: { referer: `${SITE}/act` } });
      assert.equal(frame.statusCode, 200);
      const csp = String(frame.headers['content-security-policy']);
      assert.match(csp, /frame-ancestors http:\/\/127\.0\.0\.1:8099 https:\/\/campaign\.example$/);
      assert.match(csp, /default-src 'none'/);
      assert.doesNotMatch(csp, /script-src/);
      assert.equal(frame.headers['x-frame-options'], undefined);
      assert.match(frame.body, new RegExp(`name="site" value="${SITE}"`));
      for (const url of [`/petitions/${slug}`, '/', '/admin/sign-in', `/embed/v1/petitions/${slug}`]) {
        const res = await h.app.inject({ url, headers: { origin: SITE } });
        assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/, url);
        assert.equal(res.headers['x-frame-options'], 'DENY', url);
      }
      // An organization that lists no origin: its embed pages refuse framing too.
      const lonely = await petition('Nobody embeds this', 'open', otherOrgId);
      await db().deleteFrom('embed_origins').where('organization_id', '=', otherOrgId).execute();
      const none = await h.app.inject({ url: `/embed/petitions/${lonely}` });
      assert.match(String(none.headers['content-security-policy']), /frame-ancestors 'none'/);
      assert.equal(none.headers['x-frame-options'], 'DENY');
    });

    test('the iframe signs with a normal form post, keeps errors and thanks inside the frame', async () => {
      const bad = await h.app.inject({ method: 'POST', url: `/embed/petitions/${slug}`, headers: FORM, payload: form({ lang: 'es', site: SITE, given_name: 'Eva', family_name: '', email: 'eva@example.org', postal_code: '60605', country: 'US' }) });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /Escribe tu apellido/);
      assert.match(bad.body, /value="Eva"/);
      assert.match(String(bad.headers['content-security-policy']), /frame-ancestors .*https:\/\/campaign\.example/);
      const ok = await h.app.inject({ method: 'POST', url: `/embed/petitions/${slug}`, headers: FORM, payload: form({ lang: 'es', site: SITE, given_name: 'Eva', family_name: 'Luna', email: 'eva@example.org', postal_code: '60605', country: 'US' }) });
      assert.equal(ok.statusCode, 303);
      assert.equal(ok.headers.location, `/embed/petitions/${slug}/thanks?done=signed&lang=es`);
      assert.deepEqual(await signatures('eva@example.org'), [{ referrer: SITE, language: 'es' }]);
      const thanks = await h.app.inject({ url: ok.headers.location as string });
      assert.equal(thanks.statusCode, 200);
      assert.match(thanks.body, /Gracias por firmar/);
      assert.equal(thanks.headers['x-frame-options'], undefined);
      // A `site` that is not listed is not kept as the referrer.
      await h.app.inject({ method: 'POST', url: `/embed/petitions/${slug}`, headers: FORM, payload: form({ lang: 'en', site: 'https://evil.example', given_name: 'Zoe', family_name: 'Ng', email: 'zoe@example.org', postal_code: '60605', country: 'US' }) });
      assert.deepEqual(await signatures('zoe@example.org'), [{ referrer: null, language: 'en' }]);
      const closed = await h.app.inject({ method: 'POST', url: `/embed/petitions/${closedSlug}`, headers: FORM, payload: form({ lang: 'en', given_name: 'Zoe', family_name: 'Ng', email: 'zoe2@example.org', postal_code: '60605', country: 'US' }) });
      assert.equal(closed.statusCode, 409);
      assert.equal(await people('zoe2@example.org'), 0);
    });

    test('the frame names the action in the reader’s version, marking a title in the other language', async () => {
      const both = (await createPetition(db(), orgId, { title: 'Keep the library open', description: 'Why', petition_text: 'Keep it.', targets: [], goal: null, confirmation_required: false, status: 'open', title_es: 'Que la biblioteca siga abierta' }, nowIso())).slug;
      const es = await h.app.inject({ url: `/embed/petitions/${both}?lang=es` });
      assert.equal(es.statusCode, 200);
      assert.match(es.body, /<h1>Que la biblioteca siga abierta<\/h1>/);
      const en = await h.app.inject({ url: `/embed/petitions/${both}?lang=en` });
      assert.match(en.body, /<h1>Keep the library open<\/h1>/);
      // Only English: the Spanish frame shows it, marked as English, on the form and its thanks.
      const esForm = await h.app.inject({ url: `/embed/petitions/${slug}?lang=es` });
      assert.match(esForm.body, /<h1 lang="en">Ban face recognition<\/h1>/);
      const thanks = await h.app.inject({ url: `/embed/petitions/${slug}/thanks?done=accepted&lang=es` });
      assert.match(thanks.body, /<a href="[^"]+" target="_blank" rel="noopener" lang="en">Ban face recognition<\/a>/);
    });

    test('the count widget is a small page of its own, framable by the listed origins', async () => {
      petitionCache(h.ctx).forget(slug);
      const res = await h.app.inject({ url: `/embed/petitions/${slug}/count?lang=en` });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /\d+ signatures/);
      assert.match(String(res.headers['content-security-policy']), /frame-ancestors .*https:\/\/campaign\.example/);
      const events = await h.app.inject({ url: `/embed/events/${eventSlug}/count` });
      assert.equal(events.statusCode, 200);
      assert.equal((await h.app.inject({ url: '/embed/petitions/no-such/count' })).statusCode, 404);
    });

    test('the script is static, cacheable, and asks nothing of another site', async () => {
      const res = await h.app.inject({ url: '/embed.js' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /text\/javascript/);
      assert.match(String(res.headers['cache-control']), /public, max-age=3600/);
      assert.doesNotMatch(res.body, /innerHTML|eval\(|new Function|document\.write/);
      assert.doesNotMatch(res.body, /https?:\/\/(?!turnout)/, 'no absolute address of another site');
    });
  });
}

for (const target of targets()) {
  describe(`embeds with rate limits and the challenge on ${target.name}`, () => {
    let h: Harness;
    let slug: string;
    before(async () => {
      h = await harness(target, { RATE_LIMITS: 'on' });
      const orgId = (await organization(h, 'Limited Group')).id;
      slug = (await createPetition(h.ctx.database.db, orgId, { title: 'Always checked', description: '', petition_text: 'Text.', targets: [], goal: null, confirmation_required: false, status: 'open' }, nowIso())).slug;
      await h.ctx.database.db.insertInto('embed_origins').values({ id: newId(), organization_id: orgId, origin: SITE, note: '', created_by: null, created_at: nowIso() }).execute();
      await h.ctx.database.db.updateTable('petitions').set({ challenge: 'always' }).where('slug', '=', slug).execute();
      petitionCache(h.ctx).forget(slug);
    });
    after(() => h.close());

    test('while the challenge is on, the script is told to send supporters to the page; past the strict limit a post is a 429 with the page', async () => {
      const def = (await h.app.inject({ url: `/embed/v1/petitions/${slug}`, headers: { origin: SITE } })).json();
      assert.equal(def.challenge, true);
      assert.equal(def.page, `http://turnout.test/petitions/${slug}`);
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await h.app.inject({ method: 'POST', url: `/embed/v1/petitions/${slug}`, headers: { ...JSON_HEADERS, origin: SITE }, payload: signer(`pow${i}@example.org`) });
        statuses.push(last.statusCode);
      }
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      assert.equal(last!.json().status, 'challenge');
      assert.equal(last!.headers['access-control-allow-origin'], SITE);
      assert.equal((await h.ctx.database.db.selectFrom('people').select('id').where('email', '=', 'pow3@example.org').execute()).length, 0);
    });

    test('the rate limit answers JSON with CORS for the listed origin', async () => {
      await h.ctx.database.db.updateTable('petitions').set({ challenge: 'off' }).where('slug', '=', slug).execute();
      petitionCache(h.ctx).forget(slug);
      let last;
      for (let i = 0; i < 25 && last?.statusCode !== 429; i++) {
        last = await h.app.inject({ method: 'POST', url: `/embed/v1/petitions/${slug}?lang=es`, headers: { ...JSON_HEADERS, origin: SITE }, payload: signer(`many${i}@example.org`, { lang: 'es' }) });
      }
      assert.equal(last!.statusCode, 429);
      assert.equal(last!.headers['access-control-allow-origin'], SITE);
      assert.equal(last!.headers['retry-after'], '60');
      assert.equal(last!.json().status, 'error');
      assert.match(last!.json().error, /minuto/);
    });
  });
}
