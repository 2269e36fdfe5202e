// A mailing through `turnout worker` to a real SMTP server on loopback, the worker SIGKILLed in
// the middle and started again: nobody gets it twice, nobody is missed (but for the window a
// kill cannot settle, bounded below). `npm run bench:mailings` counts missed strictly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { targets, scratchDatabase } from './helpers.ts';
import { runMailing, type MailingRunResult } from '../bench/lib/mailings.ts';

/**
 * Nobody missed, but for the one window a kill cannot settle (src/mailings/README.md, point 7):
 * messages recorded `sent` whose ends had been handed to the socket when the worker died, and
 * that the test's SMTP server (sharing a loaded machine) had not read yet. Those are at most the
 * ones in flight (24 a worker), all `sent` by the killed worker moments before the kill; a row
 * missed for any other reason (not sent at all, or sent long before) fails the test.
 */
function assertNoneMissedBeyondTheKill(r: MailingRunResult, workers: number): void {
  const detail = JSON.stringify({ missed: r.missed, rows: r.missedRows.slice(0, 5), killedAt: r.killedAt });
  assert.ok(r.missed <= 24 * workers, `nobody was missed beyond the messages in flight at the kill: ${detail}`);
  const killed = Date.parse(r.killedAt ?? '');
  for (const row of r.missedRows as { state: string; sent_at: string | null }[]) {
    assert.equal(row.state, 'sent', `a missed row was not sent at all: ${detail}`);
    const before = killed - Date.parse(row.sent_at ?? '');
    assert.ok(before >= 0 && before < 2000, `a missed row was recorded ${before} ms before the kill, not in its last moment: ${detail}`);
  }
  if (r.missed > 0) console.log(`# ${r.missed} message(s) in flight at the kill were recorded sent and not received (the window of README point 7)`);
}

for (const target of targets()) {
  describe(`a mailing killed in the middle on ${target.name}`, () => {
    const scratch = scratchDatabase(target, 'mailing');

    it('sends every person the mailing exactly once across a SIGKILL and a restart', { timeout: 120_000 }, async () => {
      const WORKERS = 1;
      const r = await runMailing({ ...scratch, people: 3000, rate: 1000, killAfter: 1200, timeoutMs: 100_000 });
      assert.ok(r.atKill >= 1200 && r.atKill < 3000, `killed after ${r.atKill}`);
      assert.equal(r.sentTwice, 0, 'nobody got it twice');
      assertNoneMissedBeyondTheKill(r, WORKERS);
      assert.equal(r.stray, 0);
      assert.equal(r.received, 3000 - r.missed);
      assert.equal(r.rowsSent, 3000, 'every row says sent');
      assert.equal(r.rowsOther, 0);
    });

    it('sends every person once with two workers in lanes (MAILING_PARALLEL=2), one of them SIGKILLed', { timeout: 120_000 }, async () => {
      const WORKERS = 2;
      const r = await runMailing({ ...scratch, people: 3000, rate: 1000, killAfter: 1200, workers: WORKERS, timeoutMs: 100_000 });
      assert.ok(r.atKill >= 1200 && r.atKill < 3000, `killed after ${r.atKill}`);
      assert.equal(r.sentTwice, 0, 'nobody got it twice');
      assertNoneMissedBeyondTheKill(r, WORKERS);
      assert.equal(r.stray, 0);
      assert.equal(r.received, 3000 - r.missed);
      assert.equal(r.rowsSent, 3000, 'every row says sent');
      assert.equal(r.rowsOther, 0);
    });
  });
}
