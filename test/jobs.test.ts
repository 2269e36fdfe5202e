import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { targets, harness, type Harness } from './helpers.ts';
import { connect } from '../src/db/connect.ts';
import { Worker, PermanentJobError, backoffMs } from '../src/jobs/worker.ts';
import { listJobs } from '../src/jobs/repository.ts';
import { GroupCommitter } from '../src/actions/committer.ts';

for (const target of targets()) {
  describe(`job queue on ${target.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await harness(target);
    });
    after(() => h.close());

    const enqueue = (kind: string, n: number) =>
      h.ctx.committer.submit(async (uow) => {
        for (let i = 0; i < n; i++) uow.enqueue(kind, { i }, { maxAttempts: 3 });
      });

    it('runs each job exactly once with two workers claiming at the same time', async () => {
      await enqueue('count', 300);
      const runs = new Map<number, number>();
      const handler = async ({ i }: { i: number }) => {
        runs.set(i, (runs.get(i) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, Math.random() * 3));
      };
      // Each worker has its own connection pool (its own connection on SQLite), as two processes would.
      const second = connect(h.databaseUrl);
      const a = new Worker({ db: h.ctx.database.db, dialect: h.ctx.database.dialect, handlers: { count: handler }, batchSize: 7 });
      const b = new Worker({ db: second.db, dialect: second.dialect, handlers: { count: handler }, batchSize: 7 });
      const [na, nb] = await Promise.all([a.drain(), b.drain()]);
      await second.close();
      assert.equal(na + nb, 300);
      assert.equal(runs.size, 300);
      assert.ok([...runs.values()].every((n) => n === 1), 'no job ran twice');
      if (target.name === 'postgres') assert.ok(na > 0 && nb > 0, `both workers took work (${na}/${nb})`);
      const left = await h.ctx.database.db.selectFrom('jobs').select(sql<number>`count(*)`.as('n')).where('kind', '=', 'count').where('status', '!=', 'done').executeTakeFirstOrThrow();
      assert.equal(Number(left.n), 0);
    });

    it('steps aside while the process is busy, but never longer than maxDeferMs', async () => {
      await enqueue('deferred', 1);
      let ranAt = 0;
      const started = Date.now();
      const busyWorker = new Worker({
        db: h.ctx.database.db,
        dialect: h.ctx.database.dialect,
        handlers: { deferred: async () => void (ranAt = Date.now()) },
        busy: () => true,
        maxDeferMs: 400,
        pollMs: 20,
      });
      busyWorker.start();
      await new Promise((r) => setTimeout(r, 250));
      assert.equal(ranAt, 0, 'nothing ran while busy, before maxDeferMs');
      while (ranAt === 0 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 20));
      await busyWorker.stop();
      assert.ok(ranAt - started >= 380, `ran ${ranAt - started} ms after start`);
      await enqueue('deferred', 1);
      ranAt = 0;
      const quiet = new Worker({ db: h.ctx.database.db, dialect: h.ctx.database.dialect, handlers: { deferred: async () => void (ranAt = Date.now()) }, busy: () => false, pollMs: 20 });
      const at = Date.now();
      quiet.start();
      while (ranAt === 0 && Date.now() - at < 5000) await new Promise((r) => setTimeout(r, 10));
      await quiet.stop();
      assert.ok(ranAt - at < 300, `a quiet process runs jobs at once (${ranAt - at} ms)`);
    });

    it('while the pages are busy, takes at most about a sixth of the time, and still runs', async () => {
      const ranFor = async (serving: boolean) => {
        await enqueue('slow', 60);
        let done = 0;
        const worker = new Worker({
          db: h.ctx.database.db,
          dialect: h.ctx.database.dialect,
          handlers: { slow: async () => void (await new Promise((r) => setTimeout(r, 40)), done++) },
          serving: () => serving,
          batchSize: 1,
          concurrency: 1,
          pollMs: 20,
        });
        worker.start();
        await new Promise((r) => setTimeout(r, 1200));
        await worker.stop();
        await h.ctx.database.db.deleteFrom('jobs').where('kind', '=', 'slow').execute();
        return done;
      };
      const quiet = await ranFor(false);
      const serving = await ranFor(true);
      assert.ok(serving >= 2, `jobs still run while the pages are busy (${serving} in 1.2 s)`);
      assert.ok(serving * 2.5 <= quiet, `${serving} jobs while serving, ${quiet} while quiet`);
    });

    it('the committer is busy while actions arrive faster than the threshold', async () => {
      assert.equal(h.ctx.committer.busy(50), false);
      await Promise.all(Array.from({ length: 60 }, () => h.ctx.committer.submit(async () => 1)));
      assert.equal(h.ctx.committer.busy(50), true);
      assert.equal(h.ctx.committer.busy(1000), false);
    });

    it('retries a failing job with backoff, then keeps it as failed with its error', async () => {
      await enqueue('flaky', 1);
      let calls = 0;
      const worker = new Worker({
        db: h.ctx.database.db,
        dialect: h.ctx.database.dialect,
        handlers: {
          flaky: async () => {
            calls++;
            throw new Error(`SMTP refused (${calls})`);
          },
        },
      });
      assert.equal(await worker.drain(), 1);
      let [job] = await h.ctx.database.db.selectFrom('jobs').selectAll().where('kind', '=', 'flaky').execute();
      assert.equal(job!.status, 'pending');
      assert.equal(job!.attempts, 1);
      assert.match(job!.last_error!, /SMTP refused \(1\)/);
      const delay = Date.parse(job!.run_at) - Date.now();
      assert.ok(delay > 20_000 && delay <= backoffMs(1), `retried later, not at once (${delay} ms)`);
      // Make it due twice more: the third attempt is the last.
      for (let i = 0; i < 2; i++) {
        await h.ctx.database.db.updateTable('jobs').set({ run_at: new Date(0).toISOString() }).where('kind', '=', 'flaky').execute();
        await worker.drain();
      }
      [job] = await h.ctx.database.db.selectFrom('jobs').selectAll().where('kind', '=', 'flaky').execute();
      assert.equal(calls, 3);
      assert.equal(job!.status, 'failed');
      assert.match(job!.last_error!, /SMTP refused \(3\)/);
      const failed = await listJobs(h.ctx.database.db, 'failed');
      assert.ok(failed.some((j) => j.id === job!.id));
    });

    it('fails at once for good on a permanent error or an unknown kind', async () => {
      await enqueue('nobody-handles-this', 1);
      await enqueue('permanent', 1);
      const worker = new Worker({
        db: h.ctx.database.db,
        dialect: h.ctx.database.dialect,
        handlers: { permanent: async () => { throw new PermanentJobError('address rejected'); } },
      });
      await worker.drain();
      const rows = await h.ctx.database.db.selectFrom('jobs').selectAll().where('kind', 'in', ['nobody-handles-this', 'permanent']).execute();
      assert.deepEqual(rows.map((r) => r.status).sort(), ['failed', 'failed']);
      assert.ok(rows.some((r) => /no handler for job kind/.test(r.last_error ?? '')));
    });

    it('takes back a job whose worker died once its lock expires', async () => {
      await enqueue('orphan', 1);
      const dead = new Worker({ db: h.ctx.database.db, dialect: h.ctx.database.dialect, handlers: {}, lockMs: -1000 });
      // Claim and "die": simulate by claiming with an already-expired lock and not finishing.
      const { claimJobs } = await import('../src/jobs/repository.ts');
      const now = new Date().toISOString();
      const claimed = await claimJobs(h.ctx.database.db, h.ctx.database.dialect, { workerId: dead.id, limit: 10, now, lockedUntil: new Date(Date.now() - 1000).toISOString() });
      assert.ok(claimed.some((j) => j.kind === 'orphan'));
      let ran = 0;
      const alive = new Worker({ db: h.ctx.database.db, dialect: h.ctx.database.dialect, handlers: { orphan: async () => { ran++; } } });
      await alive.drain();
      assert.equal(ran, 1);
      const [job] = await h.ctx.database.db.selectFrom('jobs').selectAll().where('kind', '=', 'orphan').execute();
      assert.equal(job!.status, 'done');
    });

    it('writes a job in the same transaction as the action: a failed action leaves no job', async () => {
      const committer = new GroupCommitter(h.ctx.database.db);
      await assert.rejects(
        committer.submit(async (uow) => {
          uow.enqueue('ghost', {});
          await sql`SELECT * FROM no_such_table`.execute(uow.trx);
        }),
      );
      // Sharing a batch with a failing action does not lose a good one.
      const results = await Promise.allSettled([
        committer.submit(async (uow) => { uow.enqueue('good', {}); return 'ok'; }),
        committer.submit(async (uow) => { uow.enqueue('ghost', {}); await sql`SELECT * FROM no_such_table`.execute(uow.trx); }),
        committer.submit(async (uow) => { uow.enqueue('good', {}); return 'ok'; }),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      await committer.close();
      const rows = await h.ctx.database.db.selectFrom('jobs').select('kind').where('kind', 'in', ['ghost', 'good']).execute();
      assert.deepEqual(rows.map((r) => r.kind), ['good', 'good']);
    });
  });
}
