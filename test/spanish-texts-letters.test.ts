import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { targets, form, FORM } from './helpers.ts';
import { spanishSuite } from './spanish-support.ts';
import { apiOrganization, idOf } from './api-support.ts';
import { makeCampaign, target, writer } from './letters-support.ts';
import { checkCampaign } from '../src/letters/fields.ts';
import { campaignInput } from './letters-support.ts';
import { translator } from '../src/i18n/index.ts';

// A letter campaign's own words in both languages (src/kits/pages/localized.ts): each reader gets
// their version, text shown in the other language carries its `lang`, and the letter delivered
// to the official is the one the writer's form showed and they sent.

const SPANISH = {
  title_es: 'Salven la biblioteca',
  description_es: 'El concejo vota el **martes**.',
  subject_es: 'Mantengan la biblioteca abierta',
  letter_opening_es: 'Vivo en su distrito y uso la biblioteca cada semana.',
  letter_body_es: 'Por favor, voten por mantener su horario.',
  letter_closing_es: 'Gracias por su servicio.',
};

describe('checkCampaign on the Spanish fields', () => {
  it('bounds each Spanish field like the English one it translates, with the message in English and in Spanish', () => {
    assert.deepEqual(checkCampaign(campaignInput(SPANISH)), {});
    assert.deepEqual(checkCampaign(campaignInput({ title_es: '', description_es: null })), {}, 'empty is none, not an error');
    const errors = checkCampaign(campaignInput({ title_es: 'x'.repeat(201), subject_es: 'a\nb', letter_body_es: 'y'.repeat(1001) }));
    assert.equal(errors.title_es, 'The Spanish title must be 200 characters or fewer (it has 201)');
    assert.equal(errors.subject_es, 'The Spanish subject must be one line, without control characters');
    assert.match(errors.letter_body_es!, /The Spanish body has 1,001 characters, more than the longest message supporters may send \(1,000\)/);
    assert.equal(translator('es')('letteredit.error.title_es_too_long', { max: 200, count: 201 }), 'El título en español debe tener 200 caracteres o menos (tiene 201)');
  });
});

for (const t of targets()) {
  describe(`Spanish texts of letter campaigns on ${t.name}`, () => {
    const suite = spanishSuite(t, { name: 'Bibliotecas Abiertas', organizer: 'organizer@ba.example' });
    const { db, read, post } = suite;
    let n = 0;

    const write = (slug: string, fields: Record<string, string>) => suite.h.app.inject({ method: 'POST', url: `/letters/${slug}`, headers: FORM, payload: form(fields) });
    // The header's link to the page in the other language is marked with its language on every page.
    const withoutSwitch = (body: string) => body.replace(/<a class="lang-switch"[^>]*>/, '').replace(/<html lang="[a-z]+">/, '');
    // Sends at any hour, a letter a second: the worker delivers at once.
    const campaign = (over: Record<string, unknown> = {}) =>
      makeCampaign(suite.h, suite.orgId, { title: `Fund the library ${++n}`, hourly_cap: 3600, window_start: '00:00', window_end: '24:00', ...over }, [target('Ana Ruiz', `ana${n}@council.example`)]);

    it('shows the Spanish version to a Spanish browser and the English one to an English browser', async () => {
      const c = await campaign(SPANISH);
      const es = await read(`/letters/${c.slug}`, 'es');
      assert.equal(es.statusCode, 200);
      assert.match(es.body, /<html lang="es">/);
      assert.match(es.body, /<title>Salven la biblioteca/);
      assert.match(es.body, /<h1>Salven la biblioteca<\/h1>/);
      assert.match(es.body, /<div class="lede"><p>El concejo vota el <strong>martes<\/strong>\.<\/p>/);
      assert.match(es.body, /<meta property="og:title" content="Salven la biblioteca"/);
      assert.match(es.body, /<meta property="og:description" content="El concejo vota el martes\."/);
      // The form starts from the Spanish letter.
      assert.match(es.body, /<input type="text" id="subject" name="subject" value="Mantengan la biblioteca abierta"/);
      assert.match(es.body, /<textarea id="body" name="body"[^>]*>Por favor, voten por mantener su horario\.<\/textarea>/);
      assert.match(es.body, /<div class="letter-locked" id="letter_opening"><p class="letter-text"><span>Vivo en su distrito/);
      assert.match(es.body, /<div class="letter-locked" id="letter_closing"><p class="letter-text"><span>Gracias por su servicio\./);
      assert.doesNotMatch(es.body, /Fund the library|Keep the library open|I live in your district|Please vote|Thank you for your service/);
      assert.doesNotMatch(withoutSwitch(es.body), /lang="en"/, 'nothing is marked as English');

      const en = await read(`/letters/${c.slug}`, 'en');
      assert.match(en.body, /<html lang="en">/);
      assert.match(en.body, new RegExp(`<h1>Fund the library ${n}</h1>`));
      assert.match(en.body, /value="Keep the library open"/);
      assert.match(en.body, /<textarea id="body" name="body"[^>]*>Please vote to keep its hours\.<\/textarea>/);
      assert.match(en.body, /I live in your district/);
      assert.doesNotMatch(en.body, /Salven|concejo|Mantengan|Vivo en su distrito|Por favor|Gracias por su servicio/);
      assert.doesNotMatch(withoutSwitch(en.body), /lang="es"/);

      // The share picture follows what it shows: the Spanish title is another picture, which is drawn.
      const image = (body: string) => /property="og:image" content="([^"]+)"/.exec(body)![1]!;
      assert.notEqual(image(es.body), image(en.body));
      const png = await suite.h.app.inject({ url: new URL(image(es.body), 'http://x').pathname + new URL(image(es.body), 'http://x').search });
      assert.equal(png.statusCode, 200);
      assert.equal(png.headers['content-type'], 'image/png');

      // The thank-you page and the home page name it in the reader's version.
      const thanks = await read(`/letters/${c.slug}/thanks`, 'es');
      assert.match(thanks.body, /Tu carta sobre «Salven la biblioteca»/);
      const home = await read('/', 'es');
      assert.match(home.body, new RegExp(`<a href="/letters/${c.slug}">Salven la biblioteca</a>`));
    });

    it('shows the English words on the Spanish page inside elements marked lang="en" when there is no Spanish version', async () => {
      const c = await campaign({});
      const es = await read(`/letters/${c.slug}`, 'es');
      assert.equal(es.statusCode, 200);
      assert.match(es.body, new RegExp(`<h1 lang="en">Fund the library ${n}</h1>`));
      assert.match(es.body, /<div class="lede" lang="en"><p>The council votes <strong>Tuesday<\/strong>\.<\/p>/);
      assert.match(es.body, /id="subject" name="subject" value="Keep the library open"[^>]* lang="en"/);
      assert.match(es.body, /<textarea id="body" name="body"[^>]* lang="en">Please vote to keep its hours\.<\/textarea>/);
      assert.match(es.body, /<div class="letter-locked" id="letter_opening"><div lang="en"><p class="letter-text"><span>I live in your district/);
      assert.match(es.body, /<div class="letter-locked" id="letter_closing"><div lang="en">/);
      // The page's own words stay Spanish, unmarked.
      assert.match(es.body, /<h2 id="letter-heading">Escribe tu carta<\/h2>/);
      const home = await read('/', 'es');
      assert.match(home.body, new RegExp(`<a href="/letters/${c.slug}" lang="en">Fund the library ${n}</a>`));
      const en = await read(`/letters/${c.slug}`, 'en');
      assert.match(en.body, new RegExp(`<h1>Fund the library ${n}</h1>`));
      assert.doesNotMatch(withoutSwitch(en.body), / lang="(en|es)"/, 'nothing is marked on the English page');

      // Locked parts: the subject and body shown as text, marked too.
      const locked = await campaign({ subject_editable: false, body_editable: false, subject_es: 'Asunto fijo' });
      const page = await read(`/letters/${locked.slug}`, 'es');
      assert.match(page.body, /<strong>Asunto:<\/strong> <span>Asunto fijo<\/span>/);
      assert.match(page.body, /<div class="letter-locked" id="body"><div lang="en"><p class="letter-text"><span>Please vote/);
    });

    it('delivers the letter the Spanish writer saw and sent, and the English one to the English writer', async () => {
      const c = await campaign(SPANISH);
      // The form posts what it showed: the Spanish subject and body.
      const es = await write(c.slug, { ...writer({ lang: 'es', email: `es${n}@example.org` }), subject: SPANISH.subject_es, body: 'Por favor, voten por mantener su horario. Y abran los domingos.' });
      assert.equal(es.statusCode, 303, es.body);
      const en = await write(c.slug, { ...writer({ email: `en${n}@example.org` }), subject: 'Keep the library open', body: 'Please vote to keep its hours.' });
      assert.equal(en.statusCode, 303, en.body);
      const stored = await db().selectFrom('outreaches').select(['subject', 'body', 'language']).where('campaign_id', '=', c.id).orderBy('language').execute();
      assert.deepEqual(stored, [
        { subject: 'Keep the library open', body: 'Please vote to keep its hours.', language: 'en' },
        { subject: 'Mantengan la biblioteca abierta', body: 'Por favor, voten por mantener su horario. Y abran los domingos.', language: 'es' },
      ]);

      suite.h.mailer.sent.length = 0;
      // One letter a second to the one target: the second waits for its slot.
      const toTarget = () => suite.h.mailer.sent.filter((m) => m.to === `ana${n}@council.example`);
      for (let i = 0; i < 10 && toTarget().length < 2; i++) {
        await suite.h.runJobs();
        if (toTarget().length < 2) await new Promise((r) => setTimeout(r, 300));
      }
      const letters = suite.h.mailer.sent.filter((m) => m.to === `ana${n}@council.example`);
      assert.equal(letters.length, 2, 'both letters went');
      const spanish = letters.find((m) => m.replyTo === `es${n}@example.org`)!;
      assert.equal(spanish.subject, 'Mantengan la biblioteca abierta');
      assert.match(spanish.text, /Vivo en su distrito y uso la biblioteca cada semana\.\n\nPor favor, voten por mantener su horario\. Y abran los domingos\.\n\nGracias por su servicio\./);
      assert.doesNotMatch(spanish.text, /I live in your district|Thank you for your service/);
      const english = letters.find((m) => m.replyTo === `en${n}@example.org`)!;
      assert.equal(english.subject, 'Keep the library open');
      assert.match(english.text, /I live in your district and I use the library every week\.\n\nPlease vote to keep its hours\.\n\nThank you for your service\./);
      assert.doesNotMatch(english.text, /Vivo en su distrito|Gracias/);
    });

    it('takes a Spanish writer’s locked body in its Spanish version, and refuses it changed in their language', async () => {
      const c = await campaign({ ...SPANISH, body_editable: false, subject_editable: false });
      const count = async () => Number((await db().selectFrom('outreaches').select((eb) => eb.fn.countAll<number>().as('n')).where('campaign_id', '=', c.id).executeTakeFirstOrThrow()).n);
      const changed = await write(c.slug, { ...writer({ lang: 'es', email: `lock${n}@example.org` }), body: 'Otra carta.' });
      assert.equal(changed.statusCode, 422);
      assert.match(changed.body, /Esta parte de la carta no se puede cambiar/);
      assert.equal(await count(), 0, 'nothing written');
      const ok = await write(c.slug, writer({ lang: 'es', email: `lock${n}@example.org` }));
      assert.equal(ok.statusCode, 303, ok.body);
      const row = await db().selectFrom('outreaches').select(['subject', 'body']).where('campaign_id', '=', c.id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { subject: SPANISH.subject_es, body: SPANISH.letter_body_es });
    });

    it('saves the Spanish fields from the console, shows them again to edit, and refuses a Spanish title that is too long without saving anything', async () => {
      const base = {
        title: 'Write the council', slug: '', description: 'Why.', subject: 'Keep the library', subject_editable: 'yes', letter_opening: 'I live here.',
        letter_body: 'Keep it open.', body_editable: 'yes', letter_closing: 'Thanks.', body_max_length: '2000', target_mode: 'fixed', hourly_cap: '30',
        window_start: '09:00', window_end: '17:00', time_zone: 'America/Chicago', status: 'open',
      };
      const page = await suite.h.app.inject({ url: '/admin/letters/new', headers: { cookie: suite.organizer.cookie } });
      assert.match(page.body, /<legend>Spanish version \(optional\)<\/legend>/);
      assert.match(page.body, /<input type="text" id="title_es" name="title_es" value="" lang="es"/);
      assert.match(page.body, /<textarea id="letter_body_es" name="letter_body_es" rows="8" lang="es"/);

      const count = async () => Number((await db().selectFrom('letter_campaigns').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const before = await count();
      const tooLong = await post('/admin/letters/new', { ...base, title_es: 'x'.repeat(201), subject_es: 'Mantengan la biblioteca' });
      assert.equal(tooLong.statusCode, 422);
      assert.match(tooLong.body, /<span class="error-message" id="title_es-error">The Spanish title must be 200 characters or fewer \(it has 201\)<\/span>/);
      assert.match(tooLong.body, /href="#title_es"/);
      assert.match(tooLong.body, /id="subject_es" name="subject_es" value="Mantengan la biblioteca" lang="es"/, 'what was typed is kept');
      assert.equal(await count(), before, 'nothing saved');

      const created = await post('/admin/letters/new', {
        ...base, title_es: ' Escriban al concejo ', description_es: 'Por qué.', subject_es: 'Mantengan la biblioteca',
        letter_opening_es: 'Vivo aquí.', letter_body_es: 'Manténganla abierta.\r\nGracias.', letter_closing_es: 'Atentamente.',
      });
      assert.equal(created.statusCode, 303, created.body);
      const id = /\/admin\/letters\/([0-9a-f-]{36})/.exec(created.headers.location as string)![1]!;
      const row = await db().selectFrom('letter_campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(
        [row.title_es, row.description_es, row.subject_es, row.letter_opening_es, row.letter_body_es, row.letter_closing_es],
        ['Escriban al concejo', 'Por qué.', 'Mantengan la biblioteca', 'Vivo aquí.', 'Manténganla abierta.\nGracias.', 'Atentamente.'],
      );

      const edit = await suite.h.app.inject({ url: `/admin/letters/${id}/edit`, headers: { cookie: suite.organizer.cookie } });
      assert.match(edit.body, /id="title_es" name="title_es" value="Escriban al concejo" lang="es"/);
      assert.match(edit.body, /<textarea id="letter_body_es" name="letter_body_es" rows="8" lang="es"[^>]*>Manténganla abierta\.\nGracias\.<\/textarea>/);

      const fields = { ...base, slug: row.slug, title_es: 'Escriban al concejo', description_es: 'Por qué.', subject_es: 'Mantengan la biblioteca', letter_opening_es: 'Vivo aquí.', letter_body_es: 'Manténganla abierta.', letter_closing_es: 'Atentamente.' };
      const overLimit = await post(`/admin/letters/${id}/edit`, { ...fields, title_es: '', letter_body_es: 'z'.repeat(2001) });
      assert.equal(overLimit.statusCode, 422);
      assert.match(overLimit.body, /The Spanish body has 2,001 characters, more than the longest message supporters may send \(2,000\)/);
      assert.equal((await db().selectFrom('letter_campaigns').select('title_es').where('id', '=', id).executeTakeFirstOrThrow()).title_es, 'Escriban al concejo', 'nothing saved');

      // Emptying a field removes that version; the page then shows the English one, marked.
      const saved = await post(`/admin/letters/${id}/edit`, { ...fields, title_es: '' });
      assert.equal(saved.statusCode, 303, saved.body);
      const after = await db().selectFrom('letter_campaigns').select(['title_es', 'subject_es']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(after, { title_es: null, subject_es: 'Mantengan la biblioteca' });
      const es = await read(`/letters/${row.slug}`, 'es');
      assert.match(es.body, /<h1 lang="en">Write the council<\/h1>/);
      assert.match(es.body, /value="Mantengan la biblioteca"/);
    });

    it('reads and writes the Spanish versions through the API as turnout:title_es and its siblings', async () => {
      const api = await apiOrganization(suite.h, 'api-letters-es');
      const created = await api.post('/advocacy_campaigns', { title: 'Write the mayor', 'turnout:subject': 'Fund transit', 'turnout:letter_body': 'Please fund it.', 'turnout:title_es': 'Escriban a la alcaldesa', 'turnout:subject_es': 'Financien el transporte' });
      assert.equal(created.status, 200, created.text);
      const doc = created.body as Record<string, unknown>;
      assert.equal(doc['turnout:title_es'], 'Escriban a la alcaldesa');
      assert.equal(doc['turnout:subject_es'], 'Financien el transporte');
      assert.equal(doc['turnout:description_es'], null);
      assert.equal(doc['turnout:letter_body_es'], null);
      const id = idOf(created.body);
      const put = await api.put(`/advocacy_campaigns/${id}`, { 'turnout:letter_body_es': 'Por favor, finánciénlo.' });
      assert.equal(put.status, 200, put.text);
      const merged = put.body as Record<string, unknown>;
      assert.equal(merged['turnout:title_es'], 'Escriban a la alcaldesa', 'PUT merges');
      assert.equal(merged['turnout:letter_body_es'], 'Por favor, finánciénlo.');

      const bad = await api.put(`/advocacy_campaigns/${id}`, { title: 'Changed', 'turnout:title_es': 'z'.repeat(201) });
      assert.equal(bad.status, 400);
      assert.match(bad.text, /turnout:title_es: The Spanish title must be 200 characters or fewer \(it has 201\)/);
      const unchanged = (await api.get(`/advocacy_campaigns/${id}`)).body as Record<string, unknown>;
      assert.equal(unchanged.title, 'Write the mayor', 'nothing written');
      assert.equal(unchanged['turnout:title_es'], 'Escriban a la alcaldesa');

      const cleared = await api.put(`/advocacy_campaigns/${id}`, { 'turnout:title_es': null });
      assert.equal((cleared.body as Record<string, unknown>)['turnout:title_es'], null);
      assert.equal(((await api.get(`/advocacy_campaigns/${id}`)).body as Record<string, unknown>)['turnout:letter_body_es'], 'Por favor, finánciénlo.');

      // An outreach recorded for a Spanish speaker without its own words takes the Spanish letter.
      await api.put(`/advocacy_campaigns/${id}`, { targets: [{ given_name: 'Bo', family_name: 'Chen', title: 'Mayor', 'turnout:email_address': 'bo@city.example' }] });
      const rec = await api.post(`/advocacy_campaigns/${id}/outreaches`, {
        person: { given_name: 'Luz', family_name: 'Mora', email_addresses: [{ address: 'luz@example.org' }], postal_addresses: [{ postal_code: '60605', country: 'US' }], languages_spoken: ['es'] },
      });
      assert.equal(rec.status, 200, rec.text);
      const outreach = rec.body as Record<string, unknown>;
      assert.equal(outreach.subject, 'Financien el transporte');
      assert.equal(outreach.message, 'Por favor, finánciénlo.');
    });
  });
}
