import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { harness, targets, type Harness } from './helpers.ts';
import { organization } from './admin-helpers.ts';
import { addPerson, mailSettings, newMailing } from './mailings-support.ts';
import { scheduleMailing } from '../src/mailings/service.ts';
import { startBounceListener } from '../src/mailings/index.ts';
import { countAudience, parseAudience } from '../src/mailings/audience.ts';
import { webhookToken } from '../src/mailings/unsubscribe.ts';
import { nowIso } from '../src/util/ids.ts';

/** A DSN as Postfix writes one (RFC 3464): a readable part, the delivery status, the original's headers. */
function dsn(o: { to: string; messageId: string; status: string; action: string }) {
  return [
    'From: MAILER-DAEMON@mx.example.net', `To: ${o.to}`, 'Subject: Undelivered Mail Returned to Sender', 'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B"', '',
    '--B', 'Content-Type: text/plain', '', 'I am sorry to have to inform you that your message could not be delivered.', '',
    '--B', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.example.net', '',
    `Final-Recipient: rfc822; gone@example.org`, `Action: ${o.action}`, `Status: ${o.status}`, 'Diagnostic-Code: smtp; 550 5.1.1 <gone@example.org>: user unknown', '',
    '--B', 'Content-Type: text/rfc822-headers', '', `Message-ID: ${o.messageId}`, 'Subject: Trains are coming', '',
    '--B--', '',
  ].join('\r\n');
}

for (const target of targets()) {
  describe(`mailing bounces and complaints on ${target.name}`, () => {
    let h: Harness;
    let org: { id: string };
    before(async () => {
      h = await harness(target);
      org = await organization(h, 'Fair Trains');
      await mailSettings(h, org.id);
    });
    after(() => h.close());

    it('parses a DSN sent to the VERP address and stops mail to the address', async () => {
      const p = await addPerson(h, org.id, { email: 'gone@example.org', tags: ['b'] });
      const m = await newMailing(h, org.id, { include_tags: ['b'] });
      await scheduleMailing(h.ctx.database.db, m, nowIso(), nowIso());
      await h.runJobs();
      const sent = h.mailer.sent.find((s) => s.to === 'gone@example.org')!;
      const listener = await startBounceListener({ db: h.ctx.database.db, secretKey: h.config.secretKey, port: 0 });
      try {
        const client = nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, ignoreTLS: true });
        // A soft bounce is only counted; an unknown message changes nothing; a hard bounce stops mail.
        await client.sendMail({ envelope: { from: '', to: sent.returnPath! }, raw: dsn({ to: sent.returnPath!, messageId: sent.messageId, status: '4.2.2', action: 'delayed' }) });
        await client.sendMail({ envelope: { from: '', to: 'bounces@turnout.test' }, raw: dsn({ to: 'x', messageId: '<nothing@else>', status: '5.1.1', action: 'failed' }) });
        assert.equal(await countAudience(h.ctx.database.db, org.id, parseAudience(m.audience)), 1);
        await client.sendMail({ envelope: { from: '', to: sent.returnPath! }, raw: dsn({ to: sent.returnPath!, messageId: sent.messageId, status: '5.1.1', action: 'failed' }) });
        client.close();
      } finally {
        await listener.close();
      }
      const rows = await h.ctx.database.db.selectFrom('mail_bounces').select(['kind', 'source', 'detail', 'mailing_id']).where('person_id', '=', p.id).orderBy('created_at').execute();
      assert.deepEqual(rows.map((r) => [r.kind, r.source, r.mailing_id]), [['soft', 'dsn', m.id], ['hard', 'dsn', m.id]]);
      assert.match(rows[1]!.detail!, /^5\.1\.1/);
      assert.equal(await countAudience(h.ctx.database.db, org.id, parseAudience(m.audience)), 0, 'a hard bounce leaves them out of every audience');
      assert.equal((await h.ctx.database.db.selectFrom('mail_bounces').select('id').execute()).length, 2, 'the unknown message wrote nothing');
    });

    it('takes SES and Postmark events; a complaint unsubscribes; a wrong token is a 404', async () => {
      const p = await addPerson(h, org.id, { email: 'angry@example.org', tags: ['c'] });
      const q = await addPerson(h, org.id, { email: 'bouncy@example.org', tags: ['c'] });
      const m = await newMailing(h, org.id, { include_tags: ['c'] });
      await scheduleMailing(h.ctx.database.db, m, nowIso(), nowIso());
      await h.runJobs();
      const token = webhookToken(h.config.secretKey);
      const messageId = h.mailer.sent.find((s) => s.to === 'angry@example.org')!.messageId;
      const ses = { Type: 'Notification', Message: JSON.stringify({ notificationType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: 'angry@example.org' }], complaintFeedbackType: 'abuse' }, mail: { headers: [{ name: 'Message-ID', value: messageId }] } }) };
      const res = await h.app.inject({ method: 'POST', url: `/webhooks/mail/ses/${token}`, headers: { 'content-type': 'text/plain; charset=UTF-8' }, payload: JSON.stringify(ses) });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().applied, 1);
      const status = async (id: string) => (await h.ctx.database.db.selectFrom('people').select('email_status').where('id', '=', id).executeTakeFirstOrThrow()).email_status;
      assert.equal(await status(p.id), 'unsubscribed');
      const pm = await h.app.inject({ method: 'POST', url: `/webhooks/mail/postmark/${token}`, payload: { RecordType: 'Bounce', Type: 'HardBounce', Email: 'bouncy@example.org', Description: 'The server was unable to deliver your message' } });
      assert.equal(pm.json().applied, 1);
      assert.equal((await h.ctx.database.db.selectFrom('mail_bounces').select('kind').where('person_id', '=', q.id).executeTakeFirstOrThrow()).kind, 'hard');
      const unknown = await h.app.inject({ method: 'POST', url: `/webhooks/mail/postmark/${token}`, payload: { RecordType: 'Bounce', Type: 'HardBounce', Email: 'nobody@example.org' } });
      assert.deepEqual(unknown.json(), { applied: 0, unknown: 1, ignored: false });
      const forged = await h.app.inject({ method: 'POST', url: '/webhooks/mail/postmark/not-the-token', payload: { RecordType: 'Bounce', Type: 'HardBounce', Email: 'bouncy@example.org' } });
      assert.equal(forged.statusCode, 404);
    });
  });
}
