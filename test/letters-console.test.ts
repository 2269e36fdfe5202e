import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organization, organizerIn, type SignedIn } from './admin-helpers.ts';
import { makeCampaign, target, writer } from './letters-support.ts';

const BOUNDARY = '----turnout-letters-boundary';
function multipart(parts: { name: string; value?: string; filename?: string; content?: string }[]) {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = p.filename !== undefined ? `form-data; name="${p.name}"; filename="${p.filename}"` : `form-data; name="${p.name}"`;
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${p.filename !== undefined ? 'Content-Type: text/csv\r\n' : ''}\r\n`));
    chunks.push(Buffer.from(p.content ?? p.value ?? ''));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } };
}

const campaignForm = (over: Record<string, string> = {}) => ({
  title: 'Write the council', slug: '', description: 'Why.', subject: 'Keep the library', subject_editable: 'yes', letter_opening: 'I live here.',
  letter_body: 'Keep it open.', body_editable: 'yes', letter_closing: 'Thanks.', body_max_length: '2000', target_mode: 'fixed', hourly_cap: '30',
  window_start: '09:00', window_end: '17:00', time_zone: 'America/Chicago', status: 'open', ...over,
});

for (const t of targets()) {
  describe(`letters console on ${t.name}`, () => {
    let h: Harness;
    let orgId: string;
    let owner: SignedIn;
    let viewer: SignedIn;
    before(async () => {
      h = await harness(t);
      orgId = (await organization(h, 'Console Letters')).id;
      owner = await organizerIn(h, orgId, 'owner', 'owner@letters.example');
      viewer = await organizerIn(h, orgId, 'viewer', 'viewer@letters.example');
    });
    after(() => h.close());
    const db = () => h.ctx.database.db;
    const get = (url: string, who = owner) => h.app.inject({ url, headers: { cookie: who.cookie } });
    const post = (url: string, fields: Record<string, string>, who = owner) => h.app.inject({ method: 'POST', url, headers: { ...FORM, cookie: who.cookie }, payload: form({ _csrf: who.csrf, ...fields }) });
    const upload = (url: string, csv: string, intent: string) => {
      const body = multipart([{ name: '_csrf', value: owner.csrf }, { name: 'file', filename: 'targets.csv', content: csv }, { name: 'intent', value: intent }]);
      return h.app.inject({ method: 'POST', url, headers: { ...body.headers, cookie: owner.cookie }, payload: body.payload });
    };

    it('creates a campaign, refuses bad fields with a message beside each, and edits it', async () => {
      const bad = await post('/admin/letters/new', campaignForm({ hourly_cap: '0', window_end: '08:00', time_zone: 'Nowhere/City' }));
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /The hourly limit must be a whole number from 1 to 3,600/);
      assert.match(bad.body, /Sending must stop after it starts/);
      assert.match(bad.body, /Enter a time zone like America\/New_York/);
      const made = await post('/admin/letters/new', campaignForm());
      assert.equal(made.statusCode, 303);
      const id = /\/admin\/letters\/([0-9a-f-]+)\/targets/.exec(made.headers.location as string)![1]!;
      const edit = await post(`/admin/letters/${id}/edit`, campaignForm({ title: 'Write the council now', hourly_cap: '12' }));
      assert.equal(edit.statusCode, 303);
      const row = await db().selectFrom('letter_campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.title, 'Write the council now');
      assert.equal(row.hourly_cap, 12);
      const list = await get('/admin/letters');
      assert.match(list.body, /Write the council now/);
      const forbidden = await post(`/admin/letters/${id}/edit`, campaignForm(), viewer);
      assert.equal(forbidden.statusCode, 403);
    });

    it('saves a fixed list and reports its problems by line, saving nothing', async () => {
      const c = await makeCampaign(h, orgId, { title: 'Fixed list' }, []);
      const bad = await post(`/admin/letters/${c.id}/targets/fixed`, { targets: 'Ana Ruiz, Mayor, City, ana@city.example\nBo, Clerk, City, not-an-email\nAna Again, Mayor, City, ana@city.example' });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /Line 2: the last value, “not-an-email”, is not an email address/);
      assert.match(bad.body, /Line 3: it repeats the email of line 1/);
      assert.equal((await db().selectFrom('letter_targets').select('id').where('campaign_id', '=', c.id).execute()).length, 0);
      const ok = await post(`/admin/letters/${c.id}/targets/fixed`, { targets: '"Ruiz, Ana", Mayor, City, ana@city.example\nBo Chen, Clerk, City, bo@city.example' });
      assert.equal(ok.statusCode, 303);
      const page = await get(`/admin/letters/${c.id}/targets`);
      assert.match(page.body, /Mayor Ruiz, Ana/);
    });

    it('puts replacements of one list sent at once one after another: every one saved, one list left', async () => {
      const c = await makeCampaign(h, orgId, { title: 'Raced list' }, []);
      const list = (n: number) => Array.from({ length: 1 + (n % 4) }, (_, i) => `Target ${n}-${i}, Clerk, City, t${n}-${i}@city.example`).join('\n');
      for (let round = 0; round < 4; round++) {
        const answers = await Promise.all(Array.from({ length: 24 }, (_, n) => post(`/admin/letters/${c.id}/targets/fixed`, { targets: n % 6 === 5 ? '' : list(n) })));
        assert.deepEqual([...new Set(answers.map((a) => a.statusCode))], [303], answers.find((a) => a.statusCode !== 303)?.body.slice(0, 300));
        const active = await db().selectFrom('letter_targets').select('email').where('campaign_id', '=', c.id).where('kind', '=', 'fixed').where('status', '=', 'active').execute();
        // The last replacement's list, whole: not two lists mixed, not a list saved twice.
        const owners = new Set(active.map((r) => /^t(\d+)-/.exec(r.email!)![1]));
        assert.ok(owners.size <= 1, `targets of ${[...owners].join(', ')} are active together`);
        if (owners.size === 1) assert.equal(active.length, 1 + (Number([...owners][0]) % 4));
      }
    });

    it('checks an uploaded target list row by row and imports it only when it is clean', async () => {
      const c = await makeCampaign(h, orgId, { title: 'Matched list', target_mode: 'matched' }, []);
      const broken = await upload(`/admin/letters/${c.id}/targets/list`, 'name,title,email,state\nAda,Senator,,IL\nBea,Rep,bea@x.example,IL\nBea,Rep,bea@x.example,IL\n', 'import');
      assert.equal(broken.statusCode, 422);
      assert.match(broken.body, /nothing in it was saved/);
      assert.match(broken.body, /Line 2: the email is missing/);
      assert.match(broken.body, /Line 4: it repeats line 3/);
      const quoting = await upload(`/admin/letters/${c.id}/targets/list`, 'name,email,state\n"Ada,ada@x.example,IL\n', 'import');
      assert.equal(quoting.statusCode, 422);
      assert.match(quoting.body, /quoted cell is never closed/);
      assert.equal((await db().selectFrom('letter_targets').select('id').where('campaign_id', '=', c.id).execute()).length, 0);
      const csv = 'name,title,email,state,zip_codes\nAda,Senator,ada@x.example,IL,\nBea,Rep,bea@x.example,IL,60605\n';
      const checked = await upload(`/admin/letters/${c.id}/targets/list`, csv, 'check');
      assert.equal(checked.statusCode, 200);
      assert.match(checked.body, /The file is fine: 2 targets/);
      assert.equal((await db().selectFrom('letter_targets').select('id').where('campaign_id', '=', c.id).execute()).length, 0);
      const imported = await upload(`/admin/letters/${c.id}/targets/list`, csv, 'import');
      assert.equal(imported.statusCode, 303);
      assert.equal((await db().selectFrom('letter_targets').select('id').where('campaign_id', '=', c.id).where('status', '=', 'active').execute()).length, 2);
      const fallback = await post(`/admin/letters/${c.id}/targets/fallback`, { name: 'Gov. Eve', title: 'Governor', email: 'eve@gov.example' });
      assert.equal(fallback.statusCode, 303);
    });

    it('shows the delivery queue and its rate, letters as text, pauses a bounced target and exports formula-safe CSV', async () => {
      const c = await makeCampaign(h, orgId, { title: 'Queue shown' }, [target('Ana Ruiz', 'ana@q.example')]);
      await h.app.inject({ method: 'POST', url: `/letters/${c.slug}`, headers: FORM, payload: form({ ...writer({ email: 'q1@example.org', given_name: '=HYPERLINK("x")' }), body: '<script>alert(1)</script>' }) });
      const page = await get(`/admin/letters/${c.id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /At most 60 letters an hour to each recipient, from 09:00 to 17:00 \(America\/Chicago\): 480 a day each/);
      assert.match(page.body, /&lt;script>alert\(1\)&lt;\/script>/);
      assert.doesNotMatch(page.body, /<script>alert/);
      assert.match(page.body, /Ana Ruiz: queued/);
      const targetRow = await db().selectFrom('letter_targets').select('id').where('campaign_id', '=', c.id).executeTakeFirstOrThrow();
      assert.equal((await post(`/admin/letters/${c.id}/targets/${targetRow.id}/bounce`, { reason: '550 5.1.1 user unknown' })).statusCode, 303);
      const paused = await get(`/admin/letters/${c.id}`);
      assert.match(paused.body, /bounced, paused: 550 5.1.1 user unknown/);
      assert.equal((await post(`/admin/letters/${c.id}/targets/${targetRow.id}/resume`, { email: 'not an email' })).statusCode, 422);
      assert.equal((await post(`/admin/letters/${c.id}/targets/${targetRow.id}/resume`, { email: 'ana.new@q.example' })).statusCode, 303);
      const resumed = await db().selectFrom('letter_targets').selectAll().where('id', '=', targetRow.id).executeTakeFirstOrThrow();
      assert.equal(resumed.status, 'active');
      assert.equal(resumed.email, 'ana.new@q.example');
      const csv = await get(`/admin/letters/${c.id}/outreaches.csv`);
      assert.equal(csv.statusCode, 200);
      assert.match(csv.headers['content-type'] as string, /text\/csv/);
      assert.match(csv.body, /^uuid,first_name,last_name,email/);
      assert.match(csv.body, /'=HYPERLINK/);
      assert.match(csv.body, /Ana Ruiz/);
      assert.equal((await get(`/admin/letters/${c.id}/outreaches.csv`, viewer)).statusCode, 403);
    });

    it('finds nothing of another organization', async () => {
      const other = (await organization(h, 'Other Letters')).id;
      const c = await makeCampaign(h, other, { title: 'Not yours' });
      assert.equal((await get(`/admin/letters/${c.id}`)).statusCode, 404);
      assert.equal((await get(`/admin/letters/${c.id}/targets`)).statusCode, 404);
      assert.equal((await post(`/admin/letters/${c.id}/edit`, campaignForm())).statusCode, 404);
    });
  });
}
