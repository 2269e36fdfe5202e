import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { connect, type Db } from '../src/db/connect.ts';
import type { Flush } from '../src/db/sqlite-durable.ts';
import { fdatasync } from 'node:fs';
import { GroupCommitter } from '../src/actions/committer.ts';
import type { UnitOfWork } from '../src/actions/unit-of-work.ts';
import { classifyDatabaseFault } from '../src/db/faults.ts';

// SQLite only: PostgreSQL's commit is durable when it returns (synchronous_commit = on).
describe('SQLite commits are answered once the write-ahead log is on disk', () => {
  let dir: string;
  let file: string;
  let database: Db;
  let other: SQLite.Database | undefined;
  /** What each flush saw when it began: the rows another connection could already read. */
  const flushes: { visible: number; done: boolean }[] = [];
  let delayMs = 0;

  const flush: Flush = async (fd) => {
    const entry = { visible: other ? (other.prepare('select count(*) as n from notes').get() as { n: number }).n : -1, done: false };
    flushes.push(entry);
    await new Promise((r) => setTimeout(r, delayMs));
    await new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
    entry.done = true;
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'turnout-durable-'));
    file = path.join(dir, 'd.sqlite');
    database = connect(`sqlite:${file}`, { flush });
    await sql`create table notes (id integer primary key, body text)`.execute(database.db);
    other = new SQLite(file, { readonly: true });
  });
  after(async () => {
    other?.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a transaction resolves only after a flush that began after its commit has finished', async () => {
    flushes.length = 0;
    delayMs = 150;
    const started = Date.now();
    await database.db.transaction().execute(async (trx) => {
      await trx.insertInto('notes' as never).values({ body: 'kept' } as never).execute();
    });
    assert.ok(Date.now() - started >= 140, 'the commit waited for the flush');
    assert.equal(flushes.length, 1);
    assert.equal(flushes[0]!.visible, 1, 'the flush began after the commit (another connection saw the row)');
    assert.equal(flushes[0]!.done, true);
  });

  it('a write outside a transaction waits for a flush too; a read does not flush', async () => {
    flushes.length = 0;
    delayMs = 100;
    const started = Date.now();
    await sql`insert into notes (body) values ('alone')`.execute(database.db);
    assert.ok(Date.now() - started >= 90);
    assert.equal(flushes.length, 1);
    assert.equal(flushes[0]!.visible, 2);
    await sql`select count(*) from notes`.execute(database.db);
    await database.db.selectFrom('notes' as never).selectAll().execute();
    assert.equal(flushes.length, 1, 'reads never flush');
  });

  it('while the disk works, the event loop keeps running', async () => {
    delayMs = 200;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await database.db.transaction().execute(async (trx) => {
      await trx.insertInto('notes' as never).values({ body: 'meanwhile' } as never).execute();
    });
    clearInterval(timer);
    assert.ok(ticks >= 10, `${ticks} timer ticks during a 200 ms flush`);
  });

  it('callers that arrive during a flush share the next one', async () => {
    flushes.length = 0;
    delayMs = 50;
    // Kysely runs SQLite statements one at a time, so these queue behind each other's flush; the
    // flushes never outnumber the writes and every write is covered by one that began after it.
    await Promise.all(Array.from({ length: 5 }, (_, i) => sql`insert into notes (body) values (${`n${i}`})`.execute(database.db)));
    assert.ok(flushes.length >= 1 && flushes.length <= 5);
    assert.equal(flushes.at(-1)!.visible, 8);
    assert.ok(flushes.every((f) => f.done));
  });

  it('reads an export in chunks from its own connection: writes go on meanwhile', async () => {
    delayMs = 0;
    await sql`insert into notes (body) select 'bulk' from (select 1 union all select 2 union all select 3) a, (select 1 union all select 2 union all select 3) b`.execute(database.db);
    const total = Number((await sql<{ n: number }>`select count(*) as n from notes`.execute(database.db)).rows[0]!.n);
    const query = database.db.selectFrom('notes' as never).select(['id' as never, 'body' as never]).orderBy('id' as never);
    const chunks: unknown[][][] = [];
    for await (const chunk of database.readChunks(query, 4)) {
      chunks.push(chunk);
      // Mid-export, the writer's connection is free: this would wait for the export's end (or fail) if they shared one.
      if (chunks.length === 1) await sql`insert into notes (body) values ('during the export')`.execute(database.db);
    }
    assert.ok(chunks.every((c) => c.length <= 4));
    assert.equal(chunks.flat().length, total, 'the export reads the rows as they were when it began');
    assert.deepEqual(chunks[0]![0], [1, 'kept'], 'each row is an array in the order of the select');
  });
});

describe('on SQLite, a failed flush of the log stops every later write', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'turnout-durable-commit-'));
  let failNext = false;
  const flush: Flush = async (fd) => {
    if (failNext) {
      failNext = false;
      throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    }
    await new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
  };
  const database = connect(`sqlite:${path.join(dir, 'c.sqlite')}`, { flush });
  const note = (body: string) => (uow: UnitOfWork) => sql`insert into notes (body) values (${body})`.execute(uow.trx).then(() => body);
  before(() => sql`create table notes (id integer primary key, body text)`.execute(database.db));
  after(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('after a flush fails, refuses every later write until restarted, with an error answered 503', async () => {
    const committer = new GroupCommitter(database.db, { dialect: 'sqlite' });
    failNext = true;
    const failed = await committer.submit(note('lost?')).then(
      () => null,
      (e: unknown) => e,
    );
    assert.equal(classifyDatabaseFault(failed), 'io_error');
    // The next flush would succeed, but what the failed one should have kept may be gone: nothing more is written.
    const later = await committer.submit(note('after')).then(
      () => null,
      (e: unknown) => e as Error,
    );
    assert.equal(classifyDatabaseFault(later), 'io_error');
    assert.match(later!.message, /could not be flushed to disk \(EIO\); turnout writes nothing more until it is restarted/);
    await assert.rejects(sql`insert into notes (body) values ('outside')`.execute(database.db), /could not be flushed/);
    // Refused before they ran, not written and then reported as failed; reads still work.
    const kept = await sql<{ body: string }>`select body from notes where body in ('after', 'outside')`.execute(database.db);
    assert.deepEqual(kept.rows, []);
    await committer.close();
  });
});
