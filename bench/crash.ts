// `npm run bench:crash`: signing load on `turnout serve` with a real SMTP server on loopback,
// SIGKILL mid-load, restart, and proof that every signature answered 303 is stored once and
// every autoresponse reached the SMTP server once (or again with the same Message-ID, when
// the kill landed between the send and the record of it). Runs on SQLite, and on PostgreSQL
// too when BENCH_DATABASE_URL or DATABASE_URL is postgres://…
//
// Environment: BENCH_SECONDS (10, the load's length if nothing died), BENCH_CONNECTIONS (50),
// BENCH_KILLS (3 kills per database, each at a random moment between 30 % and 80 % of the load),
// BENCH_RATE (signatures per second asked; unset: flat out. Below 200/s the worker sends during the load).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { dropSchema, ensureSchema } from '../src/db/connect.ts';
import { broken, runCrash } from './lib/crash.ts';

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
const KILLS = Number(process.env.BENCH_KILLS || 3);
const RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
const PG_URL = process.env.BENCH_DATABASE_URL || (/^postgres(ql)?:/.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL : undefined);
const log = (s: string) => process.stderr.write(`[crash] ${s}\n`);

async function once(name: string, databaseUrl: string, dataDir: string): Promise<string[]> {
  const killAfterMs = Math.round(SECONDS * 1000 * (0.3 + Math.random() * 0.5));
  const r = await runCrash({ databaseUrl, dataDir, seconds: SECONDS, killAfterMs, connections: CONNECTIONS, rate: RATE, log });
  process.stdout.write(
    `${name}: killed after ${(killAfterMs / 1000).toFixed(1)} s; ${r.accepted} answered 303, ${r.stored} stored (counter ${r.counter}), ` +
      `lost ${r.lost}, duplicated ${r.duplicated}; jobs at the kill: ${r.atKill.pending} pending, ${r.atKill.orphaned} claimed by the dead worker, ` +
      `${r.atKill.done} done; after the restart ${r.jobsNotDone} not done (${r.seconds.settle.toFixed(1)} s); ` +
      `${r.mailsReceived} mails for ${r.stored} signatures: ${r.missingMail} missing, ${r.resent} resent with the same Message-ID ` +
      `(${r.resentWithoutCrash} without a crash between send and record), ${r.differentMessageIds} with another Message-ID, ${r.strayMail} stray\n`,
  );
  return broken(r).map((p) => `${name}: ${p}`);
}

async function main() {
  const problems: string[] = [];
  for (let i = 1; i <= KILLS; i++) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'turnout-crash-'));
    try {
      problems.push(...(await once(`SQLite #${i}`, `sqlite:${path.join(dataDir, 'turnout.sqlite')}`, dataDir)));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  if (PG_URL) {
    for (let i = 1; i <= KILLS; i++) {
      const url = new URL(PG_URL);
      url.searchParams.set('schema', `crash_${randomBytes(5).toString('hex')}`);
      const databaseUrl = url.toString();
      const dataDir = mkdtempSync(path.join(tmpdir(), 'turnout-crash-'));
      await ensureSchema(databaseUrl);
      try {
        problems.push(...(await once(`PostgreSQL #${i}`, databaseUrl, dataDir)));
      } finally {
        await dropSchema(databaseUrl);
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  } else {
    log('PostgreSQL skipped: set BENCH_DATABASE_URL or DATABASE_URL to postgres://…');
  }
  if (problems.length > 0) {
    process.stdout.write(`\nFAILED:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write('\nEvery promise held across the kills.\n');
  }
}

await main();
