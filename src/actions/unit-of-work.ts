import { sql, type Transaction } from 'kysely';
import type { Database, NewJob } from '../db/schema.ts';
import type { Dialect } from '../db/connect.ts';
import { insertJobs } from '../jobs/repository.ts';
import { newId } from '../util/ids.ts';

/** The counters an action can move, and the column each one lives in. */
const COUNTERS = {
  petition: { table: 'petitions', column: 'signature_count' },
} as const;
export type CounterKind = keyof typeof COUNTERS;

export interface JobOptions {
  runAt?: string;
  maxAttempts?: number;
}

/**
 * What one or more actions write in one transaction. Jobs and counter changes are collected
 * and written once at the end, so a batch of 500 signatures updates a petition's count once
 * instead of 500 times (the counter row is the classic surge bottleneck).
 */
export class UnitOfWork {
  readonly jobs: NewJob[] = [];
  private readonly counts = new Map<string, { kind: CounterKind; id: string; delta: number }>();

  constructor(
    readonly trx: Transaction<Database>,
    readonly now: string,
    /** Which database: some rules lock rows on PostgreSQL where SQLite's single writer needs nothing. */
    readonly dialect: Dialect = 'sqlite',
  ) {}

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

  count(kind: CounterKind, id: string, delta: number): void {
    const key = `${kind}:${id}`;
    const entry = this.counts.get(key);
    if (entry) entry.delta += delta;
    else this.counts.set(key, { kind, id, delta });
  }

  /** Writes the collected jobs and counter changes; called once, just before commit. */
  async flush(): Promise<void> {
    await insertJobs(this.trx, this.jobs);
    for (const { kind, id, delta } of this.counts.values()) {
      if (delta === 0) continue;
      const { table, column } = COUNTERS[kind];
      await sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = ${sql.ref(column)} + ${delta} WHERE id = ${id}`.execute(
        this.trx,
      );
    }
  }
}
