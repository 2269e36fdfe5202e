import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, targets, form, FORM, type Harness } from './helpers.ts';
import { organizerIn, organization, type SignedIn } from './admin-helpers.ts';
import { addPerson } from './mailings-support.ts';

for (const target of targets()) {
  describe(`the mailings console on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let owner: SignedIn;
    let viewer: SignedIn;
    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Fair Trains')).id;
      owner = await organizerIn(h, orgId, 'owner', 'owner@mail.example');
      viewer = await organizerIn(h, orgId, 'viewer', 'viewer@mail.example');
      await addPerson(h, orgId, { email: 'a@example.org', tags: ['volunteer'] });
      await addPerson(h, orgId, { email: 'b@example.org', status: 'unsubscribed', tags: ['volunteer'] });
    });
    after(() => h.close());

    const get = (who: SignedIn, url: string) => h.app.inject({ url, headers: { cookie: who.cookie } });
    const post = (who: SignedIn, url: string, body: Record<string, string>) => h.app.inject({ method: 'POST', url, headers: { ...FORM, cookie: who.cookie }, payload: form({ _csrf: who.csrf, ...body }) });
    const compose = { title: 'Spring update', subject_en: 'Trains are coming', body_en: 'Hi <script>alert(1)</script> **all**', include_tags: 'volunteer' };

    it('previews on the server with the count, escapes HTML, and refuses a 5,000-character subject', async () => {
      const preview = await post(owner, '/admin/mailings/new', { ...compose, intent: 'preview' });
      assert.equal(preview.statusCode, 200);
      assert.match(preview.body, /This audience is 1 subscribed person now/);
      assert.ok(!preview.body.includes('<script>alert(1)</script>'));
      assert.ok(preview.body.includes('&lt;strong>all&lt;/strong>'), 'the preview is the email in an iframe, escaped into srcdoc');
      assert.ok(preview.body.includes('&amp;lt;script&amp;gt;'), 'the escaped script stays text inside the preview');
      const long = await post(owner, '/admin/mailings/new', { ...compose, subject_en: 'x'.repeat(5000), intent: 'save' });
      assert.equal(long.statusCode, 422);
      assert.match(long.body, /subject must be 200 characters or fewer \(it has 5,000\)/);
      assert.equal((await h.ctx.database.db.selectFrom('mailings').select('id').execute()).length, 0, 'nothing saved');
    });

    it('saves, refuses to send without settings or into the past, sends, and shows the progress', async () => {
      const saved = await post(owner, '/admin/mailings/new', { ...compose, intent: 'save' });
      assert.equal(saved.statusCode, 303);
      const url = saved.headers.location!.split('?')[0]!;
      const noSettings = await post(owner, `${url}/send`, { when: 'now' });
      assert.equal(noSettings.statusCode, 409);
      assert.match(noSettings.body, /postal address/);
      const settings = await post(owner, '/admin/mailings/settings', { sender_name: 'Fair Trains', reply_to: 'hello@fairtrains.example', postal_address: '1 Main St, Springfield, IL', rate_per_second: '100', daily_cap: '1000', timezone: 'America/Chicago' });
      assert.equal(settings.statusCode, 303);
      const past = await post(owner, `${url}/send`, { when: 'later', date: '2020-01-01', time: '09:00', timezone: 'America/Chicago' });
      assert.equal(past.statusCode, 409);
      assert.match(past.body, /That time has passed/);
      assert.equal((await post(owner, `${url}/test`, {})).statusCode, 303);
      await h.runJobs();
      assert.equal(h.mailer.sent.filter((m) => m.to === 'owner@mail.example' && m.subject === '[Test] Trains are coming').length, 1);
      assert.equal((await post(viewer, `${url}/send`, { when: 'now' })).statusCode, 403);
      const send = await post(owner, `${url}/send`, { when: 'now' });
      assert.equal(send.statusCode, 303);
      await h.runJobs();
      const page = await get(viewer, url);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Status: sent/);
      assert.match(page.body, /<progress max="1" value="1"/);
      assert.equal(h.mailer.sent.filter((m) => m.to === 'a@example.org').length, 1);
      assert.ok(!h.mailer.sent.some((m) => m.to === 'b@example.org'));
      assert.equal((await post(owner, `${url}/pause`, {})).statusCode, 409, 'a sent mailing cannot be paused');
    });

    it('schedules at a time in the time zone, and pauses, resumes and cancels', async () => {
      const saved = await post(owner, '/admin/mailings/new', { ...compose, title: 'Later', intent: 'save' });
      const url = saved.headers.location!.split('?')[0]!;
      assert.equal((await post(owner, `${url}/send`, { when: 'later', date: '2099-05-01', time: '09:00', timezone: 'America/Chicago' })).statusCode, 303);
      const row = await h.ctx.database.db.selectFrom('mailings').select(['status', 'scheduled_at']).where('title', '=', 'Later').executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'scheduled', scheduled_at: '2099-05-01T14:00:00.000Z' });
      assert.equal((await post(owner, `${url}/cancel`, {})).statusCode, 303);
      await h.runJobs();
      assert.equal((await h.ctx.database.db.selectFrom('mailings').select('status').where('title', '=', 'Later').executeTakeFirstOrThrow()).status, 'cancelled');
    });

    it('shows another organization\u2019s mailing as missing', async () => {
      const other = await organization(h, 'Other');
      const stranger = await organizerIn(h, other.id, 'owner', 'stranger@mail.example');
      const m = await h.ctx.database.db.selectFrom('mailings').select('id').executeTakeFirstOrThrow();
      assert.equal((await get(stranger, `/admin/mailings/${m.id}`)).statusCode, 404);
      assert.equal((await post(stranger, `/admin/mailings/${m.id}/cancel`, {})).statusCode, 404);
    });
  });
}
