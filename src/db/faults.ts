/**
 * Faults of the database itself, as opposed to a bad request or a bug: the disk is full, the
 * disk failed to read or write, or the database cannot be reached. The web app answers them
 * with 503 and `Retry-After` (src/app/build-app.ts) and logs what happened; the group committer
 * does not retry a batch's actions one by one for them (each would meet the same fault).
 */
export type DatabaseFault = 'disk_full' | 'io_error' | 'unavailable';

interface ErrorLike {
  code?: unknown;
  errno?: unknown;
  cause?: unknown;
}

// PostgreSQL's SQLSTATE codes (Appendix A of its manual).
const PG_DISK_FULL = '53100';
const PG_IO_ERROR = '58030';

// The database cannot be reached or is going away (a restart, a failover), so a moment later
// the same request may well succeed. SQLSTATE class 08 is "connection exception"; 57P01-57P03
// are "admin_shutdown" (pg_terminate_backend, a fast shutdown), "crash_shutdown" and
// "cannot_connect_now" (still starting); 53300 "too_many_connections"; 25006 a read-only
// transaction (a standby answering before a failover is complete).
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '25006']);
// Node's socket errors on the way to the database server.
const NET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
// node-postgres says these without a code: a socket that closed, a pool with no free client in
// time (`connectionTimeoutMillis`), a client whose connection already failed.
const PG_CLIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Connection timeout',
];

function unavailable(e: ErrorLike & { message?: unknown }, code: unknown): boolean {
  if (typeof code === 'string') {
    if (code.startsWith('08') && code.length === 5) return true;
    // SQLite's other writer (another process) held the lock past busy_timeout.
    if (PG_UNAVAILABLE.has(code) || NET_UNAVAILABLE.has(code) || code === 'SQLITE_BUSY') return true;
  }
  const message = typeof e.message === 'string' ? e.message : '';
  return code === undefined && PG_CLIENT_MESSAGES.some((m) => message.startsWith(m));
}

/** What kind of database fault `error` is (looking through `cause`), or null for any other error. */
export function classifyDatabaseFault(error: unknown): DatabaseFault | null {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as ErrorLike).cause, depth++) {
    const code = (e as ErrorLike).code;
    if (unavailable(e as ErrorLike, code)) return 'unavailable';
    // A connection refused on both ::1 and 127.0.0.1 is an AggregateError of the two.
    if (e instanceof AggregateError && e.errors.some((inner) => classifyDatabaseFault(inner) === 'unavailable')) return 'unavailable';
    if (typeof code !== 'string') continue;
    // better-sqlite3's SqliteError carries SQLite's extended code: SQLITE_FULL, SQLITE_IOERR_WRITE …
    if (code === 'SQLITE_FULL' || code === PG_DISK_FULL || code === 'ENOSPC' || code === 'EDQUOT') return 'disk_full';
    if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CORRUPT' || code === PG_IO_ERROR || code === 'EIO') return 'io_error';
  }
  return null;
}

/**
 * The `Retry-After` a fault is answered with, in seconds: a restart or failover is over in
 * seconds, a full or failing disk needs an operator.
 */
export function retryAfterSeconds(fault: DatabaseFault): number {
  return fault === 'unavailable' ? 5 : 30;
}

/** A line for the operator's log naming the fault and what to do about it. */
export function describeDatabaseFault(fault: DatabaseFault, error: unknown): string {
  const code = codeOf(error);
  switch (fault) {
    case 'disk_full':
      return `database disk is full (${code}): nothing was written; free space on the database's disk`;
    case 'io_error':
      return `database disk failed to read or write (${code}): nothing was written; check the disk`;
    case 'unavailable':
      return `database is unavailable (${code}): a restart or failover? Answered 503; turnout reconnects by itself`;
  }
}

function codeOf(error: unknown): string {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as ErrorLike).cause, depth++) {
    const code = (e as ErrorLike).code;
    if (typeof code === 'string') return code;
  }
  return 'no code';
}
