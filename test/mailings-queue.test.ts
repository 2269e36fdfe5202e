// A mailing through `turnout worker` to a real SMTP server on loopback, the worker SIGKILLed in
// the middle and started again: nobody gets it twice, nobody is missed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { targets } from './helpers.ts';
import { dropSchema, ensureSchema } from '../src/db/connect.ts';
import { runMailing } from '../bench/lib/mailings.ts';

for (const target of targets()) {
  describe(`a mailing killed in the middle on ${target.name}`, () => {
    let dataDir: string;
    let databaseUrl: string;
    before(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'turnout-mailing-test-'));
      if (target.name === 'postgres') {
        const url = new URL(process.env.TEST_DATABASE_URL!);
        url.searchParams.set('schema', `mail_${randomBytes(5).toString('hex')}`);
        databaseUrl = url.toString();
        await ensureSchema(databaseUrl);
      } else {
        databaseUrl = `sqlite:${path.join(dataDir, 'turnout.sqlite')}`;
      }
    });
    after(async () => {
      if (target.name === 'postgres') await dropSchema(databaseUrl);
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('sends every person the mailing exactly once across a SIGKILL and a restart', { timeout: 120_000 }, async () => {
      const r = await runMailing({ databaseUrl, dataDir, people: 3000, rate: 1000, killAfter: 1200, timeoutMs: 100_000 });
      assert.ok(r.atKill >= 1200 && r.atKill < 3000, `killed after ${r.atKill}`);
      assert.equal(r.sentTwice, 0, 'nobody got it twice');
      assert.equal(r.missed, 0, `nobody was missed: ${JSON.stringify({ rows: r.missedRows, killedAt: r.killedAt })}`);
      assert.equal(r.stray, 0);
      assert.equal(r.received, 3000);
      assert.equal(r.rowsSent, 3000, 'every row says sent');
      assert.equal(r.rowsOther, 0);
    });

    it('sends every person once with two workers in lanes (MAILING_PARALLEL=2), one of them SIGKILLed', { timeout: 120_000 }, async () => {
      const r = await runMailing({ databaseUrl, dataDir, people: 3000, rate: 1000, killAfter: 1200, workers: 2, timeoutMs: 100_000 });
      assert.ok(r.atKill >= 1200 && r.atKill < 3000, `killed after ${r.atKill}`);
      assert.equal(r.sentTwice, 0, 'nobody got it twice');
      assert.equal(r.missed, 0, `nobody was missed: ${JSON.stringify({ rows: r.missedRows, killedAt: r.killedAt })}`);
      assert.equal(r.stray, 0);
      assert.equal(r.received, 3000);
      assert.equal(r.rowsSent, 3000, 'every row says sent');
      assert.equal(r.rowsOther, 0);
    });
  });
}
