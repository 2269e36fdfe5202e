// A small `npm run bench:crash`: `turnout serve` as its own process, sending mail to a real
// SMTP server on loopback, SIGKILLed once under a few seconds of signing load, then restarted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { targets, scratchDatabase } from './helpers.ts';
import { runCrash } from '../bench/lib/crash.ts';

for (const target of targets()) {
  describe(`a crash under signing load on ${target.name}`, () => {
    const scratch = scratchDatabase(target, 'crash');

    it('loses no answered signature, runs every queued job after the restart and mails each signer once', { timeout: 120_000 }, async () => {
      // 100 signatures a second: below the rate at which the worker steps aside, so it is sending
      // autoresponses when the kill comes, and the kill can land between a send and its record.
      // The SMTP server takes 200 ms a message (10 connections: 50 a second), so jobs are waiting too.
      const r = await runCrash({ ...scratch, seconds: 5, killAfterMs: 2500, connections: 8, rate: 100, settleMs: 90_000, smtpDelayMs: 200 });

      assert.ok(r.accepted > 0, 'the server answered some signatures 303 before it died');
      assert.equal(r.lost, 0, `signatures answered 303 but not stored: ${r.lostExamples.join(', ')}`);
      assert.equal(r.duplicated, 0, 'nobody is stored twice');
      // A signature may be stored without its 303 (committed, then killed before the answer), never the reverse.
      assert.ok(r.stored >= r.accepted, `${r.stored} stored for ${r.accepted} answered`);
      assert.equal(r.counter, r.stored, 'the counter moved with the rows in the same transactions');

      assert.ok(r.atKill.mailsReceived > 0, 'the worker was sending during the load');
      assert.ok(r.atKill.pending + r.atKill.orphaned > 0, 'jobs were waiting when the server died');
      assert.equal(r.jobsNotDone, 0, 'every job queued before the kill ran after the restart');
      assert.equal(r.jobsFailed, 0);

      assert.equal(r.missingMail, 0, 'every stored signature got its autoresponse');
      assert.equal(r.strayMail, 0, 'no message for a signature that is not stored, or to another address');
      assert.equal(r.differentMessageIds, 0, 'copies of a message carry the same Message-ID');
      assert.equal(r.resentWithoutCrash, 0, 'only a message the kill interrupted between send and record went twice');
      assert.ok(r.mailsReceived >= r.stored && r.mailsReceived <= r.stored + r.atKill.orphaned, `${r.mailsReceived} mails for ${r.stored} signatures`);
    });
  });
}
