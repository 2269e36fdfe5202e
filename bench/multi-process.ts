// `npm run bench:multi`: two web processes (`turnout serve --no-worker`) and two workers
// (`turnout worker`) on one PostgreSQL, a signing surge split between the web processes, and one
// web process and one worker SIGKILLed in the middle. Prints what was answered, stored and
// mailed, and fails when a signature answered 303 is missing or doubled, a job did not run, or a
// signer was mailed twice without the dead worker having held their job.
//
// Environment: BENCH_DATABASE_URL or DATABASE_URL (postgres://…, required), BENCH_SECONDS (10),
// BENCH_CONNECTIONS (50), BENCH_RATE (signatures per second over both; unset: flat out),
// BENCH_KILL_AT (share of the load after which the kill comes, 0.4), BENCH_LOCK_SECONDS (30).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { dropSchema, ensureSchema } from '../src/db/connect.ts';
import { brokenMulti, runMultiProcess } from './lib/multi.ts';

const PG_URL = process.env.BENCH_DATABASE_URL || (/^postgres(ql)?:/.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL : undefined);
const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
const RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
const KILL_AT = Number(process.env.BENCH_KILL_AT || 0.4);
const LOCK_SECONDS = Number(process.env.BENCH_LOCK_SECONDS || 30);
const log = (s: string) => process.stderr.write(`[multi] ${s}\n`);

async function main(): Promise<number> {
  if (!PG_URL) {
    process.stderr.write('bench:multi needs PostgreSQL: set BENCH_DATABASE_URL=postgres://… (several processes on SQLite is not a supported setup)\n');
    return 2;
  }
  const url = new URL(PG_URL);
  url.searchParams.set('schema', `multi_${randomBytes(5).toString('hex')}`);
  const databaseUrl = url.toString();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'turnout-multi-'));
  await ensureSchema(databaseUrl);
  try {
    const killAfterMs = Math.round(SECONDS * 1000 * KILL_AT);
    const r = await runMultiProcess({ databaseUrl, dataDir, seconds: SECONDS, killAfterMs, connections: CONNECTIONS, rate: RATE, lockSeconds: LOCK_SECONDS, settleMs: (LOCK_SECONDS + 60) * 1000, log });
    const rate = (f: { ok: number; seconds: number }) => (f.ok / f.seconds).toFixed(0);
    process.stdout.write(
      [
        `processes: 2 web (--no-worker) + 2 workers on PostgreSQL, started in ${r.seconds.start.toFixed(1)} s; one web and one worker SIGKILLed after ${(killAfterMs / 1000).toFixed(1)} s of ${SECONDS} s`,
        `signatures answered 303: ${r.accepted.killed} by the killed web process (${rate(r.figures.killed)}/s), ${r.accepted.survivor} by the other (${rate(r.figures.survivor)}/s, p50 ${r.figures.survivor.p50Ms} ms, p99 ${r.figures.survivor.p99Ms} ms)`,
        `rows: ${r.stored} (counter ${r.counter}); lost ${r.lost}, duplicated ${r.duplicated}`,
        `jobs: ${r.jobs}, ${r.orphaned} held by the dead worker at the kill, ${r.jobsRunAgain} claimed again after their lock; ${r.jobsNotDone} not done ${r.seconds.settle.toFixed(1)} s after the load`,
        `mail: ${r.mailsReceived} received for ${r.stored} signatures; ${r.missingMail} missing, ${r.resent} sent twice with the same Message-ID (${r.resentWithoutCrash} not held by the dead worker), ${r.strayMail} stray`,
      ].join('\n') + '\n',
    );
    const problems = brokenMulti(r);
    for (const p of problems) process.stderr.write(`FAILED: ${p}\n`);
    return problems.length ? 1 : 0;
  } finally {
    await dropSchema(databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
