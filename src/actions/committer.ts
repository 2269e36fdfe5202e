import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { UnitOfWork } from './unit-of-work.ts';
import type { Dialect } from '../db/connect.ts';
import { nowIso } from '../util/ids.ts';

type Work<T> = (uow: UnitOfWork) => Promise<T>;

interface Pending {
  work: Work<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export interface CommitterOptions {
  /** Most actions written in one transaction. */
  maxBatch?: number;
  /** Transactions in flight at once (1 on SQLite, which has one writer; a few on PostgreSQL). */
  concurrency?: number;
  dialect?: Dialect;
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
  private closed = false;

  constructor(
    private readonly db: Kysely<Database>,
    opts: CommitterOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 500;
    this.concurrency = opts.concurrency ?? 1;
    this.dialect = opts.dialect ?? 'sqlite';
  }

  submit<T>(work: Work<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the action writer is shut down'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
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

  private async write(batch: Pending[]): Promise<void> {
    const results: unknown[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        const uow = new UnitOfWork(trx, nowIso(), this.dialect);
        for (const item of batch) results.push(await item.work(uow));
        await uow.flush();
      });
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One action failed and took the batch's transaction with it: write each on its own,
      // so the others still succeed and only the faulty one reports its error.
      for (const item of batch) await this.write([item]);
      return;
    }
    batch.forEach((item, i) => item.resolve(results[i]));
  }
}
