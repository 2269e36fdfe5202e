import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { apiOrganization, BASE, idOf, osdiPerson, type ApiClient } from './api-support.ts';
import { customFieldsOf } from '../src/people/index.ts';
import { ALLOW, endpoint, Receiver, verified } from './webhooks-support.ts';

const QUESTIONS = [
  { id: 'size', kind: 'one_choice', label: 'Shirt size', options: ['S', 'M', 'L'], required: true, field: 'shirt' },
  { id: 'days', kind: 'choices', label: 'Days', options: ['Sat', 'Sun'] },
  { id: 'story', kind: 'long_text', label: 'Your story' },
  { id: 'drive', kind: 'checkbox', label: 'I can drive' },
];

for (const target of targets()) {
  describe(`API forms and submissions on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;
    let other: ApiClient;
    let formId: string;

    before(async () => {
      h = await harness(target);
      api = await apiOrganization(h, 'forms-alpha');
      other = await apiOrganization(h, 'forms-beta');
    });
    after(() => h.close());

    it('links the forms from the entry point', async () => {
      const res = await api.get('/');
      assert.equal(res.body._links['osdi:forms'].href, `${BASE}/forms`);
    });

    it('creates, reads, lists and updates a form in Action Network’s shape', async () => {
      const made = await api.post('/forms', { title: 'Volunteer', description: 'Help **us**.', origin_system: 'CRM', 'turnout:questions': QUESTIONS });
      assert.equal(made.status, 200, made.text);
      formId = idOf(made.body);
      assert.equal(made.body.title, 'Volunteer');
      assert.equal(made.body.total_submissions, 0);
      assert.equal(made.body.browser_url, 'http://turnout.test/forms/volunteer');
      assert.equal(made.body.origin_system, 'CRM');
      assert.deepEqual(made.body['turnout:questions'].map((q: { id: string; field: string }) => [q.id, q.field]), [['size', 'shirt'], ['days', 'days'], ['story', 'your_story'], ['drive', 'i_can_drive']]);
      assert.equal(made.body._links['osdi:record_submission_helper'].href, `${BASE}/forms/${formId}/submissions`);
      const one = await api.get(`/forms/${formId}`);
      assert.equal(one.status, 200);
      const list = await api.get('/forms');
      assert.equal(list.body.total_records, 1);
      assert.equal(list.body._embedded['osdi:forms'][0].title, 'Volunteer');
      const put = await api.put(`/forms/${formId}`, { title: 'Volunteer now' });
      assert.equal(put.status, 200);
      assert.equal(put.body.title, 'Volunteer now');
      assert.equal(put.body['turnout:questions'].length, 4, 'questions left out stay');
      assert.equal(put.body.description, 'Help **us**.');
    });

    it('refuses bad forms with a 400 naming each problem', async () => {
      const noOptions = await api.post('/forms', { title: 'Bad', 'turnout:questions': [{ kind: 'one_choice', label: 'Pick' }] });
      assert.equal(noOptions.status, 400);
      assert.match(noOptions.body.error, /turnout:questions\[0\]: .*at least two choices/);
      const kind = await api.post('/forms', { title: 'Bad', 'turnout:questions': [{ kind: 'essay', label: 'Pick' }] });
      assert.equal(kind.status, 400);
      assert.match(kind.body.error, /turnout:questions\[0\]\.kind must be one of short_text, long_text, one_choice, choices, checkbox/, 'a client is told the wire names');
      const longEs = await api.post('/forms', { title: 'Bad', 'turnout:title_es': 'x'.repeat(201) });
      assert.equal(longEs.status, 400);
      assert.match(longEs.body.error, /turnout:title_es: The Spanish title must be 200 characters or fewer/);
      const badEs = await api.post('/forms', { title: 'Bad', 'turnout:description_es': 'Hola\uFFFD' });
      assert.equal(badEs.status, 400);
      assert.match(badEs.body.error, /turnout:description_es: /);
      const nul = await api.post('/forms', { title: 'Bad\u0000title' });
      assert.equal(nul.status, 400);
      const field = await api.post('/forms', { title: 'Bad', 'turnout:questions': [{ kind: 'short_text', label: 'A', field: 'x\u0007' }] });
      assert.equal(field.status, 400);
      const twice = await api.post('/forms', { title: 'Bad', 'turnout:questions': [{ kind: 'short_text', label: 'A', field: 'same' }, { kind: 'short_text', label: 'B', field: 'same' }] });
      assert.equal(twice.status, 400);
      assert.equal((await api.get('/forms')).body.total_records, 1, 'nothing was made');
    });

    it('reads and writes the Spanish title and description; null or empty removes one, absent keeps it', async () => {
      const read = await api.get(`/forms/${formId}`);
      assert.equal(read.body['turnout:title_es'], null);
      assert.equal(read.body['turnout:description_es'], null);
      const put = await api.put(`/forms/${formId}`, { 'turnout:title_es': '  Voluntariado ', 'turnout:description_es': 'Ayúdanos **ya**.' });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.body['turnout:title_es'], 'Voluntariado');
      assert.equal(put.body['turnout:description_es'], 'Ayúdanos **ya**.');
      const page = await h.app.inject({ url: `/forms/${read.body.browser_url.split('/').pop()}`, headers: { 'accept-language': 'es' } });
      assert.match(page.body, /Voluntariado/);
      const kept = await api.put(`/forms/${formId}`, { title: 'Volunteer now' });
      assert.equal(kept.body['turnout:title_es'], 'Voluntariado', 'absent keeps it');
      const cleared = await api.put(`/forms/${formId}`, { 'turnout:title_es': null, 'turnout:description_es': '  ' });
      assert.equal(cleared.body['turnout:title_es'], null);
      assert.equal(cleared.body['turnout:description_es'], null);
      const row = await h.ctx.database.db.selectFrom('forms').select(['title_es', 'description_es']).where('id', '=', formId).executeTakeFirstOrThrow();
      assert.deepEqual(row, { title_es: null, description_es: null }, 'empty stores null');
      const made = await api.post('/forms', { title: 'Bilingual', 'turnout:title_es': 'Bilingüe' });
      assert.equal(made.status, 200, made.text);
      assert.equal(made.body['turnout:title_es'], 'Bilingüe');
      assert.equal(made.body['turnout:description_es'], null);
    });

    it('records a submission through the helper: answers, custom fields, tags, the person embedded', async () => {
      const res = await api.post(`/forms/${formId}/submissions`, {
        person: osdiPerson('helper@example.org', { custom_fields: { Employer: 'Library', shirt: 'L' } }),
        'turnout:answers': { days: ['Sun', 'Sat'], drive: 'yes' },
        add_tags: ['volunteer'],
        triggers: { autoresponse: { enabled: true } },
        'action_network:referrer_data': { source: 'crm', referrer: 'partner' },
      });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body['turnout:answers'], { size: 'L', days: ['Sat', 'Sun'], drive: 'yes' });
      assert.equal(res.body['action_network:form_id'], formId);
      assert.deepEqual(res.body['action_network:referrer_data'], { source: 'crm', referrer: 'partner' });
      assert.equal(res.body._embedded['osdi:person'].email_addresses[0].address, 'helper@example.org');
      const personId = res.body['action_network:person_id'];
      assert.deepEqual(await customFieldsOf(h.ctx.database.db, api.orgId, personId), { Employer: 'Library', days: 'Sat; Sun', i_can_drive: 'yes', shirt: 'L' });
      const form = await api.get(`/forms/${formId}`);
      assert.equal(form.body.total_submissions, 1);
      const submissionId = idOf(res.body);
      assert.equal((await api.get(`/forms/${formId}/submissions`)).body.total_records, 1);
      assert.equal((await api.get(`/forms/${formId}/submissions/${submissionId}`)).status, 200);
      assert.equal((await api.get(`/people/${personId}/submissions`)).body._embedded['osdi:submissions'].length, 1);
      assert.equal((await api.get(`/people/${personId}/submissions/${submissionId}`)).status, 200);
      h.mailer.sent = [];
      await h.runJobs();
      assert.ok(h.mailer.sent.some((m) => m.to === 'helper@example.org'), 'the autoresponse asked for is sent');
    });

    it('keeps each submission of a repeat submitter on one person', async () => {
      const again = await api.post(`/forms/${formId}/submissions`, { person: osdiPerson('HELPER@example.org'), 'turnout:answers': { size: 'S' } });
      assert.equal(again.status, 200);
      assert.equal(again.body['action_network:person_id'], (await api.get(`/forms/${formId}/submissions`)).body._embedded['osdi:submissions'][0]['action_network:person_id']);
      assert.equal((await api.get(`/forms/${formId}`)).body.total_submissions, 2);
    });

    it('refuses unknown question ids, choices not offered, NUL bytes and long answers with a 400, recording nothing', async () => {
      const send = (answers: unknown, person = osdiPerson('bad@example.org')) => api.post(`/forms/${formId}/submissions`, { person, 'turnout:answers': answers });
      const unknown = await send({ nosuch: 'x' });
      assert.equal(unknown.status, 400);
      assert.match(unknown.body.error, /no question with id "nosuch"/);
      const offered = await send({ size: 'XXL' });
      assert.equal(offered.status, 400);
      assert.match(offered.body.error, /turnout:answers\.size: Choose one of the answers offered for “Shirt size”/);
      assert.equal((await send({ story: 'a\u0000b' })).status, 400);
      const long = await send({ story: 'x'.repeat(10_000) });
      assert.equal(long.status, 400);
      assert.match(long.body.error, /5,000 characters or fewer/);
      assert.equal((await send({ days: 'Mon' })).status, 400);
      assert.equal((await send({}, osdiPerson('bad@example.org', { custom_fields: { 'bad\nname': 'x' } }))).status, 400);
      assert.equal((await send({}, osdiPerson('bad@example.org', { custom_fields: { ok: 'nul\u0000' } }))).status, 400);
      assert.equal((await api.get(`/forms/${formId}`)).body.total_submissions, 2);
    });

    it('answers 409 for a closed form', async () => {
      const made = await api.post('/forms', { title: 'Closed one', 'turnout:status': 'closed' });
      const res = await api.post(`/forms/${idOf(made.body)}/submissions`, { person: osdiPerson('late@example.org') });
      assert.equal(res.status, 409);
      assert.match(res.body.error, /closed/);
    });

    it('finds nothing of another organization', async () => {
      assert.equal((await other.get(`/forms/${formId}`)).status, 404);
      assert.equal((await other.put(`/forms/${formId}`, { title: 'Mine' })).status, 404);
      assert.equal((await other.get(`/forms/${formId}/submissions`)).status, 404);
      assert.equal((await other.post(`/forms/${formId}/submissions`, { person: osdiPerson('x@example.org') })).status, 404);
      assert.equal((await other.get('/forms')).body.total_records, 0);
    });
  });
}

for (const target of targets()) {
  describe(`form submissions told by webhook on ${target.name}`, () => {
    let h: Harness;
    let api: ApiClient;
    const receiver = new Receiver();

    before(async () => {
      await receiver.start();
      h = await harness(target, ALLOW);
      api = await apiOrganization(h, 'forms-hooked');
    });
    after(async () => {
      await h.close();
      await receiver.close();
    });

    it('delivers a submission as Action Network’s osdi:submission, the person embedded', async () => {
      const { secret } = await endpoint(h, api.orgId, receiver.url('/crm'), ['submission']);
      const made = await api.post('/forms', { title: 'Hooked form', 'turnout:questions': [{ id: 'why', kind: 'short_text', label: 'Why?' }] });
      const submitted = await api.post(`/forms/${idOf(made.body)}/submissions`, { person: osdiPerson('hooked@example.org'), 'turnout:answers': { why: 'Because' } });
      assert.equal(submitted.status, 200, submitted.text);
      await h.runJobs();
      const got = receiver.at('/crm');
      assert.equal(got.length, 1);
      const [item] = verified(secret, got[0]!);
      const s = item['osdi:submission'];
      assert.ok(s.identifiers.includes(`turnout:${idOf(submitted.body)}`));
      assert.deepEqual(s['turnout:answers'], { why: 'Because' });
      assert.equal(s.person.email_addresses[0].address, 'hooked@example.org');
    });
  });
}
