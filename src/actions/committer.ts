import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { registerListener, UnitOfWork, type RaisedListener } from './unit-of-work.ts';
import type { Dialect } from '../db/connect.ts';
import { nowIso } from '../util/ids.ts';
import { classifyDatabaseFault } from '../db/faults.ts';
import { RateWindow } from '../util/rate-window.ts';

type Work<T> = (uow: UnitOfWork) => Promise<T>;

interface Pending {
  work: Work<unknown>;
  sideBySide: boolean;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export interface CommitterOptions {
  /** Most actions written in one transaction. */
  maxBatch?: number;
  /** Transactions in flight at once (1 on SQLite, which has one writer; a few on PostgreSQL). */
  concurrency?: number;
  dialect?: Dialect;
  /** Hears what each transaction's actions raised (webhooks), before it is written. */
  listener?: RaisedListener;
}

/**
 * Group commit: every action that arrives while a transaction is being written waits for the
 * next one, so under load one fsync covers hundreds of actions, and at rest an action is
 * written at once. A promise from `submit` resolves only after its transaction committed,
 * which is what lets the thank-you page promise the signature is on disk.
 *
 * A batch starts at the end of the current turn of the event loop (`setImmediate`), not at
 * the first `submit`: every request read from the network in that turn joins it. Starting
 * at once made batches of one on SQLite, whose driver is synchronous: a whole transaction,
 * fsync included, ran before the next request could even be read.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly concurrency: number;
  private readonly dialect: Dialect;
  private readonly listener: RaisedListener | undefined;
  private closed = false;
  // Actions submitted lately, for `busy`.
  private readonly arrivals = new RateWindow();

  constructor(
    private readonly db: Kysely<Database>,
    opts: CommitterOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 500;
    this.concurrency = opts.concurrency ?? 1;
    this.dialect = opts.dialect ?? 'sqlite';
    this.listener = opts.listener;
    if (opts.listener) registerListener(db, opts.listener);
  }

  /**
   * Writes an action and resolves once it is committed. With `sideBySide`, the action runs
   * beside the batch's other such actions, so their shared statements run once for all of them
   * (see `UnitOfWork.run` for what such an action must not do); the others run one at a time.
   */
  submit<T>(work: Work<T>, opts: { sideBySide?: boolean } = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the action writer is shut down'));
    this.arrivals.note();
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, sideBySide: opts.sideBySide === true, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * True while actions arrive faster than `perSecond` (over the last half second to second):
   * a surge, during which the worker of the same process steps aside.
   */
  busy(perSecond = 200): boolean {
    return this.arrivals.atLeast(perSecond);
  }

  /** Waits for every submitted action to be written, then refuses new ones. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.queue.length > 0 || this.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.write(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.schedule();
      });
    }
  }

  /**
   * Writes a batch in one transaction; a waiter is answered only once the commit is known: its
   * result after the commit, or an error. A batch that met a database fault (a restart, a lost
   * connection, a full disk) is never written again here: every waiter gets the error (a 503),
   * and, since a commit whose answer was lost may still have been written, nothing is retried
   * into a second copy (a repeat by the client is counted once). Returns that fault, if any.
   */
  private async write(batch: Pending[]): Promise<unknown> {
    const results = new Map<Pending, unknown>();
    try {
      await this.db.transaction().execute(async (trx) => {
        const uow = new UnitOfWork(trx, nowIso(), this.dialect, this.listener);
        const together = batch.filter((item) => item.sideBySide);
        const alone = batch.filter((item) => !item.sideBySide);
        const settled = await uow.run(together.map((item) => item.work));
        settled.forEach((s, i) => {
          if (s.status === 'rejected') throw s.reason;
          results.set(together[i]!, s.value);
        });
        for (const item of alone) {
          const [s] = await uow.run([item.work]);
          if (s!.status === 'rejected') throw s!.reason;
          results.set(item, s!.value);
        }
        await uow.flush();
      });
    } catch (error) {
      // A full or failing disk fails every action alike: retrying each alone would only wait longer.
      const fault = classifyDatabaseFault(error) ? error : null;
      if (batch.length === 1 || fault) {
        for (const item of batch) item.reject(error);
        return fault;
      }
      // One action failed and took the batch's transaction with it: write each on its own,
      // so the others still succeed and only the faulty one reports its error. If the
      // database fails meanwhile, the rest are answered with that fault at once.
      for (let i = 0; i < batch.length; i++) {
        const fault = await this.write([batch[i]!]);
        if (fault) {
          for (const item of batch.slice(i + 1)) item.reject(fault);
          return fault;
        }
      }
      return null;
    }
    for (const item of batch) item.resolve(results.get(item));
    return null;
  }
}
