import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { targets, harness, type Harness } from './helpers.ts';
import { connect } from '../src/db/connect.ts';
import type { UnitOfWork } from '../src/actions/unit-of-work.ts';

for (const target of targets()) {
  describe(`group commit on ${target.name}`, () => {
    let h: Harness;
    before(async () => {
      h = await harness(target);
    });
    after(() => h.close());

    it('writes the actions submitted in one turn of the event loop in one transaction', async () => {
      const transactions = new Set<UnitOfWork>();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          h.ctx.committer.submit(async (uow) => {
            transactions.add(uow);
            uow.enqueue('batched', { i });
            return i;
          }),
        ),
      );
      assert.deepEqual(results, [...Array(20).keys()], 'each action gets its own result');
      // Starting a transaction at the first submit used to split them (one alone, then the rest).
      assert.equal(transactions.size, 1, `${transactions.size} transactions for 20 actions`);
    });

    it('gathers actions that arrive while a transaction is written into the next one', async () => {
      const transactions = new Set<UnitOfWork>();
      const submit = (i: number) =>
        h.ctx.committer.submit(async (uow) => {
          transactions.add(uow);
          uow.enqueue('arriving', { i });
          return i;
        });
      const first = submit(0);
      // Nineteen more, each in its own later turn of the event loop, as requests arrive.
      const later = Array.from({ length: 19 }, (_, i) => new Promise<number>((resolve) => setImmediate(() => resolve(submit(i + 1)))));
      await Promise.all([first, ...later]);
      assert.ok(transactions.size < 20, `${transactions.size} transactions for 20 actions arriving one by one`);
    });

    it('answers only once the action is committed: another connection already sees it', async () => {
      const jobId = await h.ctx.committer.submit(async (uow) => uow.enqueue('seen-from-outside', {}));
      const other = connect(h.databaseUrl);
      try {
        const row = await other.db.selectFrom('jobs').select('id').where('id', '=', jobId).executeTakeFirst();
        assert.equal(row?.id, jobId);
      } finally {
        await other.close();
      }
    });
  });
}
