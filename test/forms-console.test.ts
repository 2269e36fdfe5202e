import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { targets, harness, FORM, type Harness } from './helpers.ts';
import { organization, organizerIn, type SignedIn } from './admin-helpers.ts';
import { questionsOf } from '../src/forms/questions.ts';

const body = (fields: Record<string, string | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
};

for (const target of targets()) {
  describe(`forms console on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let owner: SignedIn;
    let viewer: SignedIn;
    let outsider: SignedIn;
    let formId: string;
    let slug: string;
    const db = () => h.ctx.database.db;

    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Console Forms Org')).id;
      owner = await organizerIn(h, orgId, 'owner', 'owner@forms.example');
      viewer = await organizerIn(h, orgId, 'viewer', 'viewer@forms.example');
      outsider = await organizerIn(h, (await organization(h, 'Other Forms Org')).id, 'owner', 'other@forms.example');
    });
    after(() => h.close());

    const get = (who: SignedIn, url: string) => h.app.inject({ url, headers: { cookie: who.cookie } });
    const post = (who: SignedIn, url: string, fields: Record<string, string | string[]>) =>
      h.app.inject({ method: 'POST', url, headers: { ...FORM, cookie: who.cookie }, payload: body({ _csrf: who.csrf, ...fields }) });
    const stored = async () => (await db().selectFrom('forms').selectAll().where('id', '=', formId).executeTakeFirstOrThrow());

    it('is in the menu, and creates a form with questions from blank rows, without JavaScript', async () => {
      const menu = await get(owner, '/admin');
      assert.match(menu.body, /href="\/admin\/forms"/);
      const blank = await get(owner, '/admin/forms/new');
      assert.equal(blank.statusCode, 200);
      assert.match(blank.body, /name="q0_label"/);
      assert.match(blank.body, /name="q2_label"/);
      assert.doesNotMatch(blank.body, /<script/);
      const res = await post(owner, '/admin/forms/new', {
        title: 'Ride survey',
        slug: '',
        description: 'Tell us *how* you ride.',
        status: 'open',
        q0_kind: 'one_choice', q0_label: 'How often?', q0_options: 'Daily\nWeekly\n\nDaily', q0_required: 'yes', q0_field: '', q0_order: '2',
        q1_kind: 'short_text', q1_label: 'Your route', q1_field: 'route', q1_order: '1',
        q2_kind: 'short_text', q2_label: '', q2_order: '3',
      });
      assert.equal(res.statusCode, 303, res.body);
      formId = /\/admin\/forms\/([0-9a-f-]+)/.exec(res.headers.location as string)![1]!;
      const form = await stored();
      slug = form.slug;
      assert.equal(slug, 'ride-survey');
      const questions = questionsOf(form);
      assert.deepEqual(questions.map((q) => [q.label, q.kind, q.field, q.required]), [['Your route', 'short_text', 'route', false], ['How often?', 'one_choice', 'how_often', true]]);
      assert.deepEqual(questions[1]!.options, ['Daily', 'Weekly'], 'blank and repeated choices are dropped');
      const page = await h.app.inject({ url: `/forms/${slug}` });
      assert.match(page.body, /How often\?/);
    });

    it('shows each error beside its question row, keeping what was typed', async () => {
      const res = await post(owner, '/admin/forms/new', { title: '', description: '', status: 'open', q0_kind: 'one_choice', q0_label: 'Pick one', q0_options: 'Only', q0_order: '1' });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /id="q0_options-error">Question 1: offer at least two choices/);
      assert.match(res.body, /id="title-error">Enter a title/);
      assert.match(res.body, /value="Pick one"/);
    });

    it('edits: reorders, removes and adds questions, and keeps question ids', async () => {
      const before = questionsOf(await stored());
      const [route, often] = before;
      const res = await post(owner, `/admin/forms/${formId}/edit`, {
        title: 'Ride survey', slug: 'ride-survey', description: 'Tell us.', status: 'open', challenge: 'always',
        q0_id: route!.id, q0_kind: 'short_text', q0_label: 'Your route', q0_field: 'route', q0_order: '3', q0_remove: 'yes',
        q1_id: often!.id, q1_kind: 'one_choice', q1_label: 'How often?', q1_options: 'Daily\nWeekly\nMonthly', q1_field: 'how_often', q1_order: '2', q1_required: 'yes',
        q2_kind: 'checkbox', q2_label: 'Keep me posted', q2_order: '1',
        q3_kind: 'short_text', q3_label: '', q3_order: '4',
      });
      assert.equal(res.statusCode, 303, res.body);
      const after = questionsOf(await stored());
      assert.deepEqual(after.map((q) => q.label), ['Keep me posted', 'How often?']);
      assert.equal(after[1]!.id, often!.id);
      assert.deepEqual(after[1]!.options, ['Daily', 'Weekly', 'Monthly']);
      assert.equal((await stored()).challenge, 'always');
      const challenged = await h.app.inject({ url: `/forms/${slug}` });
      assert.match(challenged.body, /altcha/, 'the page carries the proof-of-work challenge');
      const edit = await get(owner, `/admin/forms/${formId}/edit`);
      assert.match(edit.body, /value="Keep me posted"/);
      assert.match(edit.body, /name="q4_label"/, 'blank rows follow the questions');
    });

    it('sets, checks and clears the Spanish title and description', async () => {
      const blank = await get(owner, '/admin/forms/new');
      assert.match(blank.body, /<legend>Spanish version \(optional\)<\/legend>/);
      assert.match(blank.body, /name="title_es"[^>]*lang="es"|lang="es"[^>]*name="title_es"/);
      const tooLong = await post(owner, '/admin/forms/new', { title: 'Bilingual', description: '', title_es: 'x'.repeat(201), description_es: 'Hola\uFFFD', status: 'open' });
      assert.equal(tooLong.statusCode, 422);
      assert.match(tooLong.body, /id="title_es-error">The Spanish title must be 200 characters or fewer/);
      assert.match(tooLong.body, /id="description_es-error">The Spanish description contains control or invalid characters/);
      assert.equal(await db().selectFrom('forms').select('id').where('title', '=', 'Bilingual').executeTakeFirst(), undefined, 'nothing was written');
      const made = await post(owner, '/admin/forms/new', { title: 'Bilingual', description: 'Join us.', title_es: ' Bilingüe ', description_es: 'Únete **ya**.', status: 'open', q0_kind: 'short_text', q0_label: 'Why?', q0_order: '1' });
      assert.equal(made.statusCode, 303, made.body);
      const id = /\/admin\/forms\/([0-9a-f-]+)/.exec(made.headers.location as string)![1]!;
      const row = () => db().selectFrom('forms').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal((await row()).title_es, 'Bilingüe');
      assert.equal((await row()).description_es, 'Únete **ya**.');
      const es = await h.app.inject({ url: `/forms/${(await row()).slug}`, headers: { 'accept-language': 'es' } });
      assert.match(es.body, /<h1[^>]*>Bilingüe<\/h1>/);
      assert.match(es.body, /<strong>ya<\/strong>/);
      const edit = await get(owner, `/admin/forms/${id}/edit`);
      assert.match(edit.body, /value="Bilingüe"/);
      const q = questionsOf(await row())[0]!;
      const cleared = await post(owner, `/admin/forms/${id}/edit`, { title: 'Bilingual', slug: (await row()).slug, description: 'Join us.', title_es: '', description_es: '  ', status: 'open', q0_id: q.id, q0_kind: 'short_text', q0_label: 'Why?', q0_order: '1' });
      assert.equal(cleared.statusCode, 303, cleared.body);
      assert.equal((await row()).title_es, null, "'' stores null");
      assert.equal((await row()).description_es, null);
    });

    it('names the kinds by their labels when none is chosen', async () => {
      const res = await post(owner, '/admin/forms/new', { title: 'Kinds', description: '', status: 'open', q0_kind: 'essay', q0_label: 'Pick', q0_order: '1' });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /id="q0_kind-error">Question 1: choose its kind: Short text, Long text, One choice, Several choices, or A checkbox/);
      assert.doesNotMatch(res.body, /short_text, long_text/);
    });

    it('closes and opens the form, and the public page follows', async () => {
      assert.equal((await post(owner, `/admin/forms/${formId}/close`, {})).statusCode, 303);
      assert.equal((await stored()).status, 'closed');
      const closed = await h.app.inject({ method: 'POST', url: `/forms/${slug}`, headers: FORM, payload: body({ given_name: 'A', family_name: 'B', email: 'a@example.org', postal_code: '60605' }) });
      assert.equal(closed.statusCode, 409);
      assert.equal((await post(owner, `/admin/forms/${formId}/open`, {})).statusCode, 303);
      assert.equal((await stored()).status, 'open');
    });

    it('shows the submissions with their answers, and exports them as CSV', async () => {
      const often = questionsOf(await stored()).find((q) => q.label === 'How often?')!;
      const box = questionsOf(await stored()).find((q) => q.kind === 'checkbox')!;
      for (const [email, answer] of [['rider1@example.org', 'Weekly'], ['rider2@example.org', 'Monthly']] as const) {
        const res = await h.app.inject({
          method: 'POST',
          url: `/forms/${slug}?source=flyer`,
          headers: FORM,
          payload: body({ given_name: 'Rider', family_name: '=HYPERLINK("x")', email, postal_code: '60605', [`q_${often.id}`]: answer, [`q_${box.id}`]: 'yes' }),
        });
        assert.equal(res.statusCode, 303, res.body);
      }
      const detail = await get(owner, `/admin/forms/${formId}`);
      assert.equal(detail.statusCode, 200);
      assert.match(detail.body, /<th scope="col"[^>]*>How often\?<\/th>/);
      assert.match(detail.body, /rider1@example\.org/);
      assert.match(detail.body, /Monthly/);
      const search = await get(owner, `/admin/forms/${formId}?q=rider2`);
      assert.doesNotMatch(search.body, /rider1@example\.org/);
      const csv = await get(owner, `/admin/forms/${formId}/submissions.csv`);
      assert.equal(csv.statusCode, 200);
      assert.match(csv.headers['content-type'] as string, /^text\/csv/);
      const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
      assert.equal(rows.length, 2);
      assert.equal(rows[0]!.email, 'rider1@example.org');
      assert.equal(rows[0]!.how_often, 'Weekly');
      assert.equal(rows[1]!.keep_me_posted, 'yes');
      assert.equal(rows[0]!.source, 'flyer');
      assert.equal(rows[0]!.last_name, `'=HYPERLINK("x")`, 'a formula is neutralized');
      const dash = await get(owner, '/admin');
      assert.match(dash.body, /id="dashboard-forms"/);
      // The person's page lists the submission, and their data export holds the answers.
      const rider = await db().selectFrom('people').select('id').where('email', '=', 'rider1@example.org').executeTakeFirstOrThrow();
      const personPage = await get(owner, `/admin/people/${rider.id}`);
      assert.match(personPage.body, /Filled in the form “Ride survey”/);
      const exported = JSON.parse((await get(owner, `/admin/people/${rider.id}/export.json`)).body) as { submissions: { answers: { question: string; answer: string }[] }[]; custom_fields: { name: string; value: string }[] };
      assert.deepEqual(exported.submissions[0]!.answers.find((a) => a.question === 'How often?')?.answer, 'Weekly');
      assert.ok(exported.custom_fields.some((f) => f.name === 'how_often' && f.value === 'Weekly'));
    });

    it('lets a viewer read but not change or export, and finds nothing of another organization', async () => {
      assert.equal((await get(viewer, `/admin/forms/${formId}`)).statusCode, 200);
      assert.equal((await get(viewer, `/admin/forms/${formId}/edit`)).statusCode, 403);
      assert.equal((await post(viewer, `/admin/forms/${formId}/close`, {})).statusCode, 403);
      assert.equal((await get(viewer, `/admin/forms/${formId}/submissions.csv`)).statusCode, 403);
      assert.equal((await get(outsider, `/admin/forms/${formId}`)).statusCode, 404);
      assert.equal((await post(outsider, `/admin/forms/${formId}/close`, {})).statusCode, 404);
      assert.equal((await get(outsider, `/admin/forms/${formId}/submissions.csv`)).statusCode, 404);
      assert.equal((await get(owner, '/admin/forms/not-a-uuid')).statusCode, 404);
    });
  });
}
