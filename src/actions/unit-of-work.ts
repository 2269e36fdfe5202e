import { sql, type Insertable, type Transaction } from 'kysely';
import type { Database, NewJob } from '../db/schema.ts';
import type { Dialect } from '../db/connect.ts';
import { insertJobs } from '../jobs/repository.ts';
import { newId } from '../util/ids.ts';
import { RowStatement } from '../db/row-statements.ts';

/**
 * A counter an action moves (a petition's signature count): the table and column it lives in,
 * declared by the capability that owns them. Counters move once per transaction by the batch's
 * sum, never once per action: one hot row everyone waits on is what takes a petition site down.
 */
export interface Counter {
  table: string;
  column: string;
}

export interface JobOptions {
  runAt?: string;
  maxAttempts?: number;
}

/**
 * A statement the actions of one batch share: each action asks with its own input and waits
 * for its own answer, and one statement (a multi-row insert, say) answers them all. `run`
 * gets the inputs in the order they were asked and returns one answer per input, in that order.
 */
export interface SharedStatement<In, Out> {
  readonly name: string;
  run(uow: UnitOfWork, inputs: In[]): Promise<Out[]>;
}

interface Asked {
  inputs: unknown[];
  answers: { resolve: (v: unknown) => void; reject: (e: unknown) => void }[];
}

type Tables = keyof Database & string;

// The group committer's listener of each database, for writes made in a transaction of their own.
const listeners = new WeakMap<object, RaisedListener>();

/** Registers the listener of a database's group committer (src/actions/committer.ts does). */
export function registerListener(db: object, listener: RaisedListener): void {
  listeners.set(db, listener);
}

/**
 * Raises events from a transaction opened outside the group committer (a PUT of a person, an
 * unsubscribe link): the listener hears them and queues its jobs in that same transaction.
 */
export async function raiseIn(db: object, trx: Transaction<Database>, raised: readonly Raised[]): Promise<void> {
  const listener = listeners.get(db);
  if (!listener || raised.length === 0) return;
  const uow = new UnitOfWork(trx, new Date().toISOString(), 'sqlite', listener);
  for (const r of raised) uow.raise(r.event, r.organizationId, r.id);
  await uow.flush();
}

/** Something that happened to a record (a signature made, a person changed), raised for whoever listens: webhooks. */
export interface Raised {
  /** The event's name: `signature`, `attendance`, `donation`, `person` … (a capability's `webhooks`). */
  event: string;
  organizationId: string;
  /** The record's id. */
  id: string;
}

/**
 * Reads what a unit of work raised, just before it is written, and may queue jobs in it (so
 * nothing raised is lost on a crash). It must be quick: it runs inside every action's transaction.
 */
export type RaisedListener = (uow: UnitOfWork, raised: readonly Raised[]) => void | Promise<void>;

// One statement a table for the rows kept for later (consents, taggings …), made on first use.
const laterInserts = new Map<Tables, RowStatement<object>>();
function laterInsert(table: Tables): RowStatement<object> {
  let statement = laterInserts.get(table);
  if (!statement) {
    // Kysely types a table name it knows; the rows were checked against it in `insertLater`.
    statement = new RowStatement(`${table} insert`, (q, rows: object[]) => q.insertInto(table as 'consents').values(rows as Insertable<Database['consents']>[]));
    laterInserts.set(table, statement);
  }
  return statement;
}

/**
 * What one or more actions write in one transaction. Jobs and counter changes are collected
 * and written once at the end, so a batch of 500 signatures updates a petition's count once
 * instead of 500 times (the counter row is the classic surge bottleneck).
 *
 * Actions run through `run`. Several actions run side by side there, and what they ask of
 * a shared statement (`ask`) waits until every one of them is waiting on one: then each
 * shared statement runs once for all of them. So 300 signers make one upsert of 300 people,
 * one insert of 300 signatures and one of 300 consents, instead of 900 statements one after
 * the other: the statements, not the rows, are what a batch spends its time on.
 */
export class UnitOfWork {
  readonly jobs: NewJob[] = [];
  private raised: Raised[] = [];
  private readonly counts = new Map<string, { counter: Counter; id: string; delta: number }>();
  private readonly later = new Map<Tables, unknown[]>();
  private asked = new Map<SharedStatement<unknown, unknown>, Asked>();
  /** Actions of `run` that have not finished, and the questions they wait on. */
  private running = 0;
  private waiting = 0;
  private answering = false;
  private checkQueued = false;
  private queueTail: Promise<void> = Promise.resolve();

  constructor(
    readonly trx: Transaction<Database>,
    readonly now: string,
    /** Which database: some rules lock rows on PostgreSQL where SQLite's single writer needs nothing. */
    readonly dialect: Dialect = 'sqlite',
    /** Told what was raised before the flush (src/open-context.ts composes every capability's). */
    private readonly listener?: RaisedListener,
  ) {}

  /** Tells listeners (webhooks) that a record was made or changed; they hear of it in this transaction. */
  raise(event: string, organizationId: string, id: string): void {
    this.raised.push({ event, organizationId, id });
  }

  /**
   * Runs actions side by side in this transaction and says how each ended. Only actions that
   * cannot disturb each other may share a call: they write through upserts and shared
   * statements and never read a row to write back a value computed from it (an RSVP that
   * counts the seats left must run alone), since another action may change that row between.
   */
  async run<T>(works: ((uow: UnitOfWork) => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
    this.running += works.length;
    return Promise.allSettled(
      works.map(async (work) => {
        try {
          return await work(this);
        } finally {
          this.running--;
          this.check();
        }
      }),
    );
  }

  /** Asks a shared statement; the answer comes when every running action waits on one. */
  ask<In, Out>(statement: SharedStatement<In, Out>, input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      const key = statement as SharedStatement<unknown, unknown>;
      let entry = this.asked.get(key);
      if (!entry) this.asked.set(key, (entry = { inputs: [], answers: [] }));
      entry.inputs.push(input);
      entry.answers.push({ resolve: resolve as (v: unknown) => void, reject });
      this.waiting++;
      this.check();
    });
  }

  // Checked after the current microtasks, so questions asked in the same step travel together.
  private check(): void {
    if (this.checkQueued) return;
    this.checkQueued = true;
    queueMicrotask(() => {
      this.checkQueued = false;
      // Outside `run` (one action called directly) there is nobody else to wait for.
      if (!this.answering && this.waiting > 0 && this.waiting >= this.running) void this.answer();
    });
  }

  private async answer(): Promise<void> {
    this.answering = true;
    const asked = this.asked;
    this.asked = new Map();
    const settled: (() => void)[] = [];
    for (const [statement, { inputs, answers }] of asked) {
      this.waiting -= inputs.length;
      try {
        const outs = await statement.run(this, inputs);
        if (outs.length !== inputs.length) throw new Error(`${statement.name} answered ${outs.length} of ${inputs.length}`);
        settled.push(() => answers.forEach((a, i) => a.resolve(outs[i])));
      } catch (error) {
        settled.push(() => answers.forEach((a) => a.reject(error)));
      }
    }
    this.answering = false;
    for (const settle of settled) settle();
    this.check();
  }

  /**
   * Runs `step` when no other step given to `serially` in this transaction is running: for the
   * rare read-then-write an action beside others needs. A step must not `ask`.
   */
  serially<T>(step: () => Promise<T>): Promise<T> {
    const result = this.queueTail.then(step);
    this.queueTail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** A row written with the others of its table in one statement at the end (nobody reads it back in this transaction). */
  insertLater<T extends Tables>(table: T, row: Insertable<Database[T]>): void {
    let rows = this.later.get(table);
    if (!rows) this.later.set(table, (rows = []));
    rows.push(row);
  }

  enqueue(kind: string, payload: unknown, opts: JobOptions = {}): string {
    const id = newId();
    this.jobs.push({
      id,
      kind,
      payload: JSON.stringify(payload),
      status: 'pending',
      attempts: 0,
      max_attempts: opts.maxAttempts ?? 8,
      run_at: opts.runAt ?? this.now,
      locked_by: null,
      locked_until: null,
      last_error: null,
      created_at: this.now,
      finished_at: null,
    });
    return id;
  }

  count(counter: Counter, id: string, delta: number): void {
    const key = `${counter.table}.${counter.column}:${id}`;
    const entry = this.counts.get(key);
    if (entry) entry.delta += delta;
    else this.counts.set(key, { counter, id, delta });
  }

  /** Writes the rows kept for later, the collected jobs and counter changes; called once, just before commit. */
  async flush(): Promise<void> {
    if (this.raised.length > 0 && this.listener) {
      const raised = this.raised;
      this.raised = [];
      await this.listener(this, raised);
    }
    for (const [table, rows] of this.later) await laterInsert(table).execute(this.trx, rows as object[]);
    this.later.clear();
    await insertJobs(this.trx, this.jobs);
    for (const { counter, id, delta } of this.counts.values()) {
      if (delta === 0) continue;
      const { table, column } = counter;
      await sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = ${sql.ref(column)} + ${delta} WHERE id = ${id}`.execute(
        this.trx,
      );
    }
  }
}
