import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql, type Insertable } from 'kysely';
import { targets, harness, type Harness } from './helpers.ts';
import { ladder, MOST_ROWS, RowStatement, runs } from '../src/db/row-statements.ts';
import type { Database } from '../src/db/schema.ts';
import { newId } from '../src/util/ids.ts';

type JobRow = Insertable<Database['jobs']>;

describe('the ladder of statement sizes', () => {
  it('splits a batch into the fewest statements of 64, 32 … 1 rows', () => {
    assert.deepEqual(ladder(0), []);
    assert.deepEqual(ladder(1), [1]);
    assert.deepEqual(ladder(50), [32, 16, 2]);
    assert.deepEqual(ladder(64), [64]);
    assert.deepEqual(ladder(200), [64, 64, 64, 8]);
    assert.deepEqual(runs(50), [50]);
    assert.deepEqual(runs(300), [128, 128, 44]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), (n) => {
        const sizes = ladder(n);
        assert.equal(sizes.reduce((a, b) => a + b, 0), n);
        assert.ok(sizes.every((s) => s <= MOST_ROWS && (s & (s - 1)) === 0));
      }),
    );
  });
});

for (const target of targets()) {
  describe(`row statements on ${target.name}`, () => {
    let h: Harness;
    const db = () => h.ctx.database.db;
    before(async () => {
      h = await harness(target);
    });
    after(() => h.close());

    const compiled: string[] = [];
    const insert = new RowStatement('test job insert', (q, rows: JobRow[]) => {
      const query = q.insertInto('jobs').values(rows).returning(['id', 'payload']);
      compiled.push(`${rows.length}`);
      return query;
    });
    const job = (payload: string, over: Partial<JobRow> = {}): JobRow => ({
      id: newId(), kind: 'test.row', payload, status: 'pending', attempts: 0, max_attempts: 1, run_at: '2026-01-01T00:00:00.000Z',
      locked_by: null, locked_until: null, last_error: null, created_at: '2026-01-01T00:00:00.000Z', finished_at: null, ...over,
    });

    it('writes every row of any batch, each value where it belongs, and compiles each size once', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.string({ maxLength: 30 }), { maxLength: 140 }), async (payloads) => {
          const rows = payloads.map((p) => job(p));
          const returned = await db().transaction().execute((trx) => insert.execute(trx, rows));
          assert.deepEqual(returned.map((r) => r.id).sort(), rows.map((r) => r.id).sort());
          if (rows.length === 0) return;
          const stored = await db().selectFrom('jobs').select(['id', 'payload', 'kind']).where('id', 'in', rows.map((r) => r.id)).execute();
          assert.deepEqual(new Map(stored.map((r) => [r.id, r.payload])), new Map(rows.map((r) => [r.id, r.payload])));
        }),
        { numRuns: 40 },
      );
      // One compile a size, however many batches; on SQLite only the ladder's seven sizes.
      assert.equal(new Set(compiled).size, compiled.length, `compiled more than once: ${compiled.join(', ')}`);
      if (target.name === 'sqlite') assert.ok(compiled.every((n) => [1, 2, 4, 8, 16, 32, 64].includes(Number(n))), compiled.join(', '));
    });

    it('leaves to Kysely rows that are not plain: an expression, a missing column, columns in another order', async () => {
      const before = compiled.length;
      const expression = job('now', { run_at: sql<string>`'2026-02-02T00:00:00.000Z'` as unknown as string });
      const rest = [job('a'), job('b')];
      await insert.execute(db(), [expression, ...rest]);
      const { id: _id, kind, ...rest2 } = job('x');
      const reordered = { kind, id: newId(), ...rest2 } as JobRow;
      await insert.execute(db(), [job('c'), reordered]);
      assert.ok(compiled.length > before, 'built by Kysely');
      const runAt = await db().selectFrom('jobs').select('run_at').where('id', '=', expression.id).executeTakeFirstOrThrow();
      assert.equal(runAt.run_at, '2026-02-02T00:00:00.000Z');
      assert.equal((await db().selectFrom('jobs').select('id').where('id', 'in', [...rest.map((r) => r.id), reordered.id as string]).execute()).length, 3);
    });

    it('refuses the whole statement when one row breaks a key, as one Kysely statement would', async () => {
      const first = job('dup');
      await insert.execute(db(), [first]);
      const again = [job('fresh'), { ...job('dup'), id: first.id }];
      await assert.rejects(db().transaction().execute((trx) => insert.execute(trx, again)));
      assert.equal((await db().selectFrom('jobs').select('id').where('id', '=', again[0]!.id as string).execute()).length, 0);
      // Outside a transaction too: three rows are two statements on SQLite, written as one.
      const three = [job('one'), job('two'), { ...job('dup'), id: first.id }];
      await assert.rejects(insert.execute(db(), three));
      assert.equal((await db().selectFrom('jobs').select('id').where('id', 'in', [three[0]!.id as string, three[1]!.id as string]).execute()).length, 0);
    });
  });
}
