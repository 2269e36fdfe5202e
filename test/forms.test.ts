import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, FORM, type Harness } from './helpers.ts';
import { createOrganization } from '../src/orgs/service.ts';
import { checkQuestions, createForm, formCache } from '../src/forms/index.ts';
import { customFieldsOf } from '../src/people/index.ts';
import { nowIso } from '../src/util/ids.ts';

/** A browser's form body, a field repeated for each ticked box. */
const body = (fields: Record<string, string | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
};

const person = (over: Record<string, string> = {}) => ({ given_name: 'Ana', family_name: 'Ruiz', email: 'ana@example.org', postal_code: '94110', ...over });
const answers = { q_team: 'Blue team', q_story: 'I care.\nA lot.', q_size: 'M', q_days: ['Sun', 'Sat'], q_drive: 'yes' };

for (const target of targets()) {
  describe(`forms on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let slug: string;
    let formId: string;
    const db = () => h.ctx.database.db;

    before(async () => {
      h = await harness(target);
      orgId = (await createOrganization(db(), { name: 'Bike Coalition', slug: 'bikes' })).id;
      const { questions, errors } = checkQuestions([
        { id: 'team', kind: 'short_text', label: 'Your team', required: true },
        { id: 'story', kind: 'long_text', label: 'Your story', hint: 'Why you ride.' },
        { id: 'size', kind: 'one_choice', label: 'Shirt size', options: ['S', 'M', 'L'], required: true, field: 'T-shirt size' },
        { id: 'days', kind: 'choices', label: 'Days you can help', options: ['Sat', 'Sun'] },
        { id: 'drive', kind: 'checkbox', label: 'I can drive' },
      ]);
      assert.deepEqual(errors, {});
      const form = await createForm(db(), orgId, { title: 'Volunteer with us', description: 'Join the **ride**.', questions, status: 'open' }, nowIso());
      slug = form.slug;
      formId = form.id;
    });
    after(() => h.close());

    const post = (fields: Record<string, string | string[]>, headers: Record<string, string> = {}, path = `/forms/${slug}`) =>
      h.app.inject({ method: 'POST', url: path, headers: { ...FORM, ...headers }, payload: body(fields) });
    const count = async () => (await db().selectFrom('forms').select('submission_count').where('id', '=', formId).executeTakeFirstOrThrow()).submission_count;

    it('shows the form with accessible labels and no script, in English or Spanish', async () => {
      const res = await h.app.inject({ url: `/forms/${slug}` });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h1>Volunteer with us<\/h1>/);
      assert.match(res.body, /<strong>ride<\/strong>/, 'the description is Markdown');
      assert.match(res.body, /<label for="q_team">Your team<\/label>/);
      assert.match(res.body, /<label for="q_story">Your story \(optional\)<\/label>/);
      assert.match(res.body, /<legend>Shirt size<\/legend>/);
      assert.match(res.body, /type="radio" id="q_size" name="q_size" value="S"/);
      assert.match(res.body, /type="checkbox" id="q_days-1" name="q_days" value="Sun"/);
      assert.match(res.body, /aria-describedby="q_story-hint"/);
      assert.doesNotMatch(res.body, /<script/);
      const es = await h.app.inject({ url: `/forms/${slug}`, headers: { 'accept-language': 'es-MX,es;q=0.9' } });
      assert.match(es.body, /Tus datos/);
      // The question has no Spanish version: shown as written, marked English (src/forms/README.md, "Both languages").
      assert.match(es.body, /<span lang="en">Your story<\/span> \(opcional\)/);
    });

    it('records a submission: answers kept, custom fields set, counted, an autoresponse in the organization’s layout', async () => {
      const before = await count();
      const res = await post({ ...person(), ...answers, opt_in: 'yes' }, { referer: 'https://news.example/post' }, `/forms/${slug}?source=newsletter`);
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, `/forms/${slug}/thanks`);
      const submission = await db().selectFrom('submissions').selectAll().where('form_id', '=', formId).executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(submission.answers!), { team: 'Blue team', story: 'I care.\nA lot.', size: 'M', days: ['Sat', 'Sun'], drive: 'yes' });
      assert.equal(submission.source, 'newsletter');
      assert.equal(submission.referrer, 'https://news.example');
      assert.equal(await count(), before + 1);
      const p = await db().selectFrom('people').selectAll().where('email', '=', 'ana@example.org').executeTakeFirstOrThrow();
      assert.equal(p.email_status, 'subscribed');
      assert.deepEqual(await customFieldsOf(db(), orgId, p.id), { 'T-shirt size': 'M', days_you_can_help: 'Sat; Sun', i_can_drive: 'yes', your_story: 'I care.\nA lot.', your_team: 'Blue team' });
      h.mailer.sent = [];
      await h.runJobs();
      const mail = h.mailer.sent.find((m) => m.to === 'ana@example.org');
      assert.ok(mail, 'the autoresponse is sent');
      assert.equal(mail.subject, 'Thank you: Volunteer with us');
      assert.match(mail.text, /Shirt size\n+M/);
      assert.match(mail.text, /Days you can help\n+Sat, Sun/);
      assert.match(mail.html ?? '', /Bike Coalition/);
      assert.match(mail.messageId, new RegExp(`<submission-${submission.id}\\.thanks@`));
      const thanks = await h.app.inject({ url: `/forms/${slug}/thanks` });
      assert.equal(thanks.statusCode, 200);
      assert.match(thanks.body, /Thank you/);
      assert.match(thanks.body, /whatsapp|WhatsApp/);
    });

    it('keeps every submission of a repeat submitter, on one person whose fields take the latest answers', async () => {
      const before = await count();
      assert.equal((await post({ ...person({ email: 'REPEAT@example.org' }), ...answers, q_size: 'S' })).statusCode, 303);
      assert.equal((await post({ ...person({ email: 'repeat@example.org', given_name: 'Anita' }), ...answers, q_size: 'L' })).statusCode, 303);
      assert.equal(await count(), before + 2);
      const people = await db().selectFrom('people').selectAll().where('email', '=', 'repeat@example.org').execute();
      assert.equal(people.length, 1);
      const theirs = await db().selectFrom('submissions').select('answers').where('person_id', '=', people[0]!.id).orderBy('created_at').execute();
      assert.equal(theirs.length, 2);
      assert.equal((await customFieldsOf(db(), orgId, people[0]!.id))['T-shirt size'], 'L');
    });

    it('refuses missing required answers, keeping what was typed, each error beside its field, in Spanish for a Spanish browser', async () => {
      const before = await count();
      const res = await post({ ...person(), q_story: 'Kept story <b>', q_days: 'Sat' }, { 'accept-language': 'es' });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /Hay un problema|problema/);
      assert.match(res.body, /<span class="error-message" id="q_team-error">Responde «Your team»<\/span>/);
      assert.match(res.body, /id="q_size-error">Elige una respuesta para «Shirt size»/);
      assert.match(res.body, /<a href="#q_team">/, 'the summary links to the field');
      assert.match(res.body, /Kept story &lt;b>|Kept story &lt;b&gt;/, 'the answer is kept, escaped');
      assert.match(res.body, /value="Sat" checked/);
      assert.match(res.body, /value="Ana"/);
      assert.equal(await count(), before);
    });

    it('refuses a choice not offered, NUL bytes and 10,000-character answers as field errors, and ignores unknown questions', async () => {
      const before = await count();
      const notOffered = await post({ ...person(), ...answers, q_size: 'XXL' });
      assert.equal(notOffered.statusCode, 422);
      assert.match(notOffered.body, /id="q_size-error">Choose one of the answers offered for “Shirt size”/);
      const notOfferedMany = await post({ ...person(), ...answers, q_days: ['Sat', 'Mon'] });
      assert.equal(notOfferedMany.statusCode, 422);
      assert.match(notOfferedMany.body, /id="q_days-error"/);
      const nul = await post({ ...person(), ...answers, q_team: 'Blue\u0000team' });
      assert.ok([400, 422].includes(nul.statusCode), `NUL answered ${nul.statusCode}`);
      const long = await post({ ...person(), ...answers, q_story: 'x'.repeat(10_000) });
      assert.equal(long.statusCode, 422);
      assert.match(long.body, /id="q_story-error">The answer to “Your story” must be 5,000 characters or fewer/);
      const shortLong = await post({ ...person(), ...answers, q_team: 'y'.repeat(300) });
      assert.equal(shortLong.statusCode, 422);
      const box = await post({ ...person(), ...answers, q_drive: 'maybe' });
      assert.equal(box.statusCode, 422);
      assert.equal(await count(), before, 'nothing refused was recorded');
      const unknown = await post({ ...person({ email: 'unknown-q@example.org' }), ...answers, q_nosuch: 'ignored', q_: 'x' });
      assert.equal(unknown.statusCode, 303);
      const stored = await db().selectFrom('submissions').innerJoin('people', 'people.id', 'submissions.person_id').select('answers').where('people.email', '=', 'unknown-q@example.org').executeTakeFirstOrThrow();
      assert.ok(!stored.answers!.includes('ignored'));
    });

    it('answers 409 with a page that says why when the form is closed, and 404 for an unknown form', async () => {
      const closed = await createForm(db(), orgId, { title: 'Closed survey', description: '', questions: [], status: 'closed' }, nowIso());
      formCache(h.ctx).forget(closed.slug);
      const page = await h.app.inject({ url: `/forms/${closed.slug}` });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /This form is closed/);
      assert.doesNotMatch(page.body, /<form method="post"/);
      const res = await post({ ...person() }, { 'accept-language': 'es' }, `/forms/${closed.slug}`);
      assert.equal(res.statusCode, 409);
      assert.match(res.body, /Este formulario está cerrado/);
      assert.equal((await db().selectFrom('submissions').select('id').where('form_id', '=', closed.id).execute()).length, 0);
      assert.equal((await h.app.inject({ url: '/forms/no-such-form' })).statusCode, 404);
    });

    it('is in the demo campaign', async () => {
      const { seedDemo, DEMO_FORM_SLUG } = await import('../src/demo/seed.ts');
      await seedDemo(db());
      const res = await h.app.inject({ url: `/forms/${DEMO_FORM_SLUG}` });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /How can you help\?/);
    });

    it('lists open forms on the home page', async () => {
      const home = await h.app.inject({ url: '/' });
      assert.match(home.body, new RegExp(`href="/forms/${slug}"`));
      assert.doesNotMatch(home.body, /Closed survey/);
    });

    it('names the form, and the API token, where the person page lists consents', async () => {
      const { organizerIn } = await import('./admin-helpers.ts');
      const { createApiToken } = await import('../src/orgs/service.ts');
      const owner = await organizerIn(h, orgId, 'owner', 'consents@bikes.example');
      assert.equal((await post({ ...person({ email: 'consent@example.org' }), ...answers, opt_in: 'yes' })).statusCode, 303);
      const p = await db().selectFrom('people').select('id').where('email', '=', 'consent@example.org').executeTakeFirstOrThrow();
      const { token } = await createApiToken(db(), 'bikes', 'cli');
      const put = await h.app.inject({ method: 'PUT', url: `/api/v2/people/${p.id}`, headers: { 'osdi-api-token': token, 'content-type': 'application/json' }, payload: JSON.stringify({ email_addresses: [{ address: 'consent@example.org', status: 'unsubscribed' }] }) });
      assert.equal(put.statusCode, 200, put.body);
      const page = (await h.app.inject({ url: `/admin/people/${p.id}`, headers: { cookie: owner.cookie } })).body;
      assert.match(page, /<td>Form “Volunteer with us”<\/td>/);
      assert.match(page, /Through the API \(token “cli”\)/);
      assert.doesNotMatch(page, /since deleted|person_update/);
    });

    it('clears the answers and custom fields of an erased person, keeping the count', async () => {
      const { organizerIn } = await import('./admin-helpers.ts');
      const owner = await organizerIn(h, orgId, 'owner', 'owner@bikes.example');
      assert.equal((await post({ ...person({ email: 'erase-me@example.org' }), ...answers, q_story: 'secret plugh' })).statusCode, 303);
      const p = await db().selectFrom('people').select('id').where('email', '=', 'erase-me@example.org').executeTakeFirstOrThrow();
      const before = await count();
      const erase = await h.app.inject({ method: 'POST', url: `/admin/people/${p.id}/erase`, headers: { ...FORM, cookie: owner.cookie }, payload: body({ _csrf: owner.csrf }) });
      assert.ok(erase.statusCode < 400);
      const s = await db().selectFrom('submissions').selectAll().where('person_id', '=', p.id).executeTakeFirstOrThrow();
      assert.equal(s.answers, null);
      assert.equal(s.source, null);
      assert.deepEqual(await customFieldsOf(db(), orgId, p.id), {});
      assert.equal(await count(), before);
    });
  });
}
