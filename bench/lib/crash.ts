import { sql } from 'kysely';
import { connect } from '../../src/db/connect.ts';
import { DEMO_PETITION_SLUG } from '../../src/demo/seed.ts';
import { checkStored } from './check.ts';
import { startSigningLoad } from './load.ts';
import { freePort, startTurnout } from './processes.ts';
import { startSmtpSink } from './smtp.ts';

export interface CrashOptions {
  databaseUrl: string;
  dataDir: string;
  /** How long the signing load would run if nothing died. */
  seconds: number;
  /** When the server is killed, in ms after the load started. */
  killAfterMs: number;
  connections: number;
  /**
   * Signatures per second asked (unset: as fast as the server answers). Below 200 a second the
   * worker sends autoresponses during the load, so a kill can land between a send and its record.
   */
  rate?: number;
  /** How long the SMTP server takes to accept each message (0): enough, and the worker lags the load. */
  smtpDelayMs?: number;
  /** How long the restarted server may make no progress on its jobs before the check gives up (60 s). */
  settleMs?: number;
  log?: (line: string) => void;
}

export interface CrashReport {
  /** Signatures answered 303 before the kill. */
  accepted: number;
  stored: number;
  counter: number;
  lost: number;
  lostExamples: string[];
  duplicated: number;
  /** Jobs in the database right after the kill. */
  atKill: { pending: number; orphaned: number; done: number; mailsReceived: number };
  /** Jobs not done once the restarted server settled (0 when every queued job ran). */
  jobsNotDone: number;
  jobsFailed: number;
  /** Signatures whose autoresponse never reached the SMTP server. */
  missingMail: number;
  /** Signatures whose autoresponse arrived more than once. */
  resent: number;
  /** Of those, how many were not being sent when the server died (must be 0). */
  resentWithoutCrash: number;
  /** Recipients who got copies with different Message-IDs (must be 0). */
  differentMessageIds: number;
  /** Messages for no stored signature, or to another address than the signer's (must be 0). */
  strayMail: number;
  mailsReceived: number;
  seconds: { load: number; settle: number };
}

/**
 * The crash test: signing load on `turnout serve` with real SMTP, SIGKILL mid-load, restart,
 * then compare what the clients were promised and what the SMTP server received with the
 * database. Jobs the dead process had claimed are taken again when their lock expires
 * (5 minutes); the test moves those locks back instead of waiting, as if the restart came later.
 */
export async function runCrash(o: CrashOptions): Promise<CrashReport> {
  const log = o.log ?? (() => {});
  const smtp = await startSmtpSink({ delayMs: o.smtpDelayMs });
  const port = await freePort();
  const env = { databaseUrl: o.databaseUrl, dataDir: o.dataDir, port, smtpUrl: smtp.url };
  const slug = DEMO_PETITION_SLUG;
  let server = await startTurnout(env);
  const deadPid = server.pid;
  const started = performance.now();
  try {
    log(`signing load on pid ${deadPid}, SIGKILL after ${o.killAfterMs} ms`);
    const load = startSigningLoad(server.url, slug, { connections: o.connections, seconds: o.seconds, overallRate: o.rate }, `crash-${Date.now()}`);
    await new Promise((resolve) => setTimeout(resolve, o.killAfterMs));
    server.child.kill('SIGKILL');
    await server.exited;
    const mailsAtKill = smtp.received.length;
    load.stop();
    await load.done;
    const accepted = [...load.accepted];
    const loadSeconds = (performance.now() - started) / 1000;
    log(`killed: ${accepted.length} signatures answered 303, ${mailsAtKill} mails received so far`);

    // What the dead process left: jobs still pending, and jobs it had claimed (its worker id holds the pid).
    const database = connect(o.databaseUrl);
    const lockedByDead = sql<boolean>`locked_by LIKE ${`%:${deadPid}:%`}`;
    let atKill: CrashReport['atKill'];
    let orphanedSignatures: Set<string>;
    try {
      const jobs = await database.db.selectFrom('jobs').select(['id', 'status', 'payload', 'locked_by']).execute();
      const orphaned = jobs.filter((j) => j.status === 'running' && j.locked_by?.includes(`:${deadPid}:`));
      orphanedSignatures = new Set(orphaned.map((j) => (JSON.parse(j.payload) as { signatureId: string }).signatureId));
      atKill = {
        pending: jobs.filter((j) => j.status === 'pending').length,
        orphaned: orphaned.length,
        done: jobs.filter((j) => j.status === 'done').length,
        mailsReceived: mailsAtKill,
      };
      // As if the restart came after the 5-minute lock: the dead worker's claims expire.
      await database.db
        .updateTable('jobs')
        .set({ locked_until: new Date(0).toISOString() })
        .where('status', '=', 'running')
        .where(lockedByDead)
        .execute();
    } finally {
      await database.close();
    }
    log(`at the kill: ${atKill.pending} jobs pending, ${atKill.orphaned} claimed by the dead worker, ${atKill.done} done`);

    server = await startTurnout(env);
    const settleStarted = performance.now();
    const db2 = connect(o.databaseUrl);
    let jobsNotDone = -1;
    let jobsFailed = 0;
    try {
      // Waits while the jobs make progress: until none is left, or nothing moved for `settleMs`.
      let lastProgress = Date.now();
      for (let before = -1; Date.now() - lastProgress < (o.settleMs ?? 60_000); ) {
        const rows = await db2.db.selectFrom('jobs').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
        const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
        jobsFailed = by.failed ?? 0;
        jobsNotDone = (by.pending ?? 0) + (by.running ?? 0) + jobsFailed;
        if (jobsNotDone === 0) break;
        if (jobsNotDone !== before) lastProgress = Date.now();
        before = jobsNotDone;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await db2.close();
    }
    const settleSeconds = (performance.now() - settleStarted) / 1000;
    await server.stop();
    log(`after the restart: ${jobsNotDone} jobs not done after ${settleSeconds.toFixed(1)} s, ${smtp.received.length} mails received`);

    const stored = await checkStored(o.databaseUrl, slug, accepted);
    const mail = await compareMail(o.databaseUrl, slug, smtp.received, orphanedSignatures);
    return {
      accepted: accepted.length,
      stored: stored.stored,
      counter: stored.counter,
      lost: stored.lost,
      lostExamples: stored.lostExamples,
      duplicated: stored.duplicated,
      atKill,
      jobsNotDone,
      jobsFailed,
      ...mail,
      mailsReceived: smtp.received.length,
      seconds: { load: loadSeconds, settle: settleSeconds },
    };
  } finally {
    await server.stop('SIGKILL');
    await smtp.close();
  }
}

/** The promises the crash must keep; each failure is named. */
export function broken(r: CrashReport): string[] {
  const problems: string[] = [];
  if (r.accepted === 0) problems.push('no signature was answered 303 before the kill: the load did not reach the server');
  if (r.lost > 0) problems.push(`${r.lost} signatures answered 303 are not stored (e.g. ${r.lostExamples.join(', ')})`);
  if (r.duplicated > 0) problems.push(`${r.duplicated} people signed twice`);
  if (r.counter !== r.stored) problems.push(`the counter says ${r.counter}, the table holds ${r.stored}`);
  if (r.jobsNotDone > 0) problems.push(`${r.jobsNotDone} jobs were not done after the restart (${r.jobsFailed} failed)`);
  if (r.missingMail > 0) problems.push(`${r.missingMail} signatures got no autoresponse`);
  if (r.resentWithoutCrash > 0) problems.push(`${r.resentWithoutCrash} autoresponses were sent twice though no crash interrupted them`);
  if (r.differentMessageIds > 0) problems.push(`${r.differentMessageIds} recipients got copies with different Message-IDs`);
  if (r.strayMail > 0) problems.push(`${r.strayMail} messages match no stored signature`);
  return problems;
}

/** Every stored signature's autoresponse, by its deterministic Message-ID, against what the SMTP server received. */
export async function compareMail(databaseUrl: string, slug: string, received: { messageId: string; to: string[] }[], orphaned: Set<string>) {
  const { db, close } = connect(databaseUrl);
  try {
    const signatures = await db
      .selectFrom('signatures')
      .innerJoin('petitions', 'petitions.id', 'signatures.petition_id')
      .innerJoin('people', 'people.id', 'signatures.person_id')
      .select(['signatures.id', 'people.email'])
      .where('petitions.slug', '=', slug)
      .execute();
    const copies = new Map<string, { to: string[] }[]>();
    for (const m of received) copies.set(m.messageId, [...(copies.get(m.messageId) ?? []), m]);
    let missingMail = 0;
    let resent = 0;
    let resentWithoutCrash = 0;
    let strayMail = received.length;
    for (const s of signatures) {
      const got = copies.get(`<signature-${s.id}.thanks@127.0.0.1>`) ?? [];
      if (got.length === 0) missingMail++;
      if (got.length > 1) {
        resent++;
        if (!orphaned.has(s.id)) resentWithoutCrash++;
      }
      strayMail -= got.filter((m) => m.to.length === 1 && m.to[0] === s.email).length;
    }
    // Each recipient's copies all carry one Message-ID: a resend is recognizably the same message.
    const idsByRecipient = new Map<string, Set<string>>();
    for (const m of received) for (const to of m.to) idsByRecipient.set(to, (idsByRecipient.get(to) ?? new Set()).add(m.messageId));
    const differentMessageIds = [...idsByRecipient.values()].filter((ids) => ids.size > 1).length;
    return { missingMail, resent, resentWithoutCrash, differentMessageIds, strayMail };
  } finally {
    await close();
  }
}
