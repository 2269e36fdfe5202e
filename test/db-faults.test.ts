// A database restart or failover under load: the process lives, answers 503 with Retry-After
// meanwhile, reconnects by itself, and every signature answered 2xx is stored exactly once.
// The faults are PostgreSQL's: its backends are terminated (pg_terminate_backend, the very
// "terminating connection due to administrator command" of a restart) and, for an outage, the
// way to the server is closed for a while by a small TCP proxy the pool connects through.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { harness, type Harness } from './helpers.ts';
import { apiOrganization, osdiPerson, type ApiClient } from './api-support.ts';
import { createPetition } from '../src/petitions/service.ts';
import { classifyDatabaseFault, retryAfterSeconds } from '../src/db/faults.ts';
import { GroupCommitter } from '../src/actions/committer.ts';
import { Worker } from '../src/jobs/worker.ts';
import { insertJobs } from '../src/jobs/repository.ts';
import { newId, nowIso } from '../src/util/ids.ts';
import { sql } from 'kysely';
import { dropSchema, ensureSchema } from '../src/db/connect.ts';

const PG = process.env.TEST_DATABASE_URL;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('database faults are told apart from other errors', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  it('a restart, a lost connection, a refused connection and a busy SQLite are "unavailable"', () => {
    for (const e of [
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57P03', 'the database system is starting up'),
      withCode('08006'),
      withCode('ECONNREFUSED'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect failed'),
      withCode('SQLITE_BUSY', 'database is locked'),
      new Error('wrapped', { cause: withCode('57P01') }),
    ]) {
      assert.equal(classifyDatabaseFault(e), 'unavailable', String(e));
    }
    assert.equal(retryAfterSeconds('unavailable'), 5);
  });
  it('bad input, a constraint or a bug is not a fault (a 4xx or a 500, never a 503)', () => {
    for (const e of [withCode('23505', 'duplicate key'), withCode('22P02'), new Error('boom'), new TypeError('x is undefined'), withCode('SQLITE_CONSTRAINT_UNIQUE'), null, 'text']) {
      assert.equal(classifyDatabaseFault(e), null, String(e));
    }
  });
});

/** A TCP proxy to PostgreSQL that can be cut (every connection dropped, new ones refused) and restored. */
class Proxy {
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = netConnect(this.target.port, this.target.host);
      this.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** The outage: connections refused, and those open dropped. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }
}

describe('PostgreSQL restarts and outages', { skip: PG ? false : 'TEST_DATABASE_URL is not set' }, () => {
  let h: Harness;
  let api: ApiClient;
  let proxy: Proxy;
  let admin: pg.Client;
  let petitionId: string;
  let appName: string;
  let throughUrl: string;
  const crashes: unknown[] = [];
  const onCrash = (e: unknown) => crashes.push(e);

  before(async () => {
    // An error nobody listens for would end this process; the test records it instead, and fails.
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    const real = new URL(PG!);
    proxy = new Proxy({ host: real.hostname, port: Number(real.port || 5432) });
    await proxy.open();
    admin = new pg.Client({ connectionString: PG });
    await admin.connect();
    appName = `turnout_faults_${process.pid}`;
    const through = new URL(PG!);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    through.searchParams.set('application_name', appName);
    through.searchParams.set('schema', `faults_${process.pid}`);
    throughUrl = through.toString();
    await ensureSchema(throughUrl);
    // The harness's own schema stays empty: this app's pool goes through the proxy, to its own schema.
    h = await harness({ name: 'postgres' }, { DATABASE_URL: throughUrl });
    api = await apiOrganization(h, 'faults');
    petitionId = (
      await createPetition(h.ctx.database.db, api.orgId, { title: 'Ban face surveillance', description: '', petition_text: 'Ban it.', targets: [], goal: null, confirmation_required: false, status: 'open' }, nowIso())
    ).id;
  });
  after(async () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await proxy.open().catch(() => {});
    await h?.close();
    await dropSchema(throughUrl);
    await proxy.cut();
    await admin?.end();
  });

  const terminate = async () => {
    const r = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()', [appName]);
    return r.rowCount ?? 0;
  };
  const sign = (email: string) => api.post(`/petitions/${petitionId}/signatures`, { person: osdiPerson(email) });
  const storedEmails = async () =>
    (
      await h.ctx.database.db
        .selectFrom('signatures')
        .innerJoin('people', 'people.id', 'signatures.person_id')
        .select('people.email')
        .where('signatures.petition_id', '=', petitionId)
        .execute()
    ).map((r) => r.email!);

  it('idle connections killed by a restart do not end the process; the next request reconnects', async () => {
    assert.equal((await sign('idle-1@example.org')).status, 200);
    assert.ok((await terminate()) > 0, 'turnout had connections to terminate');
    await sleep(200);
    assert.deepEqual(crashes, []);
    const after = await sign('idle-2@example.org');
    assert.equal(after.status, 200, after.text);
  });

  it('200 signings during a restart and an outage: 2xx or 503 with Retry-After, every 2xx stored once, then back by itself', { timeout: 60_000 }, async () => {
    const answers: { email: string; status: number; retryAfter: unknown; body: any }[] = [];
    const inFlight: Promise<void>[] = [];
    const send = (email: string) =>
      inFlight.push(
        sign(email).then((r) => {
          answers.push({ email, status: r.status, retryAfter: r.headers['retry-after'], body: r.body });
        }),
      );
    // 200 signers, one every 10 ms: the restart comes at 0.4 s, the server is back at 1.4 s.
    let page: Awaited<ReturnType<typeof h.app.inject>> | undefined;
    const started = Date.now();
    for (let i = 0; i < 200; i++) {
      send(`surge-${i}@example.org`);
      if (i === 40) {
        await terminate();
        await proxy.cut(); // the server is down: reconnections are refused
      }
      // A public page that reads the database, during the outage: a translated 503 page.
      if (i === 80) page = await h.app.inject({ method: 'GET', url: '/petitions/no-such-petition?lang=es' });
      if (i === 140) await proxy.open(); // the server is back
      await sleep(Math.max(0, started + (i + 1) * 10 - Date.now()));
    }
    await Promise.all(inFlight);

    assert.deepEqual(crashes, [], 'no uncaught error');
    const byStatus = new Map<number, number>();
    for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    const unexpected = answers.filter((a) => a.status !== 200 && a.status !== 503);
    assert.deepEqual(unexpected.map((a) => `${a.status} ${JSON.stringify(a.body)}`), [], 'every answer is 2xx or 503');
    const refused = answers.filter((a) => a.status === 503);
    assert.ok(refused.length > 0, 'some signings met the outage');
    for (const a of refused) {
      assert.equal(a.retryAfter, '5');
      assert.match(a.body.error, /try again/i);
    }
    assert.equal(page?.statusCode, 503);
    assert.equal(page!.headers['retry-after'], '5');
    assert.match(page!.headers['content-type'] as string, /text\/html/);
    assert.match(page!.body, /lang="es"/);
    assert.match(page!.body, /Volvemos en un momento/);
    assert.doesNotMatch(page!.body, /at .*\.ts:\d+/, 'no stack trace');

    const stored = await storedEmails();
    const counts = new Map<string, number>();
    for (const e of stored) counts.set(e, (counts.get(e) ?? 0) + 1);
    const accepted = answers.filter((a) => a.status === 200).map((a) => a.email);
    const lost = accepted.filter((e) => !counts.has(e));
    assert.deepEqual(lost, [], 'every signature answered 2xx is stored');
    assert.deepEqual([...counts].filter(([, n]) => n > 1), [], 'nobody is stored twice');
    const petition = await h.ctx.database.db.selectFrom('petitions').select('signature_count').where('id', '=', petitionId).executeTakeFirstOrThrow();
    assert.equal(Number(petition.signature_count), stored.length, 'the count is the rows');
    const surge = stored.filter((e) => e.startsWith('surge-')).length;
    process.stderr.write(`# outage: ${accepted.length} answered 2xx, ${refused.length} answered 503, ${surge} surge rows stored\n`);

    // No restart of turnout: new signings succeed once the server is back.
    let back = 0;
    for (let i = 0; i < 20; i++) if ((await sign(`after-${i}@example.org`)).status === 200) back++;
    assert.equal(back, 20, 'every signing after the outage succeeds');
    // A repeat of a signing answered 503 is counted once.
    if (refused[0]) {
      assert.equal((await sign(refused[0].email)).status, 200);
      assert.equal((await storedEmails()).filter((e) => e === refused[0]!.email).length, 1);
    }
  });

  it('a batch whose commit failed answers every waiter with the error, never a result, and retries nothing', async () => {
    const committer = new GroupCommitter(h.ctx.database.db, { dialect: 'postgres', concurrency: 2 });
    let runs = 0;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const results = Promise.allSettled(
      Array.from({ length: 50 }, () =>
        committer.submit(async (uow) => {
          runs++;
          await sql`SELECT 1`.execute(uow.trx);
          await gate; // the transaction is open, its work done: the restart comes before the commit
        }, { sideBySide: true }),
      ),
    );
    while (runs < 50) await sleep(5);
    await terminate();
    await proxy.cut();
    open();
    const settled = await results;
    await proxy.open();
    assert.ok(settled.every((r) => r.status === 'rejected'), 'no waiter was told it was written');
    assert.ok(settled.every((r) => r.status === 'rejected' && classifyDatabaseFault(r.reason) === 'unavailable'));
    assert.equal(runs, 50, 'no action was run again one by one');
    await committer.close();
  });

  it('the worker logs a failed poll and retries with backoff, then runs the job once the database is back', { timeout: 30_000 }, async () => {
    const lines: string[] = [];
    const done: string[] = [];
    const id = newId();
    const job = { id, kind: 'test.fault', payload: '{}', status: 'pending' as const, max_attempts: 8, run_at: nowIso(), locked_by: null, locked_until: null, last_error: null, created_at: nowIso(), finished_at: null };
    // A pooled connection the last outage killed a moment ago can still fail its next query
    // (in the app, a 503 for that one request): a few more tries.
    for (let i = 0; ; i++) {
      try {
        await insertJobs(h.ctx.database.db, [job]);
        break;
      } catch (e) {
        if (i === 5 || !classifyDatabaseFault(e)) throw e;
        await sleep(50);
      }
    }
    await terminate();
    await proxy.cut();
    const worker = new Worker({
      db: h.ctx.database.db,
      dialect: 'postgres',
      handlers: { 'test.fault': async (_p, job) => void done.push(job.id) },
      pollMs: 50,
      log: (msg) => lines.push(msg),
    });
    worker.start();
    await sleep(1200);
    assert.ok(lines.includes('job poll failed; retrying'), lines.join('\n'));
    assert.equal(done.length, 0);
    await proxy.open();
    for (let i = 0; i < 100 && done.length === 0; i++) await sleep(100);
    await worker.stop();
    assert.deepEqual(done, [id]);
    const row = await h.ctx.database.db.selectFrom('jobs').select(['status']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.status, 'done');
    assert.deepEqual(crashes, []);
  });
});
