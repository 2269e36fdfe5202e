import { sql } from 'kysely';
import { connect } from '../../src/db/connect.ts';
import { DEMO_PETITION_SLUG } from '../../src/demo/seed.ts';
import { checkStored } from './check.ts';
import { compareMail } from './crash.ts';
import { startSigningLoad, type LoadFigures } from './load.ts';
import { freePort, startProcess, type Running } from './processes.ts';
import { startSmtpSink } from './smtp.ts';

export interface MultiOptions {
  /** PostgreSQL: every process uses it. */
  databaseUrl: string;
  dataDir: string;
  /** How long the signing load runs. */
  seconds: number;
  /** When one web process and one worker are SIGKILLed, in ms after the load started. */
  killAfterMs: number;
  connections: number;
  /** Signatures per second asked, over both web processes (unset: as fast as they answer). */
  rate?: number;
  /** The workers' `--lock-seconds`: how soon the dead worker's jobs are taken again (30). */
  lockSeconds?: number;
  /** How long the jobs may make no progress before the check gives up (60 s). */
  settleMs?: number;
  log?: (line: string) => void;
}

export interface MultiReport {
  /** Signatures answered 303, by web process (the first was killed). */
  accepted: { killed: number; survivor: number };
  stored: number;
  counter: number;
  lost: number;
  lostExamples: string[];
  duplicated: number;
  /** At the kill: jobs the dead worker held. */
  orphaned: number;
  jobs: number;
  jobsNotDone: number;
  jobsFailed: number;
  /** Jobs claimed more than once (the dead worker's, taken again after their lock expired). */
  jobsRunAgain: number;
  mailsReceived: number;
  missingMail: number;
  resent: number;
  resentWithoutCrash: number;
  differentMessageIds: number;
  strayMail: number;
  figures: { killed: LoadFigures; survivor: LoadFigures };
  seconds: { start: number; load: number; settle: number };
}

/**
 * Two web processes (`turnout serve --no-worker` on two ports) and two workers (`turnout
 * worker`), real child processes on one PostgreSQL, under a signing surge split between the two
 * web processes; one web process and one worker are SIGKILLed in the middle. Then: every
 * signature answered 303 is a row, none twice, the counter equals the rows, every job ran (the
 * dead worker's are taken again once their lock expires, `lockSeconds`), and every signer got one
 * autoresponse (a second copy, with the same Message-ID, only for a job the dead worker held).
 */
export async function runMultiProcess(o: MultiOptions): Promise<MultiReport> {
  const log = o.log ?? (() => {});
  const smtp = await startSmtpSink();
  const [portA, portB] = [await freePort(), await freePort()];
  const env = (port: number): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATABASE_URL: o.databaseUrl,
    DATA_DIR: o.dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    // One BASE_URL for all: links and Message-IDs do not depend on which process made them.
    BASE_URL: `http://127.0.0.1:${portA}`,
    SMTP_URL: smtp.url,
    RATE_LIMITS: 'off',
    LOG_LEVEL: 'warn',
  });
  const web = (port: number, demo: boolean) =>
    startProcess(['bin/turnout.js', 'serve', '--no-worker', '--port', String(port), ...(demo ? ['--demo'] : [])], {
      env: env(port),
      ready: /turnout is running/,
      url: `http://127.0.0.1:${port}`,
      timeoutMs: 60_000,
    });
  const worker = () => startProcess(['bin/turnout.js', 'worker', '--lock-seconds', String(o.lockSeconds ?? 30)], { env: env(portA), ready: /worker \S+ is running/, url: '', timeoutMs: 60_000 });
  const running: Running[] = [];
  const started = performance.now();
  try {
    // All four start together (migrations take an advisory lock); the first seeds the demo.
    const starting = [web(portA, true), web(portB, false), worker(), worker()];
    starting.forEach((p) => p.then((r) => running.push(r), () => {}));
    const [webA, webB, workerA, workerB] = await Promise.all(starting) as [Running, Running, Running, Running];
    const startSeconds = (performance.now() - started) / 1000;
    log(`web ${webA.pid} :${portA}, web ${webB.pid} :${portB}, workers ${workerA.pid} ${workerB.pid} (started in ${startSeconds.toFixed(1)} s)`);

    const half = (n: number | undefined) => (n === undefined ? undefined : n / 2);
    const settings = { connections: Math.max(1, Math.round(o.connections / 2)), seconds: o.seconds, overallRate: half(o.rate) };
    const stamp = Date.now();
    const loadA = startSigningLoad(webA.url, DEMO_PETITION_SLUG, settings, `multi-a-${stamp}`);
    const loadB = startSigningLoad(webB.url, DEMO_PETITION_SLUG, settings, `multi-b-${stamp}`);
    const loadStarted = performance.now();
    await new Promise((resolve) => setTimeout(resolve, o.killAfterMs));
    webA.child.kill('SIGKILL');
    workerA.child.kill('SIGKILL');
    await Promise.all([webA.exited, workerA.exited]);
    log(`SIGKILLed web ${webA.pid} and worker ${workerA.pid} after ${o.killAfterMs} ms: ${loadA.accepted.length} + ${loadB.accepted.length} answered 303 so far`);
    loadA.stop();
    const [figuresA, figuresB] = await Promise.all([loadA.done, loadB.done]);
    const loadSeconds = (performance.now() - loadStarted) / 1000;

    const database = connect(o.databaseUrl);
    const settleStarted = performance.now();
    let orphaned = 0;
    let by: Record<string, number> = {};
    try {
      orphaned = Number(
        (await sql<{ n: number }>`SELECT count(*) AS n FROM jobs WHERE status = 'running' AND locked_by LIKE ${`%:${workerA.pid}:%`}`.execute(database.db)).rows[0]?.n ?? 0,
      );
      // The jobs run to the end: until none is left, or nothing moved for `settleMs`.
      let lastProgress = Date.now();
      for (let before = -1; Date.now() - lastProgress < (o.settleMs ?? 60_000); ) {
        const rows = await database.db.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
        by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
        const notDone = (by.pending ?? 0) + (by.running ?? 0) + (by.failed ?? 0);
        if (notDone === 0) break;
        if (notDone !== before) lastProgress = Date.now();
        before = notDone;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      await database.close();
    }
    const settleSeconds = (performance.now() - settleStarted) / 1000;
    for (const p of running) await p.stop('SIGTERM');

    const accepted = [...loadA.accepted, ...loadB.accepted];
    const stored = await checkStored(o.databaseUrl, DEMO_PETITION_SLUG, accepted);
    const mail = await compareMail(o.databaseUrl, DEMO_PETITION_SLUG, smtp.received, await orphanedSignatures(o.databaseUrl));
    const jobs = await jobFigures(o.databaseUrl);
    return {
      accepted: { killed: loadA.accepted.length, survivor: loadB.accepted.length },
      stored: stored.stored,
      counter: stored.counter,
      lost: stored.lost,
      lostExamples: stored.lostExamples,
      duplicated: stored.duplicated,
      orphaned,
      jobs: jobs.total,
      jobsNotDone: (by.pending ?? 0) + (by.running ?? 0) + (by.failed ?? 0),
      jobsFailed: by.failed ?? 0,
      jobsRunAgain: jobs.runAgain,
      ...mail,
      mailsReceived: smtp.received.length,
      figures: { killed: figuresA, survivor: figuresB },
      seconds: { start: startSeconds, load: loadSeconds, settle: settleSeconds },
    };
  } finally {
    for (const p of running) await p.stop('SIGKILL');
    await smtp.close();
  }
}

/**
 * Signatures whose autoresponse job was claimed more than once: the dead worker held it, and
 * another took it again after its lock expired. They alone may be mailed twice.
 */
async function orphanedSignatures(databaseUrl: string): Promise<Set<string>> {
  const { db, close } = connect(databaseUrl);
  try {
    const rows = await db.selectFrom('jobs').select('payload').where('attempts', '>', 1).execute();
    return new Set(rows.map((r) => (JSON.parse(r.payload) as { signatureId?: string }).signatureId).filter((id): id is string => Boolean(id)));
  } finally {
    await close();
  }
}

async function jobFigures(databaseUrl: string) {
  const { db, close } = connect(databaseUrl);
  try {
    const rows = await db.selectFrom('jobs').select(['attempts']).execute();
    return { total: rows.length, runAgain: rows.filter((r) => r.attempts > 1).length };
  } finally {
    await close();
  }
}

/** The promises several processes must keep; each failure is named. */
export function brokenMulti(r: MultiReport): string[] {
  const problems: string[] = [];
  if (r.accepted.killed === 0 || r.accepted.survivor === 0) problems.push(`a web process answered no signature 303 (${r.accepted.killed} / ${r.accepted.survivor})`);
  if (r.lost > 0) problems.push(`${r.lost} signatures answered 303 are not stored (e.g. ${r.lostExamples.join(', ')})`);
  if (r.duplicated > 0) problems.push(`${r.duplicated} people signed twice`);
  if (r.counter !== r.stored) problems.push(`the counter says ${r.counter}, the table holds ${r.stored}`);
  if (r.jobsNotDone > 0) problems.push(`${r.jobsNotDone} jobs were not done (${r.jobsFailed} failed)`);
  if (r.jobs < r.stored) problems.push(`${r.jobs} jobs for ${r.stored} signatures`);
  if (r.missingMail > 0) problems.push(`${r.missingMail} signatures got no autoresponse`);
  if (r.resentWithoutCrash > 0) problems.push(`${r.resentWithoutCrash} autoresponses went twice though the dead worker did not hold them`);
  if (r.differentMessageIds > 0) problems.push(`${r.differentMessageIds} recipients got copies with different Message-IDs`);
  if (r.strayMail > 0) problems.push(`${r.strayMail} messages match no stored signature`);
  return problems;
}
