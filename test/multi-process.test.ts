// Several processes on one PostgreSQL: two web processes and two workers (real child processes
// through bin/turnout.js) under a signing surge, one of each SIGKILLed in the middle; and the
// rate limits, counted in PostgreSQL or Redis, holding across processes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { spawnSync } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { dropSchema, ensureSchema } from '../src/db/connect.ts';
import { loadConfig } from '../src/config.ts';
import { createContext, type Context } from '../src/app/context.ts';
import { buildApp } from '../src/app/build-app.ts';
import { brokenMulti, runMultiProcess } from '../bench/lib/multi.ts';
import { MemoryMailer } from './helpers.ts';

const PG = process.env.TEST_DATABASE_URL;
const REDIS = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

function schemaUrl(prefix: string): string {
  const url = new URL(PG!);
  url.searchParams.set('schema', `${prefix}_${randomBytes(5).toString('hex')}`);
  return url.toString();
}

describe('two web processes and two workers on one PostgreSQL', { skip: PG ? false : 'TEST_DATABASE_URL is not set' }, () => {
  let dataDir: string;
  let databaseUrl: string;
  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'turnout-multi-test-'));
    databaseUrl = schemaUrl('multi');
    await ensureSchema(databaseUrl);
  });
  after(async () => {
    await dropSchema(databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a web process and a worker SIGKILLed under a surge: nothing lost or doubled, every job run, every signer mailed once', { timeout: 90_000 }, async () => {
    const r = await runMultiProcess({ databaseUrl, dataDir, seconds: 5, killAfterMs: 2500, connections: 16, rate: 300, lockSeconds: 8, settleMs: 45_000 });
    process.stderr.write(
      `# multi: ${r.accepted.killed} + ${r.accepted.survivor} answered 303, ${r.stored} rows (counter ${r.counter}), lost ${r.lost}, duplicated ${r.duplicated}; ` +
        `${r.jobs} jobs, ${r.orphaned} held by the dead worker, ${r.jobsRunAgain} claimed again, ${r.jobsNotDone} not done after ${r.seconds.settle.toFixed(1)} s; ` +
        `${r.mailsReceived} mails, ${r.resent} resent (same Message-ID), ${r.missingMail} missing; started in ${r.seconds.start.toFixed(1)} s\n`,
    );
    assert.deepEqual(brokenMulti(r), []);
    assert.equal(r.lost, 0);
    assert.equal(r.duplicated, 0);
    assert.equal(r.counter, r.stored);
    assert.ok(r.stored >= r.accepted.killed + r.accepted.survivor);
    assert.equal(r.jobsNotDone, 0);
    assert.equal(r.missingMail, 0);
    assert.equal(r.resentWithoutCrash, 0);
    assert.ok(r.mailsReceived >= r.stored && r.mailsReceived <= r.stored + r.orphaned);
  });
});

/** Two web applications over one database: as two processes, each with its own memory. */
async function twoApps(databaseUrl: string, env: Record<string, string>) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'turnout-limits-'));
  const apps: { ctx: Context; app: FastifyInstance }[] = [];
  for (let i = 0; i < 2; i++) {
    const config = loadConfig({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir, SECRET_KEY: `limits-${dataDir}`, BASE_URL: 'http://turnout.test', LOG_LEVEL: 'silent', RATE_LIMITS: 'on', ...env });
    const ctx = await createContext(config, { mailer: new MemoryMailer() });
    apps.push({ ctx, app: await buildApp(ctx) });
  }
  return {
    apps: apps.map((a) => a.app),
    async close() {
      for (const a of apps) {
        await a.app.close();
        await a.ctx.close();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Password-reset posts from one client, alternating between the two processes; the statuses. */
async function hammer(apps: FastifyInstance[], n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    // No CSRF token: refused with 403, after the limit (10 a minute per client) has counted it.
    const res = await apps[i % 2]!.inject({ method: 'POST', url: '/admin/password-reset', remoteAddress: '10.9.9.9', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=a%40b.example' });
    statuses.push(res.statusCode);
  }
  return statuses;
}

const redisUp = () =>
  new Promise<boolean>((resolve) => {
    const u = new URL(REDIS);
    const socket = createConnection(Number(u.port || 6379), u.hostname);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('rate limits hold across processes', () => {
  it('on PostgreSQL, counted in the database', { skip: PG ? false : 'TEST_DATABASE_URL is not set' }, async () => {
    const url = schemaUrl('limits');
    await ensureSchema(url);
    const two = await twoApps(url, {});
    try {
      const statuses = await hammer(two.apps, 12);
      assert.deepEqual(statuses.slice(0, 10), Array(10).fill(403), 'ten posts pass the limit, five on each process');
      assert.deepEqual(statuses.slice(10), [429, 429], 'the eleventh is refused, whichever process gets it');
    } finally {
      await two.close();
      await dropSchema(url);
    }
  });

  it('with REDIS_URL, counted in Redis', async (t) => {
    if (!(await redisUp())) return t.skip(`no Redis at ${REDIS}`);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'turnout-limits-sqlite-'));
    // SQLite alone would count per process; Redis makes the two share.
    const two = await twoApps(`sqlite:${path.join(dataDir, 'turnout.sqlite')}`, { REDIS_URL: REDIS });
    try {
      const statuses = await hammer(two.apps, 12);
      assert.deepEqual(statuses.slice(10), [429, 429]);
      assert.equal(statuses.filter((s) => s === 403).length, 10);
    } finally {
      await two.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('REDIS_URL is checked at start', () => {
    assert.throws(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379', DATA_DIR: tmpdir(), SECRET_KEY: 'x' }), /REDIS_URL must be a redis:\/\/ or rediss:\/\/ address/);
    assert.equal(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2', DATA_DIR: tmpdir(), SECRET_KEY: 'x' }).redisUrl, 'redis://127.0.0.1:6379/2');
  });
});

describe('the commands for several processes', () => {
  const run = (...args: string[]) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'turnout-cli-multi-'));
    try {
      return spawnSync(process.execPath, ['bin/turnout.js', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir }, timeout: 60_000 });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  it('say how to run them in --help', () => {
    const serve = run('serve', '--help');
    assert.equal(serve.status, 0);
    assert.match(serve.stdout, /--no-worker/);
    assert.match(serve.stdout, /--port N/);
    assert.match(serve.stdout, /--processes N/);
    assert.match(serve.stdout, /REDIS_URL/);
    const worker = run('worker', '--help');
    assert.match(worker.stdout, /--lock-seconds N/);
  });
  it('refuse --processes on SQLite and a bad count or lock, with a message and no stack trace', () => {
    const sqlite = run('serve', '--processes', '2');
    assert.equal(sqlite.status, 2);
    assert.match(sqlite.stderr, /--processes needs PostgreSQL/);
    const count = run('serve', '--processes', 'many');
    assert.equal(count.status, 2);
    assert.match(count.stderr, /--processes must be a whole number/);
    const lock = run('worker', '--lock-seconds', '1');
    assert.equal(lock.status, 2);
    assert.match(lock.stderr, /--lock-seconds must be a whole number from 3/);
    for (const r of [sqlite, count, lock]) assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});
