import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Database, Job } from '../db/schema.ts';
import type { Dialect } from '../db/connect.ts';
import { claimJobs, completeJobs, failJob, renewLocks } from './repository.ts';
import { newId } from '../util/ids.ts';

/**
 * The contract every job handler keeps: it may run more than once (after a crash between its
 * work and the record of it), so it must be safe to repeat; it throws to ask for a retry.
 * A job is retried with exponential backoff (30 s, 1 min, 2 min … capped at 1 h) up to its
 * `max_attempts`, then kept with status `failed` and its last error for an operator
 * (`turnout jobs`). A job whose worker died is taken again once its lock expires: the lock is
 * short (30 s) and renewed every 10 s while the job runs, so a killed worker's jobs are taken
 * by another within 30 s, and a long job keeps its lock.
 */
export type JobHandler = (payload: any, job: Job) => Promise<void>;

export class PermanentJobError extends Error {}

/** Asks for a retry after `retryInMs` instead of the usual backoff (a webhook's schedule of its own). */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryInMs: number,
  ) {
    super(message);
  }
}

export interface WorkerOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  handlers: Record<string, JobHandler>;
  /** Jobs claimed (and recorded as done) together: each claim and each record is one write, one fsync on SQLite. */
  batchSize?: number;
  /** Jobs of a batch running at the same time (each email is one SMTP connection). */
  concurrency?: number;
  pollMs?: number;
  /** How long a claimed job stays locked (30 s); renewed every third of it while the batch runs. */
  lockMs?: number;
  /**
   * Says whether the process is too busy for jobs now (the web process under a surge). The
   * worker then waits, but never longer than `maxDeferMs` between batches: mail comes late in
   * a surge, and still comes.
   */
  busy?: () => boolean;
  maxDeferMs?: number;
  /**
   * Says whether the web process of the same process is serving many requests (a petition's
   * page read by thousands right after a surge). The worker then takes at most a sixth of the
   * time: after each batch it rests five times as long as the batch took (at most
   * `maxDeferMs`), so the pages keep most of the process and the mail still goes, more slowly.
   */
  serving?: () => boolean;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

export function backoffMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

/** The wait after the `failures`th failed poll in a row (the database restarting): 0.5 s, 1 s, 2 s … at most 30 s. */
export function pollBackoffMs(failures: number): number {
  return Math.min(500 * 2 ** Math.max(0, failures - 1), 30_000);
}

const DEFAULT_LOCK_MS = 30_000;
/** While the web process is busy serving, the worker rests this many times as long as each batch took. */
const SERVING_REST = 5;

export class Worker {
  readonly id = `${hostname()}:${process.pid}:${newId().slice(0, 8)}`;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  // Jobs that ran but whose completion could not be recorded (the database went away): recorded at the next tick.
  private unrecorded: string[] = [];

  constructor(private readonly opts: WorkerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Runs due jobs until none is left; returns how many ran. Used by tests and `turnout worker --once`. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.tick();
      if (n === 0) return total;
      total += n;
    }
  }

  private async run(): Promise<void> {
    const maxDeferMs = this.opts.maxDeferMs ?? 10_000;
    let lastBatch = Date.now();
    let lastTook = 0;
    let failures = 0;
    while (this.running) {
      if (this.opts.busy && Date.now() - lastBatch < maxDeferMs && this.opts.busy()) {
        await this.pause(100);
        continue;
      }
      const rest = Math.min(SERVING_REST * lastTook, maxDeferMs) - (Date.now() - lastBatch - lastTook);
      if (rest > 0 && this.opts.serving?.()) {
        await this.pause(Math.min(rest, 100));
        continue;
      }
      lastBatch = Date.now();
      let n = 0;
      try {
        n = await this.tick();
        lastTook = Date.now() - lastBatch;
        if (failures > 0) this.opts.log?.('job polling works again', { after: failures });
        failures = 0;
      } catch (e) {
        // The database is restarting or unreachable: never a crash, a retry with backoff.
        lastTook = 0;
        failures++;
        const wait = pollBackoffMs(failures);
        if (failures === 1 || wait === 30_000) this.opts.log?.('job poll failed; retrying', { error: String(e), failures, retryInMs: wait });
        if (this.running) await this.pause(wait);
        continue;
      }
      if (n === 0 && this.running) await this.pause(this.opts.pollMs ?? 500);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Claims one batch and runs it, `concurrency` jobs at a time. */
  async tick(): Promise<number> {
    if (this.unrecorded.length > 0) {
      await completeJobs(this.opts.db, this.unrecorded, this.id, new Date().toISOString());
      this.unrecorded = [];
    }
    const lockMs = this.opts.lockMs ?? DEFAULT_LOCK_MS;
    const now = Date.now();
    const jobs = await claimJobs(this.opts.db, this.opts.dialect, {
      workerId: this.id,
      limit: this.opts.batchSize ?? 100,
      now: new Date(now).toISOString(),
      lockedUntil: new Date(now + lockMs).toISOString(),
    });
    if (jobs.length === 0) return 0;
    const heartbeat = lockMs >= 3000 ? setInterval(() => this.renew(lockMs), lockMs / 3) : null;
    const ran: boolean[] = [];
    let next = 0;
    const runner = async () => {
      for (let i = next++; i < jobs.length; i = next++) ran[i] = await this.runOne(jobs[i]!);
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.opts.concurrency ?? 20, jobs.length) }, runner));
    } finally {
      if (heartbeat) clearInterval(heartbeat);
    }
    // The batch's successes are recorded together: one write instead of one per job. A crash
    // before this line runs them again, which the contract above allows.
    const done = jobs.filter((_, i) => ran[i]).map((job) => job.id);
    if (done.length > 0) {
      try {
        await completeJobs(this.opts.db, done, this.id, new Date().toISOString());
      } catch (e) {
        this.unrecorded = done;
        throw e;
      }
    }
    return jobs.length;
  }

  /** Extends the lock of the jobs this worker is running, so no other worker takes them meanwhile. */
  private renew(lockMs: number): void {
    const now = Date.now();
    renewLocks(this.opts.db, this.id, new Date(now + lockMs).toISOString()).catch((e) =>
      this.opts.log?.('job lock renewal failed', { error: String(e) }),
    );
  }

  /** Runs one job; true when it succeeded (and is to be marked done), false when its failure was recorded. */
  private async runOne(job: Job): Promise<boolean> {
    const handler = this.opts.handlers[job.kind];
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind "${job.kind}"`);
      await handler(JSON.parse(job.payload), job);
      return true;
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      const final = e instanceof PermanentJobError || job.attempts >= job.max_attempts;
      const now = Date.now();
      try {
        await failJob(this.opts.db, job.id, this.id, {
          error: error.slice(0, 2000),
          retryAt: final ? null : new Date(now + (e instanceof RetryLaterError ? e.retryInMs : backoffMs(job.attempts))).toISOString(),
          now: new Date(now).toISOString(),
        });
      } catch (recordError) {
        // The database is away: the job stays locked to this worker and is taken again when the lock expires.
        this.opts.log?.('job failure could not be recorded', { job: job.id, error: String(recordError) });
        return false;
      }
      this.opts.log?.(final ? 'job failed for good' : 'job failed, will retry', { job: job.id, kind: job.kind, error });
      return false;
    }
  }
}
