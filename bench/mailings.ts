// `npm run bench:mailings`: a mailing to 100,000 people through the job queue (`turnout worker`
// processes) to a real SMTP server on loopback, once with one worker and once with two workers
// in lanes (MAILING_PARALLEL=2). Messages a second and the (first) worker's memory over the run;
// that worker SIGKILLed in the middle and started again: sent twice and missed (both must be 0).
// Beside them, in the same run, turnout's transport sending straight to the same kind of SMTP
// server with no database, from one process and from two at once, the messages made from one
// template as the worker makes them: the most Node sends here; and the same transport composing
// each message on its own (as the worker did before templates).
// SQLite unless BENCH_DATABASE_URL.
//
// Environment: BENCH_PEOPLE (100000), BENCH_RATE (the organization's rate, 5000 a second, so
// that turnout and not the rate is what is measured), BENCH_WORKERS (the runs, "1,2"),
// BENCH_DATABASE_URL (postgres://…?schema=…).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ensureSchema, dropSchema } from '../src/db/connect.ts';
import { ROOT } from './lib/processes.ts';
import { startSmtpSink } from './lib/smtp.ts';
import { runMailing } from './lib/mailings.ts';

const PEOPLE = Number(process.env.BENCH_PEOPLE || 100_000);
const RATE = Number(process.env.BENCH_RATE || 5000);
const log = (s: string) => process.stderr.write(`[bench load ${loadavg()[0]!.toFixed(1)}] ${s}\n`);

/**
 * The transport alone, in `processes` processes of its own (as the workers are), to a sink in
 * this one: the same pool, 24 in flight each, a message of the same size; the sum of their rates.
 */
async function baseline(n: number, mode: 'nodemailer' | 'mailer' | 'template', processes = 1): Promise<number> {
  const sink = await startSmtpSink();
  try {
    const rates = await Promise.all(
      Array.from({ length: processes }, async () => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/mail-baseline.ts', sink.url, String(n), mode], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        await new Promise((resolve) => child.once('exit', resolve));
        const rate = Number(/baseline ([\d.]+)/.exec(out)?.[1]);
        if (!rate) throw new Error(`a baseline process failed: ${out}`);
        return rate;
      }),
    );
    if (sink.received.length !== n * processes) throw new Error(`the baseline sent ${sink.received.length} of ${n * processes}`);
    return rates.reduce((a, b) => a + b, 0);
  } finally {
    await sink.close();
  }
}

const WORKERS = (process.env.BENCH_WORKERS || '1,2').split(',').map(Number).filter((w) => Number.isInteger(w) && w >= 1);
const n = Math.min(PEOPLE, 20_000);
log(`baseline: turnout's transport straight to the SMTP server, no database, ${n} messages from one template`);
const base = await baseline(n, 'template');
log(`baseline: the same from two processes at once, ${n} messages each`);
const base2 = await baseline(n, 'template', 2);
log(`baseline: turnout's transport composing each message on its own, ${n} messages`);
const composedBase = await baseline(n, 'mailer');
log(`baseline: nodemailer's defaults (Nagle's delay on), ${Math.min(n, 5000)} messages`);
const plainBase = await baseline(Math.min(n, 5000), 'nodemailer');
const runs = [];
let failed = false;
for (const workers of WORKERS) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'turnout-bench-mail-'));
  const databaseUrl = process.env.BENCH_DATABASE_URL || `sqlite:${path.join(dataDir, 'turnout.sqlite')}`;
  try {
    if (databaseUrl.startsWith('postgres')) await ensureSchema(databaseUrl);
    log(`turnout: ${PEOPLE} people at a rate of ${RATE}/s, ${workers} worker${workers > 1 ? 's in lanes' : ''}, the first killed after ${Math.floor(PEOPLE / 2)}`);
    const r = await runMailing({ databaseUrl, dataDir, people: PEOPLE, rate: RATE, workers, killAfter: Math.floor(PEOPLE / 2), timeoutMs: 1_800_000, log });
    const rss = r.rssSamples.map((s) => s.rssMb);
    const quarter = (q: number) => rss[Math.min(rss.length - 1, Math.floor(q * (rss.length - 1)))] ?? 0;
    runs.push({
      workers,
      database: databaseUrl.startsWith('postgres') ? 'postgres' : 'sqlite',
      turnoutPerSecond: Math.round(r.perSecond),
      ratioToOneTransportProcess: Number((r.perSecond / base).toFixed(2)),
      totalSeconds: Number(r.totalSeconds.toFixed(1)),
      restartWaitSeconds: Number(r.restartWaitSeconds.toFixed(1)),
      killedAfter: r.atKill,
      received: r.received,
      sentTwice: r.sentTwice,
      missed: r.missed,
      stray: r.stray,
      rowsSent: r.rowsSent,
      workerRssMb: { first: Number(quarter(0).toFixed(0)), quarter: Number(quarter(0.25).toFixed(0)), half: Number(quarter(0.5).toFixed(0)), last: Number(quarter(1).toFixed(0)), peak: Number(r.peakRssMb.toFixed(0)) },
    });
    if (r.sentTwice !== 0 || r.missed !== 0 || r.stray !== 0) failed = true;
  } finally {
    if (databaseUrl.startsWith('postgres')) await dropSchema(databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
console.log(
  JSON.stringify(
    {
      machine: { cpus: cpus().length, load: loadavg()[0] },
      people: PEOPLE,
      rate: RATE,
      baselinePerSecond: Math.round(base),
      baselineTwoProcessesPerSecond: Math.round(base2),
      baselineComposingEachPerSecond: Math.round(composedBase),
      nodemailerDefaultsPerSecond: Math.round(plainBase),
      runs,
    },
    null,
    2,
  ),
);
if (failed) process.exitCode = 1;
