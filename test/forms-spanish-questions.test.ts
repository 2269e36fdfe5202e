import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, FORM, type Harness } from './helpers.ts';
import { organization, organizerIn, type SignedIn } from './admin-helpers.ts';
import { apiOrganization, idOf, type ApiClient } from './api-support.ts';
import { checkQuestions, createForm, formCache } from '../src/forms/index.ts';
import { questionsOf } from '../src/forms/questions.ts';
import { customFieldsOf } from '../src/people/index.ts';
import { nowIso } from '../src/util/ids.ts';

// A form's questions in both languages (src/forms/README.md, "Both languages"): each reader
// sees the question, hint and choices in their language when the organizer wrote them, the
// other language marked with `lang` otherwise, and a choice's value stays the English option.

/** A browser's form body, a field repeated for each ticked box. */
const body = (fields: Record<string, string | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
};

const person = (email: string) => ({ given_name: 'Lucía', family_name: 'Mora', email, postal_code: '94110' });

for (const target of targets()) {
  describe(`forms' Spanish questions on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let owner: SignedIn;
    let api: ApiClient;
    let slug: string;
    let formId: string;
    const db = () => h.ctx.database.db;

    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Spanish Questions Org')).id;
      owner = await organizerIn(h, orgId, 'owner', 'owner@spanish-questions.example');
      api = await apiOrganization(h, 'spanish-questions-api');
      const { questions, errors } = checkQuestions([
        { id: 'size', kind: 'one_choice', label: 'Shirt size', hint: 'We print them in June.', label_es: 'Talla de camiseta', hint_es: 'Las imprimimos en junio.', options: ['Small', 'Large'], options_es: ['Pequeña', 'Grande'], required: true, field: 'shirt' },
        { id: 'days', kind: 'choices', label: 'Days you can help', label_es: 'Días que puedes ayudar', options: ['Saturday', 'Sunday'], options_es: ['Sábado', 'Domingo'] },
        { id: 'story', kind: 'long_text', label: 'Your story', hint: 'Why you ride.' },
        { id: 'note', kind: 'short_text', label: 'Anything else', hint_es: 'Solo si quieres.' },
        { id: 'team', kind: 'one_choice', label: 'Team', options: ['Blue', 'Green'] },
      ]);
      assert.deepEqual(errors, {});
      const form = await createForm(db(), orgId, { title: 'Volunteer with us', description: 'Join the ride.', questions, status: 'open' }, nowIso());
      slug = form.slug;
      formId = form.id;
    });
    after(() => h.close());

    const read = (url: string, lang: string) => h.app.inject({ url, headers: { 'accept-language': lang } });
    const post = (fields: Record<string, string | string[]>, lang: string) =>
      h.app.inject({ method: 'POST', url: `/forms/${slug}`, headers: { ...FORM, 'accept-language': lang }, payload: body(fields) });
    const consolePost = (url: string, fields: Record<string, string | string[]>) =>
      h.app.inject({ method: 'POST', url, headers: { ...FORM, cookie: owner.cookie }, payload: body({ _csrf: owner.csrf, ...fields }) });
    const submissions = async () => (await db().selectFrom('submissions').select('id').where('form_id', '=', formId).execute()).length;

    it('shows a Spanish browser the Spanish questions, hints and choices, each choice’s value the English option', async () => {
      const es = await read(`/forms/${slug}`, 'es-MX,es;q=0.9');
      assert.equal(es.statusCode, 200);
      assert.match(es.body, /<html lang="es">/);
      assert.match(es.body, /<legend>Talla de camiseta<\/legend>/);
      assert.match(es.body, /<span class="hint" id="q_size-hint">Las imprimimos en junio\.<\/span>/);
      assert.match(es.body, /<input type="radio" id="q_size" name="q_size" value="Small"[^>]*\/?>\s*<label for="q_size">Pequeña<\/label>/);
      assert.match(es.body, /<input type="radio" id="q_size-1" name="q_size" value="Large"[^>]*\/?>\s*<label for="q_size-1">Grande<\/label>/);
      assert.match(es.body, /<legend>Días que puedes ayudar \(opcional\)<\/legend>/);
      assert.match(es.body, /value="Sunday"[^>]*\/?>\s*<label for="q_days-1">Domingo<\/label>/);
      assert.doesNotMatch(es.body, /Shirt size|We print them|>Small<|>Large<|Days you can help|>Saturday<|>Sunday</, 'the translated texts are not shown in English');
    });

    it('shows an English browser the English questions, hints and choices', async () => {
      const en = await read(`/forms/${slug}`, 'en-US,en;q=0.9');
      assert.equal(en.statusCode, 200);
      assert.match(en.body, /<html lang="en">/);
      assert.match(en.body, /<legend>Shirt size<\/legend>/);
      assert.match(en.body, /<span class="hint" id="q_size-hint">We print them in June\.<\/span>/);
      assert.match(en.body, /value="Small"[^>]*\/?>\s*<label for="q_size">Small<\/label>/);
      assert.match(en.body, /<legend>Days you can help \(optional\)<\/legend>/);
      assert.doesNotMatch(en.body, /Talla de camiseta|Las imprimimos|Pequeña|Días que puedes|Domingo/);
    });

    it('marks the text shown in the other language with lang, the page’s own words left unmarked', async () => {
      const es = (await read(`/forms/${slug}`, 'es')).body;
      // No Spanish version: the English question, hint and choices, each marked English.
      assert.match(es, /<label for="q_story"><span lang="en">Your story<\/span> \(opcional\)<\/label>/);
      assert.match(es, /<span class="hint" id="q_story-hint" lang="en">Why you ride\.<\/span>/);
      assert.match(es, /<legend><span lang="en">Team<\/span> \(opcional\)<\/legend>/);
      assert.match(es, /value="Blue"[^>]*\/?>\s*<label for="q_team" lang="en">Blue<\/label>/);
      // A Spanish hint under an English question, on the Spanish page: only the question is marked.
      assert.match(es, /<label for="q_note"><span lang="en">Anything else<\/span> \(opcional\)<\/label>/);
      assert.match(es, /<span class="hint" id="q_note-hint">Solo si quieres\.<\/span>/);
      assert.doesNotMatch(es, /<label for="q_size"[^>]*lang=/, 'a translated choice is not marked');
      // In the English page's form the only Spanish text is that hint, marked Spanish.
      const en = /<form method="post"[\s\S]*<\/form>/.exec((await read(`/forms/${slug}`, 'en')).body)![0];
      assert.match(en, /<span class="hint" id="q_note-hint" lang="es">Solo si quieres\.<\/span>/);
      assert.equal((en.match(/ lang="es"/g) ?? []).length, 1, en.match(/<[^>]* lang="es"[^>]*>/g)?.join(' '));
      assert.doesNotMatch(en, / lang="en"/);
    });

    it('stores a Spanish reader’s choices as the English options, in the answers, the custom fields, the API and the CSV', async () => {
      // What the Spanish page's radios and boxes send: their values, the English options.
      const refused = await post({ ...person('lucia@example.org'), lang: 'es', q_days: ['Sunday'] }, 'es');
      assert.equal(refused.statusCode, 422);
      assert.match(refused.body, /Elige una respuesta para «Talla de camiseta»/, 'the error names the question as the reader read it');
      assert.equal(await submissions(), 0);
      const sent = await post({ ...person('lucia@example.org'), lang: 'es', q_size: 'Large', q_days: ['Sunday', 'Saturday'], q_team: 'Green' }, 'es');
      assert.equal(sent.statusCode, 303, sent.body);
      const row = await db().selectFrom('submissions').selectAll().where('form_id', '=', formId).executeTakeFirstOrThrow();
      assert.equal(row.language, 'es');
      assert.deepEqual(JSON.parse(row.answers!), { size: 'Large', days: ['Saturday', 'Sunday'], team: 'Green' });
      const p = await db().selectFrom('people').select('id').where('email', '=', 'lucia@example.org').where('organization_id', '=', orgId).executeTakeFirstOrThrow();
      assert.deepEqual(await customFieldsOf(db(), orgId, p.id), { shirt: 'Large', days_you_can_help: 'Saturday; Sunday', team: 'Green' });
      // The Spanish text itself is not an option offered: values stay one per choice.
      const spanishText = await post({ ...person('otra@example.org'), lang: 'es', q_size: 'Grande' }, 'es');
      assert.equal(spanishText.statusCode, 422);
      assert.match(spanishText.body, /Elige una de las respuestas ofrecidas para «Talla de camiseta»/);
      assert.equal(await submissions(), 1);

      const csv = await h.app.inject({ url: `/admin/forms/${formId}/submissions.csv`, headers: { cookie: owner.cookie } });
      assert.equal(csv.statusCode, 200);
      assert.match(csv.body, /Large/);
      assert.doesNotMatch(csv.body, /Grande|Domingo/);

      // The copy of the answers reads as the form did: the Spanish question and choices.
      h.mailer.sent = [];
      await h.runJobs();
      const mail = h.mailer.sent.find((m) => m.to === 'lucia@example.org');
      assert.ok(mail, 'the autoresponse is sent');
      assert.match(mail.text, /Talla de camiseta\n+Grande/);
      assert.match(mail.text, /Días que puedes ayudar\n+Sábado, Domingo/);
      assert.match(mail.text, /Team\n+Green/);
      assert.doesNotMatch(mail.text, /Shirt size|Large/);
    });

    it('refuses Spanish choices that are not one per choice, in the console and the API, writing nothing', async () => {
      // The checker, in both languages, names the question.
      const mismatch = [{ kind: 'one_choice', label: 'Shirt size', options: ['Small', 'Medium', 'Large'], options_es: ['Pequeña', 'Grande'] }];
      assert.match(checkQuestions(mismatch).errors['0.options_es']!, /^Question 1, “Shirt size”: give one Spanish choice for each of its 3 choices, one per line in the same order \(2 were given\)/);
      assert.match(checkQuestions(mismatch, 'es').errors['0.options_es']!, /^Pregunta 1, «Shirt size»: da una opción en español por cada una de sus 3 opciones/);

      const before = await db().selectFrom('forms').selectAll().where('id', '=', formId).executeTakeFirstOrThrow();
      const edit = await consolePost(`/admin/forms/${formId}/edit`, {
        title: 'Volunteer with us', slug, description: 'Join the ride.', status: 'open', challenge: 'automatic',
        q0_kind: 'one_choice', q0_label: 'Shirt size', q0_options: 'Small\nMedium\nLarge', q0_options_es: 'Pequeña\nGrande', q0_order: '1',
      });
      assert.equal(edit.statusCode, 422);
      assert.match(edit.body, /id="q0_options_es-error">Question 1, “Shirt size”: give one Spanish choice for each of its 3 choices/);
      assert.match(edit.body, /<textarea id="q0_options_es" name="q0_options_es" rows="3" lang="es"[^>]*>Pequeña\nGrande<\/textarea>/, 'what was typed is kept');
      const after = await db().selectFrom('forms').selectAll().where('id', '=', formId).executeTakeFirstOrThrow();
      assert.equal(after.questions, before.questions);
      assert.equal(after.modified_at, before.modified_at);

      const formsBefore = (await db().selectFrom('forms').select('id').where('organization_id', '=', orgId).execute()).length;
      const made = await consolePost('/admin/forms/new', { title: 'Another', description: '', status: 'open', q0_kind: 'choices', q0_label: 'Days', q0_options: 'Sat\nSun', q0_options_es: 'Sábado', q0_order: '1' });
      assert.equal(made.statusCode, 422);
      assert.equal((await db().selectFrom('forms').select('id').where('organization_id', '=', orgId).execute()).length, formsBefore);

      const viaApi = await api.post('/forms', { title: 'API form', 'turnout:questions': mismatch });
      assert.equal(viaApi.status, 400);
      assert.match(viaApi.text, /turnout:questions\[0\]: Question 1, “Shirt size”: give one Spanish choice for each of its 3 choices/);
      assert.equal((await api.get('/forms')).body.total_records, 0);
    });

    it('round-trips the Spanish fields through the editor, without JavaScript', async () => {
      const blank = await h.app.inject({ url: '/admin/forms/new', headers: { cookie: owner.cookie } });
      assert.match(blank.body, /<input type="text" id="q0_label_es" name="q0_label_es" value="" lang="es"/);
      assert.match(blank.body, /<textarea id="q0_options_es" name="q0_options_es" rows="3" lang="es"/);
      assert.doesNotMatch(blank.body, /<script/);
      const made = await consolePost('/admin/forms/new', {
        title: 'Ride survey', description: '', status: 'open',
        q0_kind: 'one_choice', q0_label: 'How often?', q0_hint: 'Roughly.', q0_options: 'Daily\nWeekly\n\nDaily', q0_label_es: '¿Con qué frecuencia?', q0_hint_es: 'Más o menos.', q0_options_es: 'A diario\nCada semana\n\nOtra vez', q0_order: '1',
        q1_kind: 'short_text', q1_label: 'Your route', q1_order: '2',
        // A blank row adds nothing.
        q2_kind: 'short_text', q2_label: '', q2_label_es: '', q2_order: '3',
      });
      assert.equal(made.statusCode, 303, made.body);
      const id = /\/admin\/forms\/([0-9a-f-]+)/.exec(made.headers.location as string)![1]!;
      const stored = async () => questionsOf(await db().selectFrom('forms').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
      const [often, route] = await stored();
      assert.equal((await stored()).length, 2);
      assert.deepEqual(
        { label_es: often!.label_es, hint_es: often!.hint_es, options: often!.options, options_es: often!.options_es },
        { label_es: '¿Con qué frecuencia?', hint_es: 'Más o menos.', options: ['Daily', 'Weekly'], options_es: ['A diario', 'Cada semana'] },
        'a repeated choice is dropped with its Spanish one',
      );
      assert.equal(route!.label_es, undefined, 'no Spanish version stores nothing');
      assert.equal(route!.options_es, undefined);

      const edit = await h.app.inject({ url: `/admin/forms/${id}/edit`, headers: { cookie: owner.cookie } });
      assert.equal(edit.statusCode, 200);
      assert.match(edit.body, /<input type="text" id="q0_label_es" name="q0_label_es" value="¿Con qué frecuencia\?" lang="es"/);
      assert.match(edit.body, /<input type="text" id="q0_hint_es" name="q0_hint_es" value="Más o menos\." lang="es"/);
      assert.match(edit.body, /<textarea id="q0_options_es" name="q0_options_es" rows="3" lang="es"[^>]*>A diario\nCada semana<\/textarea>/);
      assert.match(edit.body, /<input type="text" id="q1_label_es" name="q1_label_es" value="" lang="es"/);

      // Saved back as shown: nothing changes.
      const same = {
        title: 'Ride survey', slug: 'ride-survey', description: '', status: 'open', challenge: 'automatic',
        q0_id: often!.id, q0_kind: 'one_choice', q0_label: 'How often?', q0_hint: 'Roughly.', q0_options: 'Daily\nWeekly', q0_label_es: '¿Con qué frecuencia?', q0_hint_es: 'Más o menos.', q0_options_es: 'A diario\nCada semana', q0_field: often!.field, q0_order: '1',
        q1_id: route!.id, q1_kind: 'short_text', q1_label: 'Your route', q1_field: route!.field, q1_order: '2',
      };
      const again = await consolePost(`/admin/forms/${id}/edit`, same);
      assert.equal(again.statusCode, 303);
      assert.match(again.headers.location as string, /notice=unchanged/);

      // Emptied, the Spanish versions are gone; a Spanish question added to the second is kept.
      const changed = await consolePost(`/admin/forms/${id}/edit`, { ...same, q0_label_es: '', q0_hint_es: '', q0_options_es: '', q1_label_es: 'Tu ruta' });
      assert.equal(changed.statusCode, 303);
      assert.match(changed.headers.location as string, /notice=saved/);
      const [often2, route2] = await stored();
      assert.equal(often2!.label_es, undefined);
      assert.equal(often2!.options_es, undefined);
      assert.equal(route2!.label_es, 'Tu ruta');

      // An error on a Spanish field is shown beside it, in its row.
      const wrong = await consolePost(`/admin/forms/${id}/edit`, { ...same, q1_label_es: 'x'.repeat(301) });
      assert.equal(wrong.statusCode, 422);
      assert.match(wrong.body, /id="q1_label_es-error">Question 2: the Spanish question must be 300 characters or fewer/);
    });

    it('presents and accepts the Spanish fields in the API, null for questions without them', async () => {
      const made = await api.post('/forms', {
        title: 'API survey',
        'turnout:questions': [
          { id: 'size', kind: 'one_choice', label: 'Size', label_es: 'Talla', hint_es: 'Elige una.', options: ['S', 'L'], options_es: ['P', 'G'] },
          { id: 'why', kind: 'short_text', label: 'Why?' },
        ],
      });
      assert.equal(made.status, 200, made.text);
      const [size, why] = made.body['turnout:questions'];
      assert.deepEqual([size.label_es, size.hint_es, size.options_es], ['Talla', 'Elige una.', ['P', 'G']]);
      assert.deepEqual([why.label_es, why.hint_es, why.options_es], [null, null, null]);
      const id = idOf(made.body);
      // A PUT that leaves the questions out keeps them, Spanish versions too; null removes one.
      const kept = await api.put(`/forms/${id}`, { title: 'API survey, renamed' });
      assert.equal(kept.body['turnout:questions'][0].label_es, 'Talla');
      const put = await api.put(`/forms/${id}`, { 'turnout:questions': [{ ...size, label_es: null, options_es: null }, why] });
      assert.equal(put.status, 200, put.text);
      assert.deepEqual([put.body['turnout:questions'][0].label_es, put.body['turnout:questions'][0].hint_es, put.body['turnout:questions'][0].options_es], [null, 'Elige una.', null]);
      // The record submission helper takes the English option, as the page sends it.
      const helper = await api.post(`/forms/${id}/submissions`, { person: { email_addresses: [{ address: 'api-es@example.org' }] }, 'turnout:answers': { size: 'L' } });
      assert.equal(helper.status, 200, helper.text);
      assert.deepEqual(helper.body['turnout:answers'], { size: 'L' });
    });

    it('keeps showing questions stored before the Spanish versions', async () => {
      const old = JSON.stringify([{ id: 'old1', kind: 'one_choice', label: 'Old question', hint: '', required: false, options: ['Yes', 'No'], field: 'old_question' }]);
      await db().updateTable('forms').set({ questions: old }).where('id', '=', formId).execute();
      formCache(h.ctx).forget(slug);
      const es = await read(`/forms/${slug}`, 'es');
      assert.equal(es.statusCode, 200);
      assert.match(es.body, /<legend><span lang="en">Old question<\/span> \(opcional\)<\/legend>/);
      assert.match(es.body, /value="No"[^>]*\/?>\s*<label for="q_old1-1" lang="en">No<\/label>/);
      const sent = await post({ ...person('old@example.org'), lang: 'es', q_old1: 'No' }, 'es');
      assert.equal(sent.statusCode, 303);
      const edit = await h.app.inject({ url: `/admin/forms/${formId}/edit`, headers: { cookie: owner.cookie } });
      assert.match(edit.body, /<input type="text" id="q0_label_es" name="q0_label_es" value="" lang="es"/);
    });
  });
}
