import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import path from 'node:path';
import {
  CompiledQuery,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';
import type SQLite from 'better-sqlite3';

/** Forces a file's written data to disk; `fs.fdatasync` runs it on libuv's thread pool. */
export type Flush = (fd: number) => Promise<void>;

const fdatasyncOnPool: Flush = (fd) => new Promise((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));

/**
 * Makes SQLite's write-ahead log durable off the event loop. With `synchronous = FULL` every
 * commit fsyncs the log inside better-sqlite3's synchronous call, and the whole process waits
 * (3 ms a commit on this project's machine, a fifth of a surge's time). With `synchronous =
 * NORMAL` a commit only writes the log to the operating system, and `sync()` then asks the
 * disk to keep it on a thread of the pool while the event loop reads the next requests.
 *
 * A caller of `sync()` is answered by a flush that began after it called: if one is under way,
 * it waits for the next, which one flush then serves for everybody who called meanwhile.
 */
export class WalSync {
  private fd: number | null = null;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly databaseFile: string,
    private readonly flush: Flush = fdatasyncOnPool,
  ) {}

  /**
   * After a flush fails, every later one fails too, until turnout is restarted: the kernel may
   * have dropped the log's unwritten pages, and a later flush that succeeds would not bring them
   * back (nor the commits after them, which SQLite reads back only up to the first broken frame).
   * PostgreSQL stops for the same reason. The error says so, with a code that is answered 503.
   */
  sync(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.running) return this.start();
    this.next ??= this.running.then(
      () => this.start(),
      () => this.start(),
    );
    return this.next;
  }

  /** The failed flush's error, once one failed. */
  get failed(): Error | null {
    return this.failure;
  }

  private start(): Promise<void> {
    this.next = null;
    // Queued behind a flush that then failed: that failure stands for this one too.
    if (this.failure) return Promise.reject(this.failure);
    const running = this.flush(this.walFd())
      .catch((e: unknown) => {
        const code = (e as { code?: unknown }).code;
        this.failure ??= Object.assign(new Error(`the write-ahead log could not be flushed to disk (${String(code ?? e)}); turnout writes nothing more until it is restarted`), {
          code: code === 'ENOSPC' || code === 'EDQUOT' ? code : 'EIO',
          cause: e,
        });
        throw this.failure;
      })
      .finally(() => {
        if (this.running === running) this.running = null;
      });
    this.running = running;
    return running;
  }

  // The log exists once a commit wrote to it, and stays while this connection is open (SQLite
  // removes it when the last connection closes). The folder is synced once, for the new name.
  private walFd(): number {
    if (this.fd === null) {
      this.fd = openSync(`${this.databaseFile}-wal`, 'r');
      const dir = openSync(path.dirname(path.resolve(this.databaseFile)), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    return this.fd;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Whether a statement run outside a transaction may have changed the database (then it must reach the disk before it is answered). */
function mayWrite(query: CompiledQuery): boolean {
  if (query.query.kind === 'SelectQueryNode') return false;
  const text = query.sql.trimStart().slice(0, 10).toLowerCase();
  return !(text.startsWith('select') || text.startsWith('begin') || text.startsWith('rollback') || text.startsWith('pragma'));
}

/** A connection that answers a commit, or a write outside a transaction, once the log is on disk. */
class DurableConnection implements DatabaseConnection {
  constructor(
    private readonly inner: DatabaseConnection,
    private readonly database: SQLite.Database,
    private readonly wal: WalSync,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // After a failed flush nothing more is written: a transaction is refused at its begin, a
    // write outside one before it runs (it would be on disk while its caller heard it failed).
    const failed = this.wal.failed;
    if (failed && !this.database.inTransaction && (mayWrite(query) || /^\s*begin/i.test(query.sql))) throw failed;
    const result = await this.inner.executeQuery<R>(query);
    if (!this.database.inTransaction && mayWrite(query)) await this.wal.sync();
    return result;
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class DurableDriver implements Driver {
  private readonly connections = new WeakMap<DatabaseConnection, DurableConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly database: SQLite.Database,
    private readonly wal: WalSync,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    let durable = this.connections.get(connection);
    if (!durable) this.connections.set(connection, (durable = new DurableConnection(connection, this.database, this.wal)));
    return durable;
  }

  // The driver runs `begin`, `commit` and savepoints through the connection it is given: the
  // durable one, so a commit is answered once its log is on disk.
  // `begin immediate`: a transaction takes the write lock when it starts. With a plain (deferred)
  // `begin`, one that read first and then writes fails at once with SQLITE_BUSY (its snapshot
  // is stale) when another process wrote meanwhile, with no wait for the lock: a job of one
  // `turnout worker` fails that way whenever another process (a second worker, `serve`) writes
  // between its read and its write. Within one process transactions already run one at a time on its one connection, so taking
  // the lock at the start costs nothing there.
  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  // SQLite ends the transaction itself after some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM):
  // a ROLLBACK then fails with "cannot rollback - no transaction is active", and that error
  // would replace the one that says what happened.
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.database.inTransaction) return;
    await this.inner.rollbackTransaction(connection);
  }

  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.savepoint!(connection, name, compile);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.rollbackToSavepoint!(connection, name, compile);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.releaseSavepoint!(connection, name, compile);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection);
  }

  async destroy(): Promise<void> {
    await this.inner.destroy();
    this.wal.close();
  }
}

/** Kysely's SQLite dialect, with commits made durable by `WalSync` instead of inside SQLite. */
export class DurableSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly database: SQLite.Database,
    private readonly wal: WalSync,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new DurableDriver(super.createDriver(), this.database, this.wal);
  }
}
