import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { targets, form, FORM } from './helpers.ts';
import { spanishSuite } from './spanish-support.ts';
import { apiOrganization, idOf } from './api-support.ts';
import { letterInput, makeLetter, signAndConfirm, signAsOrganization } from './open-letters-support.ts';
import { checkLetter, letterCache, moderateSignature, placeSignature } from '../src/open-letters/index.ts';
import { nowIso } from '../src/util/ids.ts';
import { translator } from '../src/i18n/index.ts';

// An open letter's own words in both languages (src/kits/pages/localized.ts), as petitions have
// them: each reader gets their version, and text shown in the other language carries its `lang`.

describe('checkLetter and the Spanish versions', () => {
  it('keeps a stored version when the field is absent, stores null for an empty one, and trims what is given', () => {
    assert.equal('title_es' in checkLetter(letterInput()).fields!, false, 'absent stays absent');
    const f = checkLetter(letterInput({ titleEs: '  ', descriptionEs: null, letterTextEs: ' Estimada Sra. Reyes:\r\n\r\nDeje de vender. ' })).fields!;
    assert.equal(f.title_es, null);
    assert.equal(f.description_es, null);
    assert.equal(f.letter_text_es, 'Estimada Sra. Reyes:\n\nDeje de vender.');
  });

  it('refuses a version past the English field’s bounds, or with control characters, in words both catalogs have', () => {
    const { errors, fields } = checkLetter(letterInput({ titleEs: 'x'.repeat(201), descriptionEs: 'y'.repeat(2001), letterTextEs: 'a\u0007b' }));
    assert.equal(fields, undefined);
    assert.equal(errors.title_es, 'The Spanish title must be 200 characters or fewer (it has 201)');
    assert.equal(errors.description_es, 'The Spanish description must be 2,000 characters or fewer (it has 2,001)');
    assert.equal(errors.letter_text_es, 'The Spanish letter contains control characters: remove them');
    assert.equal(checkLetter(letterInput({ titleEs: 'Dos\nlíneas' })).errors.title_es, 'The Spanish title must be one line, without control characters');
    assert.equal(checkLetter(letterInput({ titleEs: 'x'.repeat(200), descriptionEs: 'y'.repeat(2000) })).errors.title_es, undefined, 'the bound itself is allowed');
    const es = translator('es');
    assert.equal(es('openletteredit.error.title_es_too_long', { max: 200, count: 201 }), 'El título en español debe tener 200 caracteres o menos (tiene 201)');
    assert.match(es('openletteredit.error.letter_text_es_invalid'), /La carta en español contiene caracteres de control/);
  });

  it('takes the groups’ Spanish names one for each group, in the same order, or none', () => {
    const groups = ['National', 'Local'];
    assert.deepEqual(checkLetter(letterInput({ groups, groupsEs: [' Nacional ', 'Local'] })).fields!.groups_es, ['Nacional', 'Local']);
    assert.equal(checkLetter(letterInput({ groups, groupsEs: [] })).fields!.groups_es, null);
    assert.equal(checkLetter(letterInput({ groups, groupsEs: null })).fields!.groups_es, null);
    assert.equal(checkLetter(letterInput({ groups, groupsEs: ['Nacional'] })).errors.groups_es, 'Enter the Spanish name of each group, one per line in the same order as the groups: 2 groups, 1 name');
    assert.equal(checkLetter(letterInput({ groups, groupsEs: ['Nacional', ''] })).errors.groups_es, 'Enter the Spanish name of each group, one per line in the same order as the groups: 2 groups, 1 name');
    assert.equal(checkLetter(letterInput({ groups, groupsEs: ['Nacional', 'x'.repeat(101)] })).errors.groups_es, 'Each group’s Spanish name must be one line of 100 characters or fewer');
    assert.equal(translator('es')('openletteredit.error.groups_es_count', { groups: 2, names: 1 }), 'Escribe el nombre en español de cada grupo, uno por línea en el mismo orden que los grupos: 2 grupos, 1 nombre');
  });
});

for (const target of targets()) {
  describe(`open letters’ Spanish texts on ${target.name}`, () => {
    const suite = spanishSuite(target, { name: 'Caras No Datos', organizer: 'organizer@cnd.example' });
    const { db, read, post } = suite;
    let n = 0;

    const letter = (spanish: { titleEs?: string | null; descriptionEs?: string | null; letterTextEs?: string | null } = {}) =>
      makeLetter(suite.h, suite.orgId, { title: `Letter to Lumidex ${++n}`, description: 'Coalition letter.', letterText: 'Stop selling **face surveillance**.', ...spanish });
    const count = async () => Number((await db().selectFrom('open_letters').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const spanish = { titleEs: 'Carta a Lumidex', descriptionEs: 'Carta de la coalición.', letterTextEs: 'Dejen de vender **vigilancia facial**.' };

    it('shows the Spanish version to a Spanish browser and the English one to an English browser', async () => {
      const l = await letter(spanish);
      const es = await read(`/open_letters/${l.slug}`, 'es');
      assert.equal(es.statusCode, 200);
      assert.match(es.body, /<html lang="es">/);
      assert.match(es.body, /<title>Carta a Lumidex/);
      assert.match(es.body, /<h1>Carta a Lumidex<\/h1>/);
      assert.match(es.body, /<p class="lede">Carta de la coalición\.<\/p>/);
      assert.match(es.body, /<blockquote class="petition-text"><p>Dejen de vender <strong>vigilancia facial<\/strong>\.<\/p>/);
      assert.match(es.body, /<meta property="og:title" content="Carta a Lumidex"/);
      assert.match(es.body, /<meta property="og:description" content="Carta de la coalición\."/);
      assert.doesNotMatch(es.body, /Letter to Lumidex|Coalition letter|Stop selling/);
      assert.doesNotMatch(es.body, /<(h1|p|blockquote)[^>]* lang="en"/, 'nothing is marked as English');

      const en = await read(`/open_letters/${l.slug}`, 'en');
      assert.equal(en.statusCode, 200);
      assert.match(en.body, /<html lang="en">/);
      assert.match(en.body, new RegExp(`<title>Letter to Lumidex ${n}`));
      assert.match(en.body, new RegExp(`<h1>Letter to Lumidex ${n}</h1>`));
      assert.match(en.body, /<p class="lede">Coalition letter\.<\/p>/);
      assert.match(en.body, /<meta property="og:title" content="Letter to Lumidex/);
      assert.doesNotMatch(en.body, /Carta a Lumidex|coalición|Dejen de vender/);

      // The share picture follows the title it shows: the Spanish one is another picture, and both are drawn.
      const image = (body: string) => /property="og:image" content="([^"]+)"/.exec(body)![1]!;
      assert.notEqual(image(es.body), image(en.body));
      for (const [body, lang] of [[es.body, 'es'], [en.body, 'en']] as const) {
        const png = await read(new URL(image(body)).pathname + new URL(image(body)).search, lang);
        assert.equal(png.statusCode, 200);
        assert.equal(png.headers['content-type'], 'image/png');
      }

      // The home page's list of open letters names it in the reader's version.
      const home = await read('/', 'es');
      assert.match(home.body, new RegExp(`<a href="/open_letters/${l.slug}">Carta a Lumidex</a>`));
    });

    it('shows the English text on the Spanish page inside elements marked lang="en" where there is no Spanish version', async () => {
      const l = await letter();
      const es = await read(`/open_letters/${l.slug}`, 'es');
      assert.equal(es.statusCode, 200);
      assert.match(es.body, new RegExp(`<h1 lang="en">Letter to Lumidex ${n}</h1>`));
      assert.match(es.body, /<p class="lede" lang="en">Coalition letter\.<\/p>/);
      assert.match(es.body, /<blockquote class="petition-text" lang="en">/);
      const home = await read('/', 'es');
      assert.match(home.body, new RegExp(`<a href="/open_letters/${l.slug}" lang="en">Letter to Lumidex ${n}</a>`));
      const en = await read(`/open_letters/${l.slug}`, 'en');
      assert.match(en.body, new RegExp(`<h1>Letter to Lumidex ${n}</h1>`));
      assert.doesNotMatch(en.body, /<(h1|p|blockquote)[^>]* lang=/, 'nothing is marked on the English page');

      // Only the title translated: the rest stays English, marked, field by field.
      const some = await letter({ titleEs: 'Solo el título' });
      const mixed = await read(`/open_letters/${some.slug}`, 'es');
      assert.match(mixed.body, /<h1>Solo el título<\/h1>/);
      assert.match(mixed.body, /<p class="lede" lang="en">Coalition letter\.<\/p>/);
      assert.match(mixed.body, /<blockquote class="petition-text" lang="en">/);
    });

    it('heads the list’s groups with their Spanish names on a Spanish page, and marks those without one', async () => {
      const l = await makeLetter(suite.h, suite.orgId, { title: `Grouped letter ${++n}`, groups: ['National', 'State', 'Local'], groupsEs: ['Nacional', 'Estatal', 'Local'] });
      const row = await db().selectFrom('open_letters').select('groups_es').where('id', '=', l.id).executeTakeFirstOrThrow();
      assert.equal(row.groups_es, '["Nacional","Estatal","Local"]');
      for (const [name, group] of [['Red Nacional', 'National'], ['Grupo Estatal', 'State']] as const) {
        const email = `${name.replace(' ', '').toLowerCase()}${n}@groups.example`;
        const done = await signAndConfirm(suite.h, l.slug, { org_name: name, website: '', email });
        assert.equal(done.statusCode, 200, done.body);
        const s = await db().selectFrom('open_letter_signatures').select('id').where('open_letter_id', '=', l.id).where('org_name', '=', name).executeTakeFirstOrThrow();
        await moderateSignature(db(), l, s.id, 'approved', null, nowIso());
        await placeSignature(db(), l, s.id, group, false, nowIso());
      }
      letterCache(suite.h.ctx).forget(l.slug);
      const es = await read(`/open_letters/${l.slug}`, 'es');
      assert.match(es.body, /<h3>Nacional<\/h3>/);
      assert.match(es.body, /<h3>Estatal<\/h3>/);
      assert.doesNotMatch(es.body, /<h3[^>]*>(National|State)<\/h3>/);
      const en = await read(`/open_letters/${l.slug}`, 'en');
      assert.match(en.body, /<h3>National<\/h3>/);
      assert.match(en.body, /<h3>State<\/h3>/);
      assert.doesNotMatch(en.body, /<h3[^>]*>(Nacional|Estatal)<\/h3>/);

      // Without Spanish names, the English ones are marked.
      const plain = await makeLetter(suite.h, suite.orgId, { title: `Grouped letter ${++n}`, groups: ['National'] });
      const done = await signAndConfirm(suite.h, plain.slug, { org_name: 'Red Sin Nombre', website: '', email: `sin${n}@groups.example` });
      assert.equal(done.statusCode, 200, done.body);
      const s = await db().selectFrom('open_letter_signatures').select('id').where('open_letter_id', '=', plain.id).executeTakeFirstOrThrow();
      await moderateSignature(db(), plain, s.id, 'approved', null, nowIso());
      await placeSignature(db(), plain, s.id, 'National', false, nowIso());
      letterCache(suite.h.ctx).forget(plain.slug);
      assert.match((await read(`/open_letters/${plain.slug}`, 'es')).body, /<h3 lang="en">National<\/h3>/);
    });

    it('names the letter in the signer’s language in the confirmation email and on the thank-you and confirmation pages', async () => {
      const l = await letter({ titleEs: 'Carta a Lumidex' });
      const signed = await signAsOrganization(suite.h, l.slug, { lang: 'es', org_name: `Caras ${n}`, email: `ana${n}@caras.example` });
      assert.equal(signed.statusCode, 303, signed.body);
      const inEnglish = await signAsOrganization(suite.h, l.slug, { lang: 'en', org_name: `Faces ${n}`, email: `ada${n}@faces.example` });
      assert.equal(inEnglish.statusCode, 303, inEnglish.body);
      suite.h.mailer.sent.length = 0;
      await suite.h.runJobs();
      const mail = suite.h.mailer.sent.find((m) => m.to === `ana${n}@caras.example`);
      assert.ok(mail, 'the confirmation email was sent');
      assert.equal(mail.subject, 'Confirma tu firma: Carta a Lumidex');
      assert.match(mail.text, /la carta abierta «Carta a Lumidex»/);
      const english = suite.h.mailer.sent.find((m) => m.to === `ada${n}@faces.example`);
      assert.ok(english, 'the English signer’s email was sent');
      assert.equal(english.subject, `Confirm your signature: Letter to Lumidex ${n}`);

      const thanks = await read(`/open_letters/${l.slug}/thanks`, 'es');
      assert.match(thanks.body, /Carta a Lumidex/);
      assert.doesNotMatch(thanks.body, /Letter to Lumidex/);
      const link = /http:\/\/turnout\.test(\/open_letters\/\S+\/confirm\/\S+)/.exec(mail.text)![1]!;
      const confirm = await read(link, 'es');
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /tu firma en «Carta a Lumidex»/);
      const done = await suite.h.app.inject({ method: 'POST', url: link, headers: FORM, payload: form({ lang: 'es' }) });
      assert.equal(done.statusCode, 200);
      assert.match(done.body, /«Carta a Lumidex»/);
    });

    it('saves the Spanish fields from the console, shows them again on edit, and refuses a Spanish title that is too long without saving anything', async () => {
      const base = { title: 'Letter to the mayor', slug: '', description: 'From the coalition.', letter_text: 'Dear Mayor,\n\nStop.', targets: 'Mayor Ruiz', status: 'open', deadline: '', hold_until_count: '', hold_until_date: '', list_order: 'alphabetical', groups: '' };
      const page = await suite.h.app.inject({ url: '/admin/open_letters/new', headers: { cookie: suite.organizer.cookie } });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<legend>Spanish version \(optional\)<\/legend>/);
      assert.match(page.body, /<input type="text" id="title_es" name="title_es" value="" lang="es"/);
      assert.match(page.body, /<textarea id="description_es" name="description_es" rows="3" lang="es"/);
      assert.match(page.body, /<textarea id="letter_text_es" name="letter_text_es" rows="14" lang="es"/);
      assert.match(page.body, /<textarea id="groups_es" name="groups_es" rows="4" lang="es"/);

      const before = await count();
      const tooLong = await post('/admin/open_letters/new', { ...base, title_es: 'x'.repeat(201), description_es: 'Guardado', letter_text_es: 'Estimada alcaldesa:' });
      assert.equal(tooLong.statusCode, 422);
      assert.match(tooLong.body, /The Spanish title must be 200 characters or fewer \(it has 201\)/);
      assert.match(tooLong.body, /href="#title_es"/);
      assert.match(tooLong.body, /<span class="error-message"[^>]*>The Spanish title must be/, 'the message beside the field');
      assert.match(tooLong.body, /Estimada alcaldesa:<\/textarea>/, 'what was typed is kept');
      assert.equal(await count(), before, 'nothing saved');

      const fewer = await post('/admin/open_letters/new', { ...base, groups: 'National\nLocal', groups_es: 'Nacional' });
      assert.equal(fewer.statusCode, 422);
      assert.match(fewer.body, /Enter the Spanish name of each group, one per line in the same order as the groups: 2 groups, 1 name/);
      assert.match(fewer.body, /href="#groups_es"/);
      assert.equal(await count(), before, 'nothing saved');

      const created = await post('/admin/open_letters/new', { ...base, groups: 'National\nLocal', groups_es: 'Nacional\r\nLocal', title_es: ' Carta a la alcaldesa ', description_es: 'De la coalición.', letter_text_es: 'Estimada alcaldesa:\r\n\r\nBasta.' });
      assert.equal(created.statusCode, 303, created.body);
      const id = /\/admin\/open_letters\/([0-9a-f-]{36})/.exec(created.headers.location as string)![1]!;
      const row = await db().selectFrom('open_letters').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.title_es, 'Carta a la alcaldesa');
      assert.equal(row.description_es, 'De la coalición.');
      assert.equal(row.letter_text_es, 'Estimada alcaldesa:\n\nBasta.');
      assert.equal(row.groups_es, '["Nacional","Local"]');
      const es = await read(`/open_letters/${row.slug}`, 'es');
      assert.match(es.body, /<h1>Carta a la alcaldesa<\/h1>/);
      assert.match(es.body, /<p>Estimada alcaldesa:<\/p>\s*<p>Basta\.<\/p>/);

      const edit = await suite.h.app.inject({ url: `/admin/open_letters/${id}/edit`, headers: { cookie: suite.organizer.cookie } });
      assert.match(edit.body, /value="Carta a la alcaldesa" lang="es"/);
      assert.match(edit.body, /De la coalición\.<\/textarea>/);
      assert.match(edit.body, /Estimada alcaldesa:\n\nBasta\.<\/textarea>/);
      assert.match(edit.body, /lang="es"[^>]*>Nacional\nLocal<\/textarea>/);
      const withGroups = { ...base, groups: 'National\nLocal', groups_es: 'Nacional\nLocal' };

      const unchanged = await post(`/admin/open_letters/${id}/edit`, { ...withGroups, slug: row.slug, title_es: 'Carta a la alcaldesa', description_es: 'De la coalición.', letter_text_es: 'Estimada alcaldesa:\n\nBasta.' });
      assert.match(unchanged.headers.location as string, /notice=unchanged/, 'the same values change nothing');

      const tooLongText = await post(`/admin/open_letters/${id}/edit`, { ...withGroups, slug: row.slug, title_es: '', description_es: 'y'.repeat(2001), letter_text_es: 'Basta.' });
      assert.equal(tooLongText.statusCode, 422);
      assert.match(tooLongText.body, /The Spanish description must be 2,000 characters or fewer/);
      assert.match(tooLongText.body, /href="#description_es"/);
      const kept = await db().selectFrom('open_letters').select(['title_es', 'letter_text_es']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(kept, { title_es: 'Carta a la alcaldesa', letter_text_es: 'Estimada alcaldesa:\n\nBasta.' }, 'nothing saved');

      // Emptying a field removes that version; the page then shows English there, marked.
      const saved = await post(`/admin/open_letters/${id}/edit`, { ...withGroups, slug: row.slug, title_es: '', description_es: 'De la coalición.', letter_text_es: 'Basta.' });
      assert.equal(saved.statusCode, 303, saved.body);
      assert.match(saved.headers.location as string, /notice=saved/);
      const after = await db().selectFrom('open_letters').select(['title_es', 'letter_text_es']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(after, { title_es: null, letter_text_es: 'Basta.' });
      const cleared = await post(`/admin/open_letters/${id}/edit`, { ...withGroups, groups_es: '', slug: row.slug, title_es: '', description_es: 'De la coalición.', letter_text_es: 'Basta.' });
      assert.match(cleared.headers.location as string, /notice=saved/);
      assert.equal((await db().selectFrom('open_letters').select('groups_es').where('id', '=', id).executeTakeFirstOrThrow()).groups_es, null);
      const shown = await read(`/open_letters/${row.slug}`, 'es');
      assert.match(shown.body, /<h1 lang="en">Letter to the mayor<\/h1>/);
      assert.match(shown.body, /<p class="lede">De la coalición\.<\/p>/);
    });

    it('reads and writes turnout:title_es, turnout:description_es and turnout:letter_text_es through the API', async () => {
      const api = await apiOrganization(suite.h, 'api-open-letters-es');
      const created = await api.post('/open_letters', { title: 'Plant trees', 'turnout:letter_text': 'Plant them.', 'turnout:title_es': ' Planten árboles ', 'turnout:letter_text_es': 'Plántenlos.', 'turnout:description_es': '', 'turnout:groups': ['Cities', 'Towns'], 'turnout:groups_es': ['Ciudades', 'Pueblos'] });
      assert.equal(created.status, 200, created.text);
      assert.equal(created.body['turnout:title_es'], 'Planten árboles');
      assert.equal(created.body['turnout:description_es'], null);
      assert.equal(created.body['turnout:letter_text_es'], 'Plántenlos.');
      assert.deepEqual(created.body['turnout:groups_es'], ['Ciudades', 'Pueblos']);
      const id = idOf(created.body);
      const got = await api.get(`/open_letters/${id}`);
      assert.equal(got.body['turnout:title_es'], 'Planten árboles');
      assert.equal(got.body['turnout:letter_text_es'], 'Plántenlos.');
      const page = await read(new URL(got.body.browser_url as string).pathname, 'es');
      assert.match(page.body, /<h1>Planten árboles<\/h1>/);

      const without = await api.post('/open_letters', { title: 'No Spanish', 'turnout:letter_text': 'Only English.' });
      assert.equal(without.status, 200, without.text);
      assert.equal(without.body['turnout:title_es'], null);
      assert.equal(without.body['turnout:groups_es'], null);

      const before = await count();
      const bad = await api.post('/open_letters', { title: 'Too long', 'turnout:letter_text': 'x', 'turnout:title_es': 'z'.repeat(201) });
      assert.equal(bad.status, 400);
      assert.match(bad.text, /The Spanish title must be 200 characters or fewer \(it has 201\)/);
      assert.equal((await api.post('/open_letters', { title: 'Wrong type', 'turnout:letter_text': 'x', 'turnout:title_es': 7 })).status, 400);
      const groups = await api.post('/open_letters', { title: 'Groups', 'turnout:letter_text': 'x', 'turnout:groups': ['Cities', 'Towns'], 'turnout:groups_es': ['Ciudades'] });
      assert.equal(groups.status, 400);
      assert.match(groups.text, /Enter the Spanish name of each group/);
      assert.equal(await count(), before, 'nothing written');
    });
  });
}
