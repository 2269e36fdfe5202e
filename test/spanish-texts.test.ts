import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { targets, form, FORM } from './helpers.ts';
import { spanishSuite } from './spanish-support.ts';
import { createPetition } from '../src/petitions/service.ts';
import { localized } from '../src/kits/pages/localized.ts';
import { nowIso } from '../src/util/ids.ts';
import { apiOrganization, idOf } from './api-support.ts';
import { dayFromNow, makeEvent } from './events-support.ts';
import { createForm } from '../src/forms/service.ts';

// The campaign's own words in both languages (src/kits/pages/localized.ts): each reader gets
// their version, and text shown in the other language carries its `lang`.

describe('localized', () => {
  it('gives the reader’s version when present, else the other, with lang only where it differs from the page', () => {
    assert.deepEqual(localized('es', 'Save it', 'Sálvalo'), { text: 'Sálvalo', lang: undefined });
    assert.deepEqual(localized('en', 'Save it', 'Sálvalo'), { text: 'Save it', lang: undefined });
    assert.deepEqual(localized('es', 'Save it', null), { text: 'Save it', lang: 'en' });
    assert.deepEqual(localized('es', 'Save it', '  '), { text: 'Save it', lang: 'en' });
    assert.deepEqual(localized('en', '', 'Sálvalo'), { text: 'Sálvalo', lang: 'es' });
    assert.deepEqual(localized('es', '', null), { text: '', lang: undefined });
  });
});

for (const target of targets()) {
  describe(`Spanish texts on ${target.name}`, () => {
    const suite = spanishSuite(target, { name: 'Bibliotecas Abiertas', organizer: 'organizer@ba.example' });
    const { db, read, post } = suite;
    let n = 0;

    const petition = (spanish: { title_es?: string | null; description_es?: string | null; petition_text_es?: string | null }) =>
      createPetition(
        db(),
        suite.orgId,
        { title: `Keep the library open ${++n}`, description: 'The council wants to close it.', petition_text: 'Keep **it** open.', targets: [], goal: null, confirmation_required: false, status: 'open', ...spanish },
        nowIso(),
      );

    describe('petitions', () => {
      it('shows the Spanish version to a Spanish browser and the English one to an English browser', async () => {
        const p = await petition({ title_es: 'Que la biblioteca siga abierta', description_es: 'El ayuntamiento quiere cerrarla.', petition_text_es: 'Mantenla **abierta**.' });
        const es = await read(`/petitions/${p.slug}`, 'es');
        assert.equal(es.statusCode, 200);
        assert.match(es.body, /<html lang="es">/);
        assert.match(es.body, /<h1>Que la biblioteca siga abierta<\/h1>/);
        assert.match(es.body, /<p class="lede">El ayuntamiento quiere cerrarla\.<\/p>/);
        assert.match(es.body, /<blockquote class="petition-text"><p>Mantenla <strong>abierta<\/strong>\.<\/p>/);
        assert.match(es.body, /<meta property="og:title" content="Que la biblioteca siga abierta"/);
        assert.match(es.body, /<meta property="og:description" content="El ayuntamiento quiere cerrarla\."/);
        assert.doesNotMatch(es.body, /Keep the library open|Keep <strong>it/);
        assert.doesNotMatch(es.body, /<(h1|p|blockquote)[^>]* lang="en"/, 'nothing is marked as English');

        const en = await read(`/petitions/${p.slug}`, 'en');
        assert.match(en.body, /<html lang="en">/);
        assert.match(en.body, new RegExp(`<h1>Keep the library open ${n}</h1>`));
        assert.match(en.body, /<p class="lede">The council wants to close it\.<\/p>/);
        assert.doesNotMatch(en.body, /Que la biblioteca|ayuntamiento|Mantenla/);

        // The share picture's version follows what it shows: the Spanish title is another picture.
        const image = (body: string) => /property="og:image" content="([^"]+)"/.exec(body)![1];
        assert.notEqual(image(es.body), image(en.body));
      });

      it('shows the English text on the Spanish page inside elements marked lang="en" when there is no Spanish version', async () => {
        const p = await petition({});
        const es = await read(`/petitions/${p.slug}`, 'es');
        assert.equal(es.statusCode, 200);
        assert.match(es.body, new RegExp(`<h1 lang="en">Keep the library open ${n}</h1>`));
        assert.match(es.body, /<p class="lede" lang="en">The council wants to close it\.<\/p>/);
        assert.match(es.body, /<blockquote class="petition-text" lang="en">/);
        const en = await read(`/petitions/${p.slug}`, 'en');
        assert.match(en.body, new RegExp(`<h1>Keep the library open ${n}</h1>`));
      });

      it('thanks the signer by email with the title in the language they signed in', async () => {
        const p = await petition({ title_es: 'Salvemos la biblioteca' });
        const res = await suite.h.app.inject({
          method: 'POST',
          url: `/petitions/${p.slug}`,
          headers: FORM,
          payload: form({ lang: 'es', given_name: 'Ana', family_name: 'Ruiz', email: `ana${n}@example.org`, postal_code: '10001', country: 'US' }),
        });
        assert.equal(res.statusCode, 303, res.body);
        suite.h.mailer.sent.length = 0;
        await suite.h.runJobs();
        const mail = suite.h.mailer.sent.find((m) => m.to === `ana${n}@example.org`);
        assert.ok(mail, 'the autoresponse was sent');
        assert.match(mail.subject, /Salvemos la biblioteca/);
        const thanks = await read(`/petitions/${p.slug}/thanks`, 'es');
        assert.match(thanks.body, /Salvemos la biblioteca/);
      });

      it('saves the Spanish fields from the console, and refuses a Spanish title that is too long without saving anything', async () => {
        const base = { title: 'Fund the library', slug: '', description: 'It needs books.', petition_text: 'Fund it.', targets: '', goal: '', status: 'open' };
        const page = await suite.h.app.inject({ url: '/admin/petitions/new', headers: { cookie: suite.organizer.cookie } });
        assert.match(page.body, /<legend>Spanish version \(optional\)<\/legend>/);
        assert.match(page.body, /<input type="text" id="title_es" name="title_es" value="" lang="es"/);
        assert.match(page.body, /<textarea id="petition_text_es" name="petition_text_es" rows="12" lang="es"/);

        const count = async () => Number((await db().selectFrom('petitions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
        const before = await count();
        const tooLong = await post('/admin/petitions/new', { ...base, title_es: 'x'.repeat(201) });
        assert.equal(tooLong.statusCode, 422);
        assert.match(tooLong.body, /The Spanish title must be 200 characters or fewer \(it has 201\)/);
        assert.match(tooLong.body, /href="#title_es"/);
        assert.equal(await count(), before, 'nothing saved');

        const created = await post('/admin/petitions/new', { ...base, title_es: ' Financien la biblioteca ', description_es: 'Necesita libros.', petition_text_es: 'Finánciala.' });
        assert.equal(created.statusCode, 303, created.body);
        const id = /\/admin\/petitions\/([0-9a-f-]{36})/.exec(created.headers.location as string)![1]!;
        const row = await db().selectFrom('petitions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        assert.equal(row.title_es, 'Financien la biblioteca');
        assert.equal(row.description_es, 'Necesita libros.');
        assert.equal(row.petition_text_es, 'Finánciala.');
        const es = await read(`/petitions/${row.slug}`, 'es');
        assert.match(es.body, /<h1>Financien la biblioteca<\/h1>/);

        // Emptying a field removes that version; the page then shows English, marked.
        const edit = await suite.h.app.inject({ url: `/admin/petitions/${id}/edit`, headers: { cookie: suite.organizer.cookie } });
        assert.match(edit.body, /value="Financien la biblioteca" lang="es"/);
        const tooLongText = await post(`/admin/petitions/${id}/edit`, { ...base, slug: row.slug, title_es: '', description_es: 'y'.repeat(20_001), petition_text_es: 'Finánciala.' });
        assert.equal(tooLongText.statusCode, 422);
        assert.match(tooLongText.body, /The Spanish description must be 20,000 characters or fewer/);
        assert.equal((await db().selectFrom('petitions').select('title_es').where('id', '=', id).executeTakeFirstOrThrow()).title_es, 'Financien la biblioteca');
        const saved = await post(`/admin/petitions/${id}/edit`, { ...base, slug: row.slug, title_es: '', description_es: 'Necesita libros.', petition_text_es: 'Finánciala.' });
        assert.equal(saved.statusCode, 303, saved.body);
        assert.equal((await db().selectFrom('petitions').select('title_es').where('id', '=', id).executeTakeFirstOrThrow()).title_es, null);
        const after = await read(`/petitions/${row.slug}`, 'es');
        assert.match(after.body, /<h1 lang="en">Fund the library<\/h1>/);
        assert.match(after.body, /<p class="lede">Necesita libros\.<\/p>/);
      });

      it('reads and writes the Spanish versions through the API as turnout:title_es and its siblings', async () => {
        const api = await apiOrganization(suite.h, 'api-es');
        const created = await api.post('/petitions', { title: 'Plant trees', petition_text: 'Plant them.', 'turnout:title_es': 'Planten árboles' });
        assert.equal(created.status, 200, created.text);
        assert.equal(created.body['turnout:title_es'], 'Planten árboles');
        assert.equal(created.body['turnout:description_es'], null);
        const id = idOf(created.body);
        const put = await api.put(`/petitions/${id}`, { 'turnout:petition_text_es': 'Plántenlos.' });
        assert.equal(put.status, 200, put.text);
        assert.equal(put.body['turnout:title_es'], 'Planten árboles', 'PUT merges');
        assert.equal(put.body['turnout:petition_text_es'], 'Plántenlos.');
        const bad = await api.put(`/petitions/${id}`, { 'turnout:title_es': 'z'.repeat(201) });
        assert.equal(bad.status, 400);
        assert.match(bad.text, /turnout:title_es must be 200 characters or fewer/);
        const cleared = await api.put(`/petitions/${id}`, { 'turnout:title_es': null });
        assert.equal(cleared.body['turnout:title_es'], null);
        assert.equal((await api.get(`/petitions/${id}`)).body['turnout:petition_text_es'], 'Plántenlos.');
      });
    });

    describe('events', () => {
      const day = dayFromNow(20, 'America/New_York');
      const eventForm = (over: Record<string, string> = {}) => ({
        title: 'Teach-in on surveillance', slug: '', description: 'How the city buys **face recognition**.', instructions: '', start_date: day, start_time: '18:30', end_date: day, end_time: '20:00',
        timezone: 'America/New_York', capacity: '', location_type: 'in_person', join_url: '', venue: 'Union Hall', address_line1: '12 Main St', address_line2: '',
        locality: 'Albany', region: 'NY', postal_code: '12207', country: 'US', visibility: 'public', ...over,
      });

      it('shows the Spanish version to a Spanish browser and the English one to an English browser, and the English marked where there is no Spanish', async () => {
        const both = await makeEvent(suite.h, suite.orgId, { title: 'Vigil for privacy', titleEs: 'Vigilia por la privacidad', descriptionEs: 'Nos reunimos con **velas**.' });
        const es = await read(`/events/${both.slug}`, 'es');
        assert.equal(es.statusCode, 200);
        assert.match(es.body, /<h1>Vigilia por la privacidad<\/h1>/);
        assert.match(es.body, /<div class="lede"><p>Nos reunimos con <strong>velas<\/strong>\.<\/p>/);
        assert.match(es.body, /<meta property="og:title" content="Vigilia por la privacidad"/);
        assert.doesNotMatch(es.body, /Vigil for privacy|We gather with candles/);
        const en = await read(`/events/${both.slug}`, 'en');
        assert.match(en.body, /<h1>Vigil for privacy<\/h1>/);
        assert.doesNotMatch(en.body, /Vigilia|velas/);

        const english = await makeEvent(suite.h, suite.orgId, { title: 'Candle walk' });
        const marked = await read(`/events/${english.slug}`, 'es');
        assert.match(marked.body, /<h1 lang="en">Candle walk<\/h1>/);
        assert.match(marked.body, /<div class="lede" lang="en"><p>We gather with candles\.<\/p>/);
        const list = await read('/events', 'es');
        assert.match(list.body, /<a href="\/events\/[^"]+">Vigilia por la privacidad<\/a>/);
        assert.match(list.body, /<a href="\/events\/[^"]+" lang="en">Candle walk<\/a>/);
      });

      it('names the event in the attendee’s language in the RSVP email', async () => {
        const event = await makeEvent(suite.h, suite.orgId, { title: 'Town hall', titleEs: 'Asamblea abierta' });
        const res = await suite.h.app.inject({
          method: 'POST',
          url: `/events/${event.slug}`,
          headers: FORM,
          payload: form({ lang: 'es', given_name: 'Luz', family_name: 'Mora', email: 'luz@example.org', postal_code: '60605' }),
        });
        assert.equal(res.statusCode, 303, res.body);
        suite.h.mailer.sent.length = 0;
        await suite.h.runJobs();
        const mail = suite.h.mailer.sent.find((m) => m.to === 'luz@example.org');
        assert.ok(mail, 'the RSVP email was sent');
        assert.match(mail.text, /Asamblea abierta/);
        assert.doesNotMatch(mail.text, /Town hall/);
      });

      it('saves the Spanish fields from the console, and refuses a Spanish title that is too long without saving anything', async () => {
        const page = await suite.h.app.inject({ url: '/admin/events/new', headers: { cookie: suite.organizer.cookie } });
        assert.match(page.body, /<legend>Spanish version \(optional\)<\/legend>/);
        assert.match(page.body, /id="title_es" name="title_es" value="" lang="es"/);
        const count = async () => Number((await db().selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
        const before = await count();
        const bad = await post('/admin/events/new', eventForm({ title_es: 'x'.repeat(201) }));
        assert.equal(bad.statusCode, 422);
        assert.match(bad.body, /Spanish title/);
        assert.match(bad.body, /href="#title_es"/);
        assert.equal(await count(), before, 'nothing saved');
        const ok = await post('/admin/events/new', eventForm({ title_es: 'Charla sobre vigilancia', description_es: 'Cómo compra la ciudad.' }));
        assert.equal(ok.statusCode, 303, ok.body);
        const row = await db().selectFrom('events').selectAll().where('title_es', '=', 'Charla sobre vigilancia').executeTakeFirstOrThrow();
        assert.equal(row.description_es, 'Cómo compra la ciudad.');
        const edit = await post(`/admin/events/${row.id}/edit`, eventForm({ slug: row.slug, title_es: '', description_es: 'Cómo compra la ciudad.' }));
        assert.equal(edit.statusCode, 303, edit.body);
        assert.equal((await db().selectFrom('events').select('title_es').where('id', '=', row.id).executeTakeFirstOrThrow()).title_es, null);
      });

      it('reads and writes turnout:title_es and turnout:description_es through the API', async () => {
        const api = await apiOrganization(suite.h, 'api-events-es');
        const created = await api.post('/events', { title: 'Rally', start_date: `${day}T12:00:00`, 'turnout:title_es': 'Manifestación' });
        assert.equal(created.status, 200, created.text);
        assert.equal(created.body['turnout:title_es'], 'Manifestación');
        const id = idOf(created.body);
        const put = await api.put(`/events/${id}`, { 'turnout:description_es': 'Traigan carteles.' });
        assert.equal(put.status, 200, put.text);
        assert.equal(put.body['turnout:title_es'], 'Manifestación', 'PUT merges');
        assert.equal(put.body['turnout:description_es'], 'Traigan carteles.');
        const cleared = await api.put(`/events/${id}`, { 'turnout:title_es': null });
        assert.equal(cleared.body['turnout:title_es'], null);
      });
    });

    describe('event campaigns', () => {
      it('saves the Spanish title and description from the console, refuses a too long one, and shows each reader their version', async () => {
        const count = async () => Number((await db().selectFrom('event_campaigns').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
        const before = await count();
        const bad = await post('/admin/event-campaigns', { title: 'Week of action', description: 'Host an event.', status: 'open', title_es: 'x'.repeat(201), description_es: '' });
        assert.equal(bad.statusCode, 422);
        assert.match(bad.body, /Spanish title/);
        assert.match(bad.body, /lang="es"/);
        assert.equal(await count(), before, 'nothing saved');
        const ok = await post('/admin/event-campaigns', { title: 'Week of action', description: 'Host an event.', status: 'open', title_es: 'Semana de acción', description_es: '' });
        assert.equal(ok.statusCode, 303, ok.body);
        const row = await db().selectFrom('event_campaigns').selectAll().where('title_es', '=', 'Semana de acción').executeTakeFirstOrThrow();
        assert.equal(row.description_es, null);
        const es = await read(`/event_campaigns/${row.slug}`, 'es');
        assert.equal(es.statusCode, 200);
        assert.match(es.body, /<h1>Semana de acción<\/h1>/);
        assert.match(es.body, /<div lang="en"><p class="lede">Host an event\.<\/p><\/div>/);
        assert.match(es.body, /<meta property="og:title" content="Semana de acción"/);
        const en = await read(`/event_campaigns/${row.slug}`, 'en');
        assert.match(en.body, /<h1>Week of action<\/h1>/);
        assert.doesNotMatch(en.body, /Semana de acción/);
      });
    });

    describe('forms', () => {
      it('shows a form’s Spanish title and description to a Spanish browser, and its English ones marked where there is none', async () => {
        const made = await createForm(db(), suite.orgId, { title: 'Volunteer with us', description: 'Join the **ride**.', questions: [], status: 'open' }, nowIso());
        await db().updateTable('forms').set({ title_es: 'Hazte voluntaria' }).where('id', '=', made.id).execute();
        const es = await read(`/forms/${made.slug}`, 'es');
        assert.equal(es.statusCode, 200);
        assert.match(es.body, /<h1>Hazte voluntaria<\/h1>/);
        assert.match(es.body, /<div class="lede" lang="en"><p>Join the <strong>ride<\/strong>\.<\/p>/);
        assert.match(es.body, /<meta property="og:title" content="Hazte voluntaria"/);
        const en = await read(`/forms/${made.slug}`, 'en');
        assert.match(en.body, /<h1>Volunteer with us<\/h1>/);
        assert.doesNotMatch(en.body, /Hazte voluntaria/);
      });
    });
  });
}
