import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, form, FORM } from './helpers.ts';
import { spanishSuite } from './spanish-support.ts';
import { apiOrganization, idOf } from './api-support.ts';
import { createPage, fundraisingCache } from '../src/donations/index.ts';
import { fundraisingShareCard } from '../src/donations/public/pages.tsx';
import { shareImageVersion } from '../src/kits/pages/share-image.ts';
import type { PageFields } from '../src/donations/fields.ts';
import { translator } from '../src/i18n/index.ts';
import { nowIso } from '../src/util/ids.ts';
import { StripeStandin, SECRET_KEY, WEBHOOK_SECRET } from './donations-support.ts';

// A fundraising page's own words in both languages (migration 024_fundraising_spanish,
// src/kits/pages/localized.ts): each reader gets their version, text shown in the other language
// carries its `lang`, and the console and the API read and write the Spanish versions.

describe('the donations catalogs', () => {
  it('say what is wrong with a Spanish version in English and in Spanish', () => {
    assert.equal(translator('en')('donationedit.error.title_es_too_long', { max: 200, count: 201 }), 'The Spanish title must be 200 characters or fewer (it has 201)');
    assert.equal(translator('es')('donationedit.error.title_es_too_long', { max: 200, count: 201 }), 'El título en español debe tener 200 caracteres o menos (tiene 201)');
    assert.match(translator('es')('donationedit.error.description_es_invalid'), /descripción en español/);
  });
});

for (const target of targets()) {
  describe(`Spanish texts of fundraising pages on ${target.name}`, () => {
    let stripe: StripeStandin;
    // The stand-in starts first (the harness is given its address) and stops after the harness closes.
    before(async () => {
      stripe = await new StripeStandin().start();
    });
    const suite = spanishSuite(target, { name: 'Bibliotecas Abiertas', organizer: 'organizer@ba.example' }, () => ({
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.url,
    }));
    after(() => stripe.stop());
    const { db, read, post } = suite;
    let n = 0;

    const page = (over: Partial<PageFields> = {}) =>
      createPage(
        db(),
        suite.orgId,
        {
          title: `Fund the library ${++n}`,
          description: 'The council cut **its books**.',
          currency: 'USD',
          goal_minor: null,
          amounts: [1000, 2500],
          min_minor: 100,
          max_minor: 100_000,
          allow_monthly: false,
          offer_fee_cover: false,
          processor: 'pledge',
          actblue_form: null,
          actblue_refcode: null,
          status: 'open',
          ...over,
        },
        nowIso(),
      );
    const donor = (email: string, over: Record<string, string> = {}) =>
      form({ lang: 'es', form_id: `form-${email.replace(/\W/g, '')}-aaaaaaaa`, amount: '1000', given_name: 'Ana', family_name: 'Ruiz', email, postal_code: '10001', country: 'US', ...over });
    const image = (body: string) => /property="og:image" content="([^"]+)"/.exec(body)![1]!;

    it('shows the Spanish version to a Spanish browser and the English one to an English browser', async () => {
      const p = await page({ title_es: 'Financien la biblioteca', description_es: 'El ayuntamiento recortó **sus libros**.' });
      const es = await read(`/fundraising/${p.slug}`, 'es');
      assert.equal(es.statusCode, 200);
      assert.match(es.body, /<html lang="es">/);
      assert.match(es.body, /<title>Financien la biblioteca/);
      assert.match(es.body, /<h1>Financien la biblioteca<\/h1>/);
      assert.match(es.body, /<div class="petition-text"><p>El ayuntamiento recortó <strong>sus libros<\/strong>\.<\/p>/);
      assert.match(es.body, /<meta property="og:title" content="Financien la biblioteca"/);
      assert.match(es.body, /<meta property="og:description" content="El ayuntamiento recortó sus libros\."/);
      assert.doesNotMatch(es.body, /Fund the library|its books/);
      assert.doesNotMatch(es.body, /<(h1|div|p)[^>]* lang="en"/, 'nothing is marked as English');

      const en = await read(`/fundraising/${p.slug}`, 'en');
      assert.equal(en.statusCode, 200);
      assert.match(en.body, /<html lang="en">/);
      assert.match(en.body, new RegExp(`<h1>Fund the library ${n}</h1>`));
      assert.match(en.body, /<div class="petition-text"><p>The council cut <strong>its books<\/strong>\.<\/p>/);
      assert.match(en.body, new RegExp(`<meta property="og:title" content="Fund the library ${n}"`));
      assert.doesNotMatch(en.body, /Financien|ayuntamiento/);

      // The share picture follows the title it shows: the Spanish one is another picture, drawn with that title.
      assert.notEqual(image(es.body), image(en.body));
      const picture = await suite.h.app.inject({ url: image(es.body).replace('http://turnout.test', '') });
      assert.equal(picture.statusCode, 200);
      const stored = (await fundraisingCache(suite.h.ctx).get(p.slug))!;
      const card = (lang: 'en' | 'es') => fundraisingShareCard({ lang, t: translator(lang), path: `/fundraising/${p.slug}` }, stored);
      assert.equal(card('es').title, 'Financien la biblioteca');
      assert.equal(card('en').title, `Fund the library ${n}`);
      assert.match(image(es.body), new RegExp(`v=${shareImageVersion(card('es'))}`));

      // The home page's list of fundraisers names the page in the reader's version.
      const home = await read('/', 'es');
      assert.match(home.body, new RegExp(`<a href="/fundraising/${p.slug}">Financien la biblioteca</a>`));
    });

    it('shows the English text on the Spanish page marked lang="en" where there is no Spanish version, and Spanish marked lang="es" on the English page where only it exists', async () => {
      const p = await page({});
      const es = await read(`/fundraising/${p.slug}`, 'es');
      assert.equal(es.statusCode, 200);
      assert.match(es.body, new RegExp(`<h1 lang="en">Fund the library ${n}</h1>`));
      assert.match(es.body, /<div class="petition-text" lang="en"><p>The council cut <strong>its books<\/strong>/);
      const home = await read('/', 'es');
      assert.match(home.body, new RegExp(`<a href="/fundraising/${p.slug}" lang="en">Fund the library ${n}</a>`));
      const en = await read(`/fundraising/${p.slug}`, 'en');
      assert.match(en.body, new RegExp(`<h1>Fund the library ${n}</h1>`));
      assert.doesNotMatch(en.body, /<(h1|div)[^>]* lang=/, 'nothing is marked on the English page');

      const onlySpanish = await page({ description: '', description_es: 'Solo en **español**.' });
      const english = await read(`/fundraising/${onlySpanish.slug}`, 'en');
      assert.match(english.body, /<div class="petition-text" lang="es"><p>Solo en <strong>español<\/strong>\.<\/p>/);
      const spanish = await read(`/fundraising/${onlySpanish.slug}`, 'es');
      assert.match(spanish.body, /<div class="petition-text"><p>Solo en/);
    });

    it('names the page in the donor’s language on the thank-you page, in the email and on the closed notice', async () => {
      const p = await page({ title_es: 'Salvemos la biblioteca' });
      const res = await suite.h.app.inject({ method: 'POST', url: `/fundraising/${p.slug}`, headers: FORM, payload: donor(`ana${n}@example.org`) });
      assert.equal(res.statusCode, 303, res.body);
      const thanks = await read(String(res.headers.location), 'es');
      assert.equal(thanks.statusCode, 200);
      assert.match(thanks.body, /<meta property="og:title" content="Salvemos la biblioteca"/);
      assert.match(thanks.body, /Salvemos la biblioteca/);
      assert.doesNotMatch(thanks.body, /Fund the library/);
      suite.h.mailer.sent.length = 0;
      await suite.h.runJobs();
      const mail = suite.h.mailer.sent.find((m) => m.to === `ana${n}@example.org`);
      assert.ok(mail, 'the note of the pledge was sent');
      assert.match(mail.text, /\(Salvemos la biblioteca\)/);
      assert.doesNotMatch(mail.text, /Fund the library/);

      const englishDonor = await suite.h.app.inject({ method: 'POST', url: `/fundraising/${p.slug}`, headers: FORM, payload: donor(`bo${n}@example.org`, { lang: 'en' }) });
      assert.equal(englishDonor.statusCode, 303, englishDonor.body);
      suite.h.mailer.sent.length = 0;
      await suite.h.runJobs();
      assert.match(suite.h.mailer.sent.find((m) => m.to === `bo${n}@example.org`)!.text, new RegExp(`\\(Fund the library ${n}\\)`));

      const closed = await page({ title_es: 'Recaudación cerrada', status: 'closed' });
      const refused = await suite.h.app.inject({ method: 'POST', url: `/fundraising/${closed.slug}`, headers: FORM, payload: donor(`cy${n}@example.org`) });
      assert.equal(refused.statusCode, 409);
      assert.match(refused.body, /<h1>Recaudación cerrada<\/h1>/);
    });

    it('names the page in the donor’s language on Stripe’s payment page', async () => {
      const p = await page({ processor: 'stripe', title_es: 'Fondo legal' });
      const res = await suite.h.app.inject({ method: 'POST', url: `/fundraising/${p.slug}`, headers: FORM, payload: donor(`dee${n}@example.org`) });
      assert.equal(res.statusCode, 303, res.body);
      const session = stripe.sessions.at(-1)!;
      assert.equal(session.params.get('line_items[0][price_data][product_data][name]'), 'Bibliotecas Abiertas: Fondo legal');
    });

    it('saves the Spanish fields from the console, and refuses a Spanish title that is too long without saving anything', async () => {
      const base = { title: 'Books for all', slug: '', description: 'Buy books.', currency: 'USD', goal: '', amounts: '10, 25', minimum: '1', maximum: '1000', processor: 'pledge', actblue_form: '', actblue_refcode: '', status: 'open', closes_at: '' };
      const blank = await suite.h.app.inject({ url: '/admin/fundraising/new', headers: { cookie: suite.organizer.cookie } });
      assert.equal(blank.statusCode, 200);
      assert.match(blank.body, /<legend>Spanish version \(optional\)<\/legend>/);
      assert.match(blank.body, /<input type="text" id="title_es" name="title_es" value="" lang="es"/);
      assert.match(blank.body, /<textarea id="description_es" name="description_es" rows="8" lang="es"/);

      const count = async () => Number((await db().selectFrom('fundraising_pages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const before = await count();
      const tooLong = await post('/admin/fundraising/new', { ...base, title_es: 'x'.repeat(201), description_es: 'Compren libros.' });
      assert.equal(tooLong.statusCode, 422);
      assert.match(tooLong.body, /The Spanish title must be 200 characters or fewer \(it has 201\)/);
      assert.match(tooLong.body, /href="#title_es"/);
      assert.match(tooLong.body, /id="title_es-error"/);
      assert.match(tooLong.body, /value="Compren libros\."|>Compren libros\.</, 'what was typed is kept');
      assert.equal(await count(), before, 'nothing saved');

      const created = await post('/admin/fundraising/new', { ...base, title_es: ' Libros para todas ', description_es: 'Compren **libros**.' });
      assert.equal(created.statusCode, 303, created.body);
      const id = /\/admin\/fundraising\/([0-9a-f-]{36})/.exec(String(created.headers.location))![1]!;
      const row = await db().selectFrom('fundraising_pages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.title_es, 'Libros para todas');
      assert.equal(row.description_es, 'Compren **libros**.');
      const es = await read(`/fundraising/${row.slug}`, 'es');
      assert.match(es.body, /<h1>Libros para todas<\/h1>/);

      // The edit form shows what is stored; a too long Spanish description changes nothing.
      const edit = await suite.h.app.inject({ url: `/admin/fundraising/${id}/edit`, headers: { cookie: suite.organizer.cookie } });
      assert.match(edit.body, /value="Libros para todas" lang="es"/);
      assert.match(edit.body, /lang="es"[^>]*>Compren \*\*libros\*\*\.<\/textarea>/);
      const tooLongText = await post(`/admin/fundraising/${id}/edit`, { ...base, slug: row.slug, title_es: 'Otro título', description_es: 'y'.repeat(20_001) });
      assert.equal(tooLongText.statusCode, 422);
      assert.match(tooLongText.body, /The Spanish description must be 20,000 characters or fewer \(it has 20,001\)/);
      assert.match(tooLongText.body, /href="#description_es"/);
      const kept = await db().selectFrom('fundraising_pages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(kept.title_es, 'Libros para todas');
      assert.equal(kept.description_es, 'Compren **libros**.');

      // Emptying the title removes that version: the Spanish page (its cache forgotten) shows the English, marked.
      const saved = await post(`/admin/fundraising/${id}/edit`, { ...base, slug: row.slug, title_es: '', description_es: 'Compren **libros**.' });
      assert.equal(saved.statusCode, 303, saved.body);
      assert.match(String(saved.headers.location), /notice=saved/);
      assert.equal((await db().selectFrom('fundraising_pages').select('title_es').where('id', '=', id).executeTakeFirstOrThrow()).title_es, null);
      const after = await read(`/fundraising/${row.slug}`, 'es');
      assert.match(after.body, /<h1 lang="en">Books for all<\/h1>/);
      assert.match(after.body, /<div class="petition-text"><p>Compren <strong>libros<\/strong>\.<\/p>/);
      const logged = await db().selectFrom('audit_events').selectAll().where('action', '=', 'fundraising_page.changed').where('subject', '=', id).execute();
      assert.equal(logged.length, 1);
      assert.deepEqual(JSON.parse(String(logged[0]!.details)).changed, ['title_es']);

      const unchanged = await post(`/admin/fundraising/${id}/edit`, { ...base, slug: row.slug, title_es: '', description_es: 'Compren **libros**.' });
      assert.match(String(unchanged.headers.location), /notice=unchanged/);
    });

    it('reads and writes turnout:title_es and turnout:description_es through the API', async () => {
      const api = await apiOrganization(suite.h, 'api-fund-es');
      const created = await api.post('/fundraising_pages', { title: 'Plant trees', 'turnout:processor': 'pledge', 'turnout:title_es': 'Planten árboles' });
      assert.equal(created.status, 200, created.text);
      assert.equal(created.body['turnout:title_es'], 'Planten árboles');
      assert.equal(created.body['turnout:description_es'], null);
      const id = idOf(created.body);
      const put = await api.put(`/fundraising_pages/${id}`, { 'turnout:description_es': 'Plántenlos.' });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.body['turnout:title_es'], 'Planten árboles', 'PUT merges');
      assert.equal(put.body['turnout:description_es'], 'Plántenlos.');
      const other = await api.put(`/fundraising_pages/${id}`, { title: 'Plant more trees' });
      assert.equal(other.body['turnout:title_es'], 'Planten árboles', 'a PUT without them keeps them');

      const bad = await api.put(`/fundraising_pages/${id}`, { 'turnout:title_es': 'z'.repeat(201), 'turnout:description_es': 'Otra cosa.' });
      assert.equal(bad.status, 400);
      assert.match(bad.text, /turnout:title_es: The Spanish title must be 200 characters or fewer \(it has 201\)/);
      const stored = await db().selectFrom('fundraising_pages').select(['title_es', 'description_es']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(stored, { title_es: 'Planten árboles', description_es: 'Plántenlos.' }, 'nothing written');
      const badLine = await api.post('/fundraising_pages', { title: 'Line', 'turnout:title_es': 'una\nlínea' });
      assert.equal(badLine.status, 400);
      assert.match(badLine.text, /turnout:title_es: The Spanish title must be one line/);

      // The public page follows the API's change at once.
      const slug = new URL(put.body.browser_url).pathname;
      assert.match((await read(slug, 'es')).body, /<h1>Planten árboles<\/h1>/);
      const cleared = await api.put(`/fundraising_pages/${id}`, { 'turnout:title_es': null });
      assert.equal(cleared.status, 200, cleared.text);
      assert.equal(cleared.body['turnout:title_es'], null);
      const emptied = await api.put(`/fundraising_pages/${id}`, { 'turnout:description_es': '' });
      assert.equal(emptied.body['turnout:description_es'], null, 'an empty one is none');
      assert.match((await read(slug, 'es')).body, /<h1 lang="en">Plant more trees<\/h1>/);
      const got = await api.get(`/fundraising_pages/${id}`);
      assert.equal(got.body['turnout:title_es'], null);
      assert.equal(got.body['turnout:description_es'], null);
    });
  });
}
