import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, targets, type Harness } from './helpers.ts';
import { organization } from './admin-helpers.ts';
import { addPerson, mailSettings, newMailing, recipientStates } from './mailings-support.ts';
import { countAudience, parseAudience } from '../src/mailings/audience.ts';
import { scheduleMailing, pickWinner, MailingError } from '../src/mailings/service.ts';
import { unsubscribeUrl, parseVerp, verpAddress } from '../src/mailings/compose.ts';
import { nowIso } from '../src/util/ids.ts';

for (const target of targets()) {
  describe(`mailings on ${target.name}`, () => {
    let h: Harness;
    let org: { id: string };
    let other: { id: string };
    before(async () => {
      h = await harness(target);
      org = await organization(h, 'Fair Trains');
      other = await organization(h, 'Other Org');
      await mailSettings(h, org.id);
    });
    after(() => h.close());

    it('includes only subscribed people, whatever the tags say', async () => {
      const a = await addPerson(h, org.id, { email: 'a@example.org', tags: ['volunteer'] });
      await addPerson(h, org.id, { email: 'b@example.org', status: 'unsubscribed', tags: ['volunteer'] });
      await addPerson(h, org.id, { email: 'c@example.org', tags: ['donor'] });
      await addPerson(h, other.id, { email: 'd@example.org', tags: ['volunteer'] });
      const m = await newMailing(h, org.id, { include_tags: ['volunteer'] });
      const db = h.ctx.database.db;
      assert.equal(await countAudience(db, org.id, parseAudience(m.audience)), 1);
      const all = await newMailing(h, org.id, { exclude_tags: ['donor'] });
      assert.equal(await countAudience(db, org.id, parseAudience(all.audience)), 1);
      await scheduleMailing(db, m, nowIso(), nowIso());
      await h.runJobs();
      const rows = await recipientStates(h, m.id);
      assert.deepEqual(rows.map((r) => [r.person_id, r.state]), [[a.id, 'sent']]);
      const mail = h.mailer.sent.find((s) => s.to === 'a@example.org')!;
      assert.ok(mail.html?.includes('<strong>friends</strong>'));
      assert.ok(mail.text.includes('Read more (https://fairtrains.example/news)'));
      assert.ok(mail.text.includes('1 Main St, Springfield, IL 62701'), 'the postal address is in the footer');
      assert.match(mail.headers!['List-Unsubscribe']!, /^<http:\/\/turnout\.test\/unsubscribe\/[0-9a-f-]+\/[0-9a-f-]+\/[A-Za-z0-9_-]+>$/);
      assert.equal(mail.headers!['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
      assert.equal(mail.messageId, `<mailing-${m.id}.${a.id}@turnout.test>`);
      assert.deepEqual(parseVerp(h.config.secretKey, mail.returnPath!), { mailingId: m.id, personId: a.id });
      assert.ok(!/<img/i.test(mail.html!), 'no image, no pixel');
    });

    it('refuses an audience of zero and a time past', async () => {
      const db = h.ctx.database.db;
      const nobody = await newMailing(h, org.id, { include_tags: ['no-such-tag'] });
      await assert.rejects(scheduleMailing(db, nobody, nowIso(), nowIso()), (e: unknown) => e instanceof MailingError && e.reason === 'empty_audience');
      const m = await newMailing(h, org.id);
      await assert.rejects(scheduleMailing(db, m, '2020-01-01T00:00:00.000Z', nowIso()), (e: unknown) => e instanceof MailingError && e.reason === 'in_the_past');
      assert.equal((await db.selectFrom('mailings').select('status').where('id', '=', m.id).executeTakeFirstOrThrow()).status, 'draft');
    });

    it('escapes raw HTML and scripts in the Markdown', async () => {
      const m = await newMailing(h, org.id, { include_tags: ['volunteer'], body_en: 'Hi <script>alert(1)</script> <img src="https://tracker.example/p.gif">' });
      await scheduleMailing(h.ctx.database.db, m, nowIso(), nowIso());
      await h.runJobs();
      const mail = h.mailer.sent.find((s) => s.messageId.includes(m.id))!;
      assert.ok(!mail.html!.includes('<script>') && mail.html!.includes('&lt;script&gt;'));
      assert.ok(!mail.html!.includes('<img'));
    });

    it('sends each person their language, falling back to the other', async () => {
      const en = await addPerson(h, org.id, { email: 'en@example.org', language: 'en', tags: ['lang'] });
      const es = await addPerson(h, org.id, { email: 'es@example.org', language: 'es', tags: ['lang'] });
      const none = await addPerson(h, org.id, { email: 'none@example.org', language: null, tags: ['lang'] });
      const both = await newMailing(h, org.id, { include_tags: ['lang'], subject_es: 'Llegan los trenes', body_es: 'Hola **amigos**.' });
      await scheduleMailing(h.ctx.database.db, both, nowIso(), nowIso());
      const onlyEs = await newMailing(h, org.id, { include_tags: ['lang'], subject_en: '', body_en: '', preheader_en: '', subject_es: 'Solo español', body_es: 'Hola.' });
      await scheduleMailing(h.ctx.database.db, onlyEs, nowIso(), nowIso());
      await h.runJobs();
      const of = (m: string, p: string) => h.mailer.sent.find((s) => s.messageId === `<mailing-${m}.${p}@turnout.test>`)!;
      assert.equal(of(both.id, en.id).subject, 'Trains are coming');
      assert.equal(of(both.id, es.id).subject, 'Llegan los trenes');
      assert.equal(of(both.id, es.id).language, 'es');
      assert.ok(of(both.id, es.id).text.includes('Cancelar la suscripción'));
      assert.equal(of(both.id, none.id).subject, 'Trains are coming');
      for (const p of [en, es, none]) assert.equal(of(onlyEs.id, p.id).subject, 'Solo español');
    });

    it('unsubscribes at once on the one-click POST, and a forged link changes nothing', async () => {
      const p = await addPerson(h, org.id, { email: 'oneclick@example.org', tags: ['oneclick'] });
      const m = await newMailing(h, org.id, { include_tags: ['oneclick'] });
      const url = new URL(unsubscribeUrl(h.config.baseUrl, h.config.secretKey, m.id, p.id));
      const status = async () => (await h.ctx.database.db.selectFrom('people').select('email_status').where('id', '=', p.id).executeTakeFirstOrThrow()).email_status;
      const page = await h.app.inject({ method: 'GET', url: url.pathname });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<form method="post"/);
      assert.equal(await status(), 'subscribed', 'opening the link (a scanner) does not unsubscribe');
      const forged = await h.app.inject({ method: 'POST', url: url.pathname.replace(/[^/]+$/, 'AAAAAAAAAAAAAAAAAAAAAAAA'), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
      assert.equal(forged.statusCode, 404);
      assert.match(forged.body, /This link does not work/);
      assert.equal(await status(), 'subscribed');
      const res = await h.app.inject({ method: 'POST', url: url.pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
      assert.equal(res.statusCode, 200);
      assert.equal(await status(), 'unsubscribed');
      const multipart = await h.app.inject({ method: 'POST', url: url.pathname, headers: { 'content-type': 'multipart/form-data; boundary=x' }, payload: '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--\r\n' });
      assert.equal(multipart.statusCode, 200, 'RFC 8058 allows multipart too');
    });

    it('applies an unsubscribe to the next message already queued', async () => {
      const p = await addPerson(h, org.id, { email: 'late@example.org', tags: ['late'] });
      const m = await newMailing(h, org.id, { include_tags: ['late'] });
      const db = h.ctx.database.db;
      await scheduleMailing(db, m, nowIso(), nowIso());
      // The start writes the rows; the unsubscribe comes before the chunk sends.
      const { startMailing } = await import('../src/mailings/sender.ts');
      const { senderDeps } = await import('../src/mailings/jobs.ts');
      const deps = senderDeps({ db, mailer: h.mailer, secretKey: h.config.secretKey, baseUrl: h.config.baseUrl, config: h.config });
      await startMailing(deps, m.id);
      const url = new URL(unsubscribeUrl(h.config.baseUrl, h.config.secretKey, m.id, p.id));
      await h.app.inject({ method: 'POST', url: url.pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
      await h.runJobs();
      assert.deepEqual((await recipientStates(h, m.id)).map((r) => r.state), ['skipped']);
      assert.ok(!h.mailer.sent.some((s) => s.to === 'late@example.org'));
    });

    it('narrows by place and language', async () => {
      await addPerson(h, org.id, { email: 'chi@example.org', postalCode: '60605', language: 'es', tags: ['place'] });
      await addPerson(h, org.id, { email: 'evanston@example.org', postalCode: '60201', tags: ['place'] });
      await addPerson(h, org.id, { email: 'austin@example.org', postalCode: '78701', tags: ['place'] });
      const db = h.ctx.database.db;
      const count = async (over: Parameters<typeof newMailing>[2]) => countAudience(db, org.id, parseAudience((await newMailing(h, org.id, { include_tags: ['place'], ...over })).audience));
      assert.equal(await count({ states: ['IL'] }), 2);
      assert.equal(await count({ states: ['TX'] }), 1);
      assert.equal(await count({ near_zip: '60605', near_miles: '5' }), 1);
      assert.equal(await count({ near_zip: '60605', near_miles: '20' }), 2);
      assert.equal(await count({ languages: ['es'] }), 1);
      assert.equal(await count({ languages: ['en'] }), 2);
    });

    it('tests subjects on a share, waits, then sends the winner to the rest', async () => {
      const db = h.ctx.database.db;
      for (let i = 0; i < 10; i++) await addPerson(h, org.id, { email: `ab${i}@example.org`, tags: ['ab'] });
      const m = await newMailing(h, org.id, { include_tags: ['ab'], test_subjects_en: ['Second subject', 'Third subject'], test_share: '30', test_wait_minutes: '60' });
      await scheduleMailing(db, m, nowIso(), nowIso());
      await h.runJobs();
      const tested = h.mailer.sent.filter((s) => s.messageId.includes(m.id));
      assert.deepEqual(tested.map((s) => s.subject).sort(), ['Second subject', 'Third subject', 'Trains are coming']);
      const waiting = await db.selectFrom('mailings').selectAll().where('id', '=', m.id).executeTakeFirstOrThrow();
      assert.equal(waiting.status, 'waiting');
      assert.ok(waiting.test_ends_at! > nowIso());
      assert.equal((await recipientStates(h, m.id)).filter((r) => r.state === 'held').length, 7);
      await pickWinner(db, waiting, 2, nowIso());
      await h.runJobs();
      const all = h.mailer.sent.filter((s) => s.messageId.includes(m.id));
      assert.equal(all.length, 10, 'each person once');
      assert.equal(new Set(all.map((s) => s.to)).size, 10);
      assert.equal(all.filter((s) => s.subject === 'Third subject').length, 8);
      assert.equal((await db.selectFrom('mailings').select('status').where('id', '=', m.id).executeTakeFirstOrThrow()).status, 'sent');
    });

    it('retries a send the SMTP server dropped, and the mailing goes on', async () => {
      for (let i = 0; i < 3; i++) await addPerson(h, org.id, { email: `drop${i}@example.org`, tags: ['drop'] });
      const m = await newMailing(h, org.id, { include_tags: ['drop'] });
      await scheduleMailing(h.ctx.database.db, m, nowIso(), nowIso());
      h.mailer.failNext = 1;
      await h.runJobs();
      const sent = h.mailer.sent.filter((s) => s.messageId.includes(m.id));
      assert.equal(sent.length, 3);
      assert.equal(new Set(sent.map((s) => s.to)).size, 3, 'nobody twice');
      const rows = await h.ctx.database.db.selectFrom('mailing_recipients').select(['state', 'attempts']).where('mailing_id', '=', m.id).execute();
      assert.deepEqual(rows.map((r) => r.state), ['sent', 'sent', 'sent']);
      assert.equal(rows.reduce((a, r) => a + r.attempts, 0), 4, 'the dropped one was tried again');
    });

    it('keeps VERP addresses within 64 characters and refuses a forged one', () => {
      const key = h.config.secretKey;
      const a = verpAddress(key, '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c', 'turnout.test');
      assert.ok(a.split('@')[0]!.length <= 64);
      assert.equal(parseVerp(key, a.replace(/\.[a-z2-7]{6}@/, '.aaaaaa@')), null);
    });
  });
}
