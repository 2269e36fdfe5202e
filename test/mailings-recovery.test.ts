// What a chunk job run again finds and puts back (src/mailings/sender.ts, recoverDeadRuns): a
// job is run again when its worker died before marking it done, so a run of its chunk may have
// finished, or died with sends recorded but not acknowledged (SQLite's log).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { harness, targets, type Harness } from './helpers.ts';
import { organization } from './admin-helpers.ts';
import { addPerson, mailSettings, newMailing, recipientStates } from './mailings-support.ts';
import { scheduleMailing } from '../src/mailings/service.ts';
import { runChunk, startMailing } from '../src/mailings/sender.ts';
import { ackFile } from '../src/mailings/recovery.ts';
import type { Mailer } from '../src/mail/mailer.ts';
import { senderDeps } from '../src/mailings/jobs.ts';
import { nowIso } from '../src/util/ids.ts';

for (const target of targets()) {
  describe(`a chunk job run again on ${target.name}`, () => {
    let h: Harness;
    let orgId: string;
    let n = 0;
    before(async () => {
      h = await harness(target);
      orgId = (await organization(h, 'Fair Trains')).id;
      await mailSettings(h, orgId, { rate_per_second: 1000 });
    });
    after(() => h.close());

    const deps = () => senderDeps({ db: h.ctx.database.db, mailer: h.mailer, secretKey: h.config.secretKey, baseUrl: h.config.baseUrl, config: h.config });
    const started = async (people: number) => {
      const tag = `r${++n}`;
      for (let i = 0; i < people; i++) await addPerson(h, orgId, { email: `${tag}-${i}@example.org`, tags: [tag] });
      const m = await newMailing(h, orgId, { include_tags: [tag] });
      await scheduleMailing(h.ctx.database.db, m, nowIso(), nowIso());
      await startMailing(deps(), m.id);
      return { m, tag };
    };
    const sentTo = (tag: string) => h.mailer.sent.filter((s) => s.to.startsWith(`${tag}-`)).map((s) => s.to).sort();

    it('sends nothing again when the run of its chunk had finished', async () => {
      const { m, tag } = await started(6);
      await runChunk(deps(), { mailingId: m.id, chunk: 1 });
      assert.equal(sentTo(tag).length, 6);
      // The worker died after the chunk's last transaction, before marking the job done: it runs again.
      await runChunk(deps(), { mailingId: m.id, chunk: 1 });
      await runChunk(deps(), { mailingId: m.id, chunk: 1 });
      assert.equal(sentTo(tag).length, 6, 'nobody got it twice');
      assert.deepEqual(new Set((await recipientStates(h, m.id)).map((r) => r.state)), new Set(['sent']));
    });

    it('puts back a send whose connection dropped while its record was being written', async () => {
      const { m, tag } = await started(3);
      // The SMTP connection dies after DATA, while the send's record is still being written: the
      // record lands, the message's end (released only after it) never goes.
      const dropping: Mailer = {
        async send(mail) {
          void mail.beforeCommit?.().catch(() => undefined);
          throw Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' });
        },
        close() {},
      };
      await runChunk({ ...deps(), mailer: dropping }, { mailingId: m.id, chunk: 1 });
      assert.deepEqual(new Set((await recipientStates(h, m.id)).map((r) => r.state)), new Set(['queued']), 'back in the queue, not sent');
      assert.equal(sentTo(tag).length, 0);
      await runChunk(deps(), { mailingId: m.id, chunk: 2 });
      assert.equal(sentTo(tag).length, 3, 'each sent once when the server is back');
      assert.deepEqual(new Set((await recipientStates(h, m.id)).map((r) => r.state)), new Set(['sent']));
    });

    if (target.name === 'sqlite') {
      for (const naming of ['with the mailing in its name', 'named as before the mailing was in it'] as const) it(`puts back only the sends its log did not acknowledge, once, however often it runs again (a log ${naming})`, async () => {
        const { m, tag } = await started(6);
        const db = h.ctx.database.db;
        // A run of chunk 1 recorded two batches and was killed after noting only the first.
        const dead = '1:deadrun00001';
        const rows = await db.selectFrom('mailing_recipients').select(['person_id', 'seq']).where('mailing_id', '=', m.id).orderBy('seq').execute();
        for (const [i, r] of rows.entries()) {
          await db.updateTable('mailing_recipients').set({ state: 'sent', claim: dead, claimed_at: nowIso(), sent_at: nowIso(), sent_batch: i < 3 ? 1 : 2, attempts: 1 }).where('mailing_id', '=', m.id).where('person_id', '=', r.person_id).execute();
        }
        const ackDir = path.join(h.config.dataDir, 'mailing-acks');
        mkdirSync(ackDir, { recursive: true });
        const log = naming === 'with the mailing in its name' ? ackFile(ackDir, m.id, dead) : path.join(ackDir, '1-deadrun00001.ack');
        writeFileSync(log, '1\n');
        const before = sentTo(tag).length;
        await runChunk(deps(), { mailingId: m.id, chunk: 1 });
        const second = rows.slice(3).map((r) => r.person_id);
        const people = await db.selectFrom('people').select(['id', 'email']).where('id', 'in', second).execute();
        assert.deepEqual(sentTo(tag).slice(before), people.map((p) => p.email!).sort(), 'the unacknowledged batch, and only it, went again');
        assert.equal(existsSync(log), false, 'the dead run is settled and its log removed');
        // Run again, and again: the settled run and the finished one put nothing back.
        await runChunk(deps(), { mailingId: m.id, chunk: 1 });
        await runChunk(deps(), { mailingId: m.id, chunk: 2 });
        assert.equal(sentTo(tag).length, before + 3, 'nobody got it twice');
        assert.deepEqual(new Set((await recipientStates(h, m.id)).map((r) => r.state)), new Set(['sent']));
      });

      it('removes the log of a run killed before its first send, and sends its rows once', async () => {
        const { m, tag } = await started(4);
        const db = h.ctx.database.db;
        // A run of chunk 1 claimed every row, made its log and was killed before any send was recorded.
        const dead = '1:deadrun00002';
        const claimedAt = new Date(Date.now() - 10 * 60_000).toISOString();
        await db.updateTable('mailing_recipients').set({ state: 'sending', claim: dead, claimed_at: claimedAt }).where('mailing_id', '=', m.id).execute();
        const ackDir = path.join(h.config.dataDir, 'mailing-acks');
        mkdirSync(ackDir, { recursive: true });
        const log = ackFile(ackDir, m.id, dead);
        writeFileSync(log, '');
        // Logs of another chunk's run, and of another mailing's run of the same chunk, are not this recovery's to remove.
        const other = ackFile(ackDir, m.id, '12:otherrun0001');
        writeFileSync(other, '');
        const otherMailing = ackFile(ackDir, '0193a5b0-7e1c-7d2e-9f00-0123456789ab', '1:livenow00001');
        writeFileSync(otherMailing, '1\n');
        await runChunk(deps(), { mailingId: m.id, chunk: 1 });
        assert.equal(existsSync(log), false, 'the empty log of the dead run is gone');
        assert.equal(existsSync(other), true, 'another chunk’s log stays');
        assert.equal(existsSync(otherMailing), true, 'another mailing’s log of the same chunk stays');
        assert.equal(sentTo(tag).length, 4, 'its rows went, once each');
        await runChunk(deps(), { mailingId: m.id, chunk: 2 });
        assert.equal(sentTo(tag).length, 4, 'nobody got it twice');
        assert.deepEqual(new Set((await recipientStates(h, m.id)).map((r) => r.state)), new Set(['sent']));
      });
    }
  });
}
