// A mailing sent by `turnout worker` processes to a real SMTP server on loopback, with the worker
// SIGKILLed in the middle and started again: who got the mailing, how many times, how fast.
// Used by `npm run bench:mailings` (100,000 people) and test/mailings-queue.test.ts (a few thousand).
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/app/context.ts';
import { createOrganization } from '../../src/orgs/service.ts';
import { newId } from '../../src/util/ids.ts';
import { checkMailing } from '../../src/mailings/fields.ts';
import { createMailing, scheduleMailing } from '../../src/mailings/service.ts';
import { MemorySampler, startProcess, type Running } from './processes.ts';
import { startSmtpSink } from './smtp.ts';

export interface MailingRunOptions {
  databaseUrl: string;
  dataDir: string;
  people: number;
  /** The organization's rate, messages a second. */
  rate: number;
  /** SIGKILL the (first) worker once the SMTP server has accepted this many (none: no kill). */
  killAfter?: number;
  /** `turnout worker` processes (1); with more, MAILING_PARALLEL is set to their number. */
  workers?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface MailingRunResult {
  people: number;
  received: number;
  distinct: number;
  /** Messages the server accepted twice for one person. */
  sentTwice: number;
  /** People in the audience the server never got a message for. */
  missed: number;
  /** Messages to nobody of the audience (a wrong Message-ID or address). */
  stray: number;
  atKill: number;
  /** Messages a second, from the first accepted to the last, the restart's wait excluded. */
  perSecond: number;
  /** From the start job to the last message, the restart included. */
  totalSeconds: number;
  restartWaitSeconds: number;
  peakRssMb: number;
  rssSamples: { atMs: number; rssMb: number }[];
  rowsSent: number;
  rowsOther: number;
  /** The rows of the people missed (up to 100), to see why. */
  missedRows: unknown[];
  killedAt: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runMailing(o: MailingRunOptions): Promise<MailingRunResult> {
  const log = o.log ?? (() => {});
  const sink = await startSmtpSink();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', DATABASE_URL: o.databaseUrl, DATA_DIR: o.dataDir,
    BASE_URL: 'http://127.0.0.1:9', SMTP_URL: sink.url, MAIL_FROM: 'Fair Trains <news@fairtrains.example>', LOG_LEVEL: 'warn', RATE_LIMITS: 'off',
    MAILING_PARALLEL: String(o.workers ?? 1),
  };
  const config = loadConfig(env);
  const ctx = await createContext(config);
  const db = ctx.database.db;
  let mailingId: string;
  const emails = new Map<string, string>();
  try {
    const org = await createOrganization(db, { name: `Fair Trains ${newId().slice(-6)}` });
    await db.insertInto('mailing_settings').values({ organization_id: org.id, sender_name: 'Fair Trains', reply_to: 'hello@fairtrains.example', postal_address: '1 Main St, Springfield, IL 62701', rate_per_second: o.rate, daily_cap: 10_000_000, click_counting: 0, modified_at: new Date().toISOString() }).execute();
    const now = new Date().toISOString();
    for (let i = 0; i < o.people; i += 1000) {
      const rows = Array.from({ length: Math.min(1000, o.people - i) }, (_, j) => {
        const id = newId();
        const email = `p${i + j}@example.org`;
        emails.set(id, email);
        return { id, organization_id: org.id, email, given_name: null, family_name: null, postal_code: null, country: null, language: (i + j) % 3 === 0 ? 'es' : 'en', email_status: 'subscribed' as const, created_at: now, modified_at: now };
      });
      await db.insertInto('people').values(rows).execute();
    }
    const { fields } = checkMailing({
      title: 'Bench', subject_en: 'Trains are coming', preheader_en: 'Good news from the line', body_en: '# Hello\n\nThe **new line** opens in May. [Read more](https://fairtrains.example/news)\n\n- Ride\n- Tell a friend',
      subject_es: 'Llegan los trenes', preheader_es: 'Buenas noticias', body_es: '# Hola\n\nLa **nueva línea** abre en mayo.', test_subjects_en: [], test_subjects_es: [], test_share: '', test_wait_minutes: '',
      include_tags: [], exclude_tags: [], actions: [], exclude_actions: [], states: [], near_zip: '', near_miles: '', languages: [], sender_name: '', reply_to: '',
    });
    const m = await createMailing(db, org.id, fields!, { by: null, now });
    mailingId = m.id;
    await scheduleMailing(db, m, now, now);
  } finally {
    await ctx.close();
  }

  const startWorker = () => startProcess([...(process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), 'bin/turnout.js', 'worker', '--lock-seconds', '3'], { env, ready: /worker .* is running/, url: '' });
  const began = Date.now();
  // The other workers (with workers > 1) run through; the first is the one measured and killed.
  const others: Running[] = await Promise.all(Array.from({ length: Math.max(0, (o.workers ?? 1) - 1) }, () => startWorker()));
  let worker: Running = await startWorker();
  let sampler = new MemorySampler(worker.pid, 500);
  const samples: { atMs: number; rssMb: number }[] = [];
  let peak = 0;
  const keepSamples = (offset: number) => {
    sampler.stop();
    peak = Math.max(peak, sampler.peakMb);
    samples.push(...sampler.samples.map((s) => ({ atMs: s.atMs + offset, rssMb: s.rssMb })));
  };
  const deadline = began + (o.timeoutMs ?? 600_000);
  let atKill = 0;
  let killedAt: string | null = null;
  let restartWait = 0;
  if (o.killAfter !== undefined) {
    while (sink.received.length < o.killAfter) {
      if (Date.now() > deadline) throw new Error(`only ${sink.received.length} messages before the deadline:\n${worker.output()}`);
      await sleep(5);
    }
    await worker.stop('SIGKILL');
    killedAt = new Date().toISOString();
    atKill = sink.received.length;
    keepSamples(0);
    log(`killed the worker after ${atKill} messages`);
    const offset = Date.now() - began;
    worker = await startWorker();
    sampler = new MemorySampler(worker.pid, 500);
    const before = sink.received.length;
    const restarted = Date.now();
    while (sink.received.length === before && Date.now() < deadline) await sleep(20);
    restartWait = (Date.now() - restarted) / 1000;
    void offset;
  }
  // Done when the mailing says sent (every row recorded), then a moment for stragglers.
  const check = await createContext(loadConfig(env), { migrate: false });
  try {
    for (;;) {
      const row = await check.database.db.selectFrom('mailings').select('status').where('id', '=', mailingId!).executeTakeFirstOrThrow();
      if (row.status === 'sent') break;
      if (Date.now() > deadline) throw new Error(`the mailing is still ${row.status} after the deadline (${sink.received.length} received):\n${worker.output()}`);
      await sleep(100);
    }
    const finished = Date.now();
    await sleep(300);
    keepSamples(0);
    await worker.stop('SIGTERM');
    await Promise.all(others.map((w) => w.stop('SIGTERM')));
    const rows = await check.database.db.selectFrom('mailing_recipients').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).where('mailing_id', '=', mailingId!).groupBy('state').execute();
    const rowsSent = Number(rows.find((r) => r.state === 'sent')?.n ?? 0);
    const rowsOther = rows.filter((r) => r.state !== 'sent').reduce((a, r) => a + Number(r.n), 0);
    const perPerson = new Map<string, number>();
    let stray = 0;
    for (const r of sink.received) {
      const m = /^<mailing-([0-9a-f-]{36})\.([0-9a-f-]{36})@/.exec(r.messageId);
      if (!m || m[1] !== mailingId! || emails.get(m[2]!) !== r.to[0]) {
        stray++;
        continue;
      }
      perPerson.set(m[2]!, (perPerson.get(m[2]!) ?? 0) + 1);
    }
    const sentTwice = [...perPerson.values()].reduce((a, n) => a + (n - 1), 0);
    const missedIds = [...emails.keys()].filter((id) => !perPerson.has(id)).slice(0, 100);
    const missedRows = missedIds.length ? await check.database.db.selectFrom('mailing_recipients').select(['person_id', 'seq', 'state', 'claim', 'claimed_at', 'sent_at', 'attempts', 'error']).where('mailing_id', '=', mailingId!).where('person_id', 'in', missedIds).execute() : [];
    const sendingSeconds = (finished - began) / 1000 - restartWait;
    return {
      people: o.people,
      received: sink.received.length,
      distinct: perPerson.size,
      sentTwice,
      missed: o.people - perPerson.size,
      stray,
      atKill,
      perSecond: sink.received.length / Math.max(0.001, sendingSeconds),
      totalSeconds: (finished - began) / 1000,
      restartWaitSeconds: restartWait,
      peakRssMb: peak,
      rssSamples: samples,
      rowsSent,
      rowsOther,
      missedRows,
      killedAt: killedAt,
    };
  } finally {
    await check.close();
    await worker.stop('SIGKILL').catch(() => {});
    await Promise.all(others.map((w) => w.stop('SIGKILL').catch(() => {})));
    await sink.close();
  }
}
