import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Job, NewJob } from '../db/schema.ts';
import type { Dialect } from '../db/connect.ts';
import { RowStatement } from '../db/row-statements.ts';

type Q = Kysely<Database> | Transaction<Database>;

const jobInsert = new RowStatement('job insert', (q, rows: NewJob[]) => q.insertInto('jobs').values(rows));

export async function insertJobs(q: Q, jobs: readonly NewJob[]): Promise<void> {
  await jobInsert.execute(q, jobs);
}

/**
 * Claims up to `limit` runnable jobs for `workerId`: pending ones that are due, and running ones
 * whose lock expired (their worker died). On PostgreSQL `FOR UPDATE SKIP LOCKED` lets several
 * workers claim at once without taking the same job; SQLite has one writer, so the update is atomic.
 */
export async function claimJobs(
  db: Kysely<Database>,
  dialect: Dialect,
  opts: { workerId: string; limit: number; now: string; lockedUntil: string },
): Promise<Job[]> {
  const skipLocked = dialect === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  // Two subqueries, each reading the (status, run_at) index only as far as its LIMIT: with one
  // OR'ed subquery both databases sorted every due job first, so a backlog made each claim slower.
  const result = await sql<Job>`
    UPDATE jobs SET status = 'running', locked_by = ${opts.workerId}, locked_until = ${opts.lockedUntil},
      attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM (
        SELECT id FROM jobs WHERE status = 'pending' AND run_at <= ${opts.now} ORDER BY run_at LIMIT ${opts.limit} ${skipLocked}
      ) AS due
      UNION ALL
      SELECT id FROM (
        SELECT id FROM jobs WHERE status = 'running' AND locked_until < ${opts.now} LIMIT ${opts.limit} ${skipLocked}
      ) AS expired
    )
    RETURNING *`.execute(db);
  return result.rows;
}

/**
 * Marks jobs done, only those this worker still holds: one statement (and, on SQLite, one
 * fsync) for a whole batch, so the worker does not take the disk from the actions being signed.
 */
export async function completeJobs(q: Q, ids: string[], workerId: string, now: string): Promise<number> {
  let done = 0;
  // Chunked to stay under SQLite's bound-parameter limit.
  for (let i = 0; i < ids.length; i += 500) {
    const r = await q
      .updateTable('jobs')
      .set({ status: 'done', finished_at: now, locked_by: null, locked_until: null, last_error: null })
      .where('id', 'in', ids.slice(i, i + 500))
      .where('locked_by', '=', workerId)
      .executeTakeFirst();
    done += Number(r.numUpdatedRows);
  }
  return done;
}

/** Extends the locks of the jobs `workerId` is running (its heartbeat while a batch runs). */
export async function renewLocks(q: Q, workerId: string, lockedUntil: string): Promise<void> {
  await q.updateTable('jobs').set({ locked_until: lockedUntil }).where('locked_by', '=', workerId).where('status', '=', 'running').execute();
}

/** Marks a job done, but only if this worker still holds it. */
export async function completeJob(q: Q, id: string, workerId: string, now: string): Promise<boolean> {
  const r = await q
    .updateTable('jobs')
    .set({ status: 'done', finished_at: now, locked_by: null, locked_until: null, last_error: null })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function failJob(
  q: Q,
  id: string,
  workerId: string,
  opts: { error: string; retryAt: string | null; now: string },
): Promise<void> {
  await q
    .updateTable('jobs')
    .set(
      opts.retryAt
        ? { status: 'pending', run_at: opts.retryAt, locked_by: null, locked_until: null, last_error: opts.error }
        : { status: 'failed', finished_at: opts.now, locked_by: null, locked_until: null, last_error: opts.error },
    )
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .execute();
}

export async function listJobs(q: Q, status: Job['status'], limit = 100) {
  return q.selectFrom('jobs').selectAll().where('status', '=', status).orderBy('created_at', 'desc').limit(limit).execute();
}

export async function countJobs(q: Q) {
  const rows = await q.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) as Partial<Record<Job['status'], number>>;
}

/** Puts failed jobs back in the queue (an operator's retry). */
export async function retryFailedJobs(q: Q, now: string, id?: string) {
  let query = q
    .updateTable('jobs')
    .set({ status: 'pending', run_at: now, attempts: 0, finished_at: null })
    .where('status', '=', 'failed');
  if (id) query = query.where('id', '=', id);
  const r = await query.executeTakeFirst();
  return Number(r.numUpdatedRows);
}
