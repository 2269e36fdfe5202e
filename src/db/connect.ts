import { Kysely, PostgresDialect, SqliteDialect, sql, type CompiledQuery, type SqliteDatabase } from 'kysely';
import SQLite from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Database } from './schema.ts';
import { SCHEMA_CHANGE_LOCK } from './migrate.ts';
import { DurableSqliteDialect, WalSync, type Flush } from './sqlite-durable.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  db: Kysely<Database>;
  dialect: Dialect;
  /**
   * Reads a query's rows a chunk at a time, each row an array in the order of the select, for
   * exports of any size: memory holds one chunk. On SQLite the rows come from a read-only
   * connection of their own, so a long export never holds the connection the writer uses.
   */
  readChunks(query: Compilable, chunkSize?: number): AsyncIterable<unknown[][]>;
  /** The SQLite database's file, which another thread or process may open (absent on PostgreSQL and in memory). */
  sqliteFile?: string;
  close(): Promise<void>;
}

/** A query that can be compiled and streamed (any Kysely select). */
export interface Compilable {
  compile(): CompiledQuery;
  stream(chunkSize?: number): AsyncIterableIterator<unknown>;
}

async function* sqliteChunks(file: string, query: Compilable, chunkSize: number): AsyncGenerator<unknown[][]> {
  const { sql: text, parameters } = query.compile();
  const reader = new SQLite(file, { readonly: true, fileMustExist: true });
  const statement = reader.prepare(text).raw(true);
  const rows = statement.iterate(...(parameters as unknown[])) as IterableIterator<unknown[]>;
  try {
    for (;;) {
      const chunk: unknown[][] = [];
      while (chunk.length < chunkSize) {
        const next = rows.next();
        if (next.done) break;
        chunk.push(next.value);
      }
      if (chunk.length > 0) yield chunk;
      if (chunk.length < chunkSize) return;
    }
  } finally {
    rows.return?.();
    reader.close();
  }
}

async function* streamedChunks(query: Compilable, chunkSize: number): AsyncGenerator<unknown[][]> {
  let chunk: unknown[][] = [];
  // A row's values come in the order of its select.
  for await (const row of query.stream(chunkSize)) {
    chunk.push(Object.values(row as object));
    if (chunk.length === chunkSize) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

// PostgreSQL returns COUNT(*) and BIGINT as strings by default; our counts fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * Opens the database named by `url`: `sqlite:<file>` (or `sqlite::memory:`) or `postgres://…`.
 * A `?schema=NAME` on a PostgreSQL URL puts every table in that schema (tests use one per file).
 */
export function connect(
  url: string,
  opts: {
    poolSize?: number;
    flush?: Flush;
    /** PostgreSQL: how long a query waits for a connection before it fails (5 s). */
    connectTimeoutMs?: number;
    /** PostgreSQL: told when a connection dies (a restart, a failover); by default a line on stderr, at most every 10 s. */
    onConnectionError?: (error: Error) => void;
  } = {},
): Db {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const database = new SQLite(file);
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    if (file === ':memory:') {
      const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: reusingStatements(database) }) });
      return { db, dialect: 'sqlite', readChunks: (q, n = 1000) => streamedChunks(q, n), close: () => db.destroy() };
    }
    // A commit writes the write-ahead log (NORMAL), and is answered only once WalSync has had
    // the log flushed to disk, on the thread pool: a 2xx still means on disk, and the event
    // loop serves requests while the disk works. (FULL flushed inside the commit, blocking.)
    database.pragma('synchronous = NORMAL');
    const wal = new WalSync(file, opts.flush);
    const dialect = new DurableSqliteDialect({ database: reusingStatements(database) }, database, wal);
    const db = new Kysely<Database>({ dialect });
    return { db, dialect: 'sqlite', sqliteFile: file, readChunks: (q, n = 1000) => sqliteChunks(file, q, n), close: () => db.destroy() };
  }
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: opts.poolSize ?? 10,
    // Without a limit, a request waits for ever for a server that is down or unreachable; with
    // it, it fails and is answered 503 (src/db/faults.ts) while the pool keeps trying.
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    keepAlive: true,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  listenForLostConnections(pool, opts.onConnectionError ?? logLostConnection());
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
  return { db, dialect: 'postgres', readChunks: (q, n = 1000) => streamedChunks(q, n), close: () => db.destroy() };
}

/**
 * A restart or failover of PostgreSQL ends every connection ("terminating connection due to
 * administrator command", 57P01). node-postgres then emits `error` on the client, and an
 * `error` with no listener ends the process. The pool listens on idle clients only, so each
 * client gets its own listener too (a client held by a transaction between two statements has
 * none otherwise). The dead client is dropped when it is released (pg-pool checks that it is
 * still queryable), its query fails with the error (answered 503), and the next query opens a
 * new connection: turnout reconnects by itself.
 */
function listenForLostConnections(pool: pg.Pool, onError: (error: Error) => void): void {
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
}

function logLostConnection(): (error: Error) => void {
  let last = 0;
  return (error) => {
    const now = Date.now();
    if (now - last < 10_000) return;
    last = now;
    const code = (error as { code?: string }).code;
    process.stderr.write(`turnout: a database connection was lost (${code ?? error.message}); queries reconnect by themselves\n`);
  };
}

/**
 * Kysely prepares every query it runs, and better-sqlite3 compiles the SQL on each prepare: a
 * third or more of a signature's time. The compiled statements are kept by their SQL text.
 * (Kysely holds the one connection for a whole query or stream, so a statement is never
 * used twice at once.)
 */
function reusingStatements(database: SQLite.Database): SqliteDatabase {
  // Bounded by SQL length too: a multi-row insert of a big batch compiles to a large program,
  // and each batch size is its own text; keeping hundreds of those cost over 100 MB.
  const statements = new LRUCache<string, SQLite.Statement>({ max: 500, maxSize: 200_000, sizeCalculation: (_statement, text) => text.length });
  return {
    prepare(text) {
      let statement = statements.get(text);
      if (!statement) {
        statement = database.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
    close: () => database.close(),
  };
}

/** Creates the schema named in a PostgreSQL URL if it is missing (used by tests and benches). */
export async function ensureSchema(url: string): Promise<void> {
  if (!/^postgres(ql)?:/.test(url)) return;
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  if (!schema) return;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  parsed.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: parsed.toString() });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await client.end();
  }
}

export async function dropSchema(url: string): Promise<void> {
  if (!/^postgres(ql)?:/.test(url)) return;
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  if (!schema || !/^[a-z_][a-z0-9_]*$/.test(schema)) return;
  parsed.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: parsed.toString() });
  await client.connect();
  try {
    // Not while a migration reads the catalog (see SCHEMA_CHANGE_LOCK); the lock ends with the session.
    await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_CHANGE_LOCK]);
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

export { sql };
