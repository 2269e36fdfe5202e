import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';
import { DateTime } from 'luxon';
import { targets, harness, form, FORM, type Harness } from './helpers.ts';
import { organization } from './admin-helpers.ts';
import { makeCampaign, target, writer } from './letters-support.ts';
import { letterJobHandlers } from '../src/letters/jobs.ts';
import { ensurePacers, JOB_PACE, resumeTarget } from '../src/letters/delivery.ts';
import { replaceTargets as replaceLetterTargets } from '../src/letters/service.ts';
import { nowIso } from '../src/util/ids.ts';
import { claimJobs, completeJobs } from '../src/jobs/repository.ts';
import { createMailer, type Mailer, type OutgoingMail } from '../src/mail/mailer.ts';
import { newId } from '../src/util/ids.ts';

// Paced delivery on a simulated clock: the job table, the claim and the pacer's handler are the
// real ones; only the clock is injected, and it jumps to the next job's run_at.

const HOUR = 3_600_000;

// Ten thousand letters make some 40,000 commits; on a tmpfs the SQLite file's flushes cost
// nothing, so the test measures the pacer, not the disk (os.tmpdir() reads TMPDIR each call).
if (existsSync('/dev/shm')) process.env.TMPDIR = '/dev/shm';

interface Received {
  to: string[];
  messageId: string;
  replyTo: string;
  from: string;
  text: string;
}

/** A real SMTP server on loopback that keeps each message's headers; RCPT to a `refuse`d address is answered 550. */
async function smtpSink(refuse: string[] = []) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.includes(address.address.toLowerCase())) {
        const e = new Error('5.1.1 No such user here') as Error & { responseCode: number };
        e.responseCode = 550;
        return callback(e);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
        const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
        const header = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(unfolded)?.[1]?.trim() ?? '';
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), messageId: header('message-id'), replyTo: header('reply-to'), from: header('from'), text: rest.join('\n\n') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
const ZONE = 'America/Chicago';

/** A mailer that keeps each letter with the simulated time it was sent at. */
class ClockMailer implements Mailer {
  sent: (OutgoingMail & { at: number })[] = [];
  constructor(private readonly clock: () => number) {}
  async send(mail: OutgoingMail) {
    this.sent.push({ ...mail, at: this.clock() });
  }
  close() {}
}

/** Drives the letters' jobs as workers would, at simulated times; `kill` stops a run after the pacer's commit, before the send. */
async function simulate(h: Harness, opts: { start: number; mailer: Mailer; until?: (clock: number) => boolean; kill?: boolean; clock: { now: number } }) {
  const db = h.ctx.database.db;
  const handlers = letterJobHandlers({ db, mailer: opts.mailer, baseUrl: h.config.baseUrl, now: () => opts.clock.now });
  const workerId = `sim-${newId().slice(0, 8)}`;
  let runs = 0;
  for (;;) {
    const next = await db
      .selectFrom('jobs')
      .select(['run_at', 'status', 'locked_until'])
      .where('kind', 'in', [JOB_PACE, 'letter.queued'])
      .where((eb) => eb.or([eb('status', '=', 'pending'), eb('status', '=', 'running')]))
      .orderBy('run_at')
      .limit(1)
      .executeTakeFirst();
    if (!next) return runs;
    const due = next.status === 'pending' ? Date.parse(next.run_at) : Date.parse(next.locked_until!) + 1;
    opts.clock.now = Math.max(opts.clock.now, due);
    if (opts.until?.(opts.clock.now)) return runs;
    const now = new Date(opts.clock.now).toISOString();
    const jobs = await claimJobs(db, h.ctx.database.dialect, { workerId, limit: 10, now, lockedUntil: new Date(opts.clock.now + 30_000).toISOString() });
    if (opts.kill) {
      // Killed: the pacer committed its claim of the letter, and nothing after that happened.
      const { paceTarget } = await import('../src/letters/delivery.ts');
      for (const job of jobs) if (job.kind === JOB_PACE) await paceTarget(db, JSON.parse(job.payload).targetId, job.id, opts.clock.now);
      return runs;
    }
    await Promise.all(jobs.map((job) => handlers[job.kind]!(JSON.parse(job.payload), job)));
    await completeJobs(db, jobs.map((j) => j.id), workerId, now);
    runs += jobs.length;
  }
}

/** The most letters inside any 60-minute window, sliding, of sorted send times. */
function maxInAnyHour(times: number[]): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= HOUR) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

for (const t of targets()) {
  describe(`paced letter delivery on ${t.name}`, () => {
    let h: Harness;
    let orgId: string;
    before(async () => {
      h = await harness(t);
      orgId = (await organization(h, 'Pacing Org')).id;
    });
    after(() => h.close());
    const db = () => h.ctx.database.db;

    it('sends 10,000 letters to 3 targets at 60 an hour inside 9 to 5, evenly, also across a kill and a restart', async () => {
      const c = await makeCampaign(h, orgId, { title: 'Surge', hourly_cap: 60, window_start: '09:00', window_end: '17:00', time_zone: ZONE }, [
        target('A', 'a@t.example'), target('B', 'b@t.example'), target('C', 'c@t.example'),
      ]);
      const ts = await db().selectFrom('letter_targets').select('id').where('campaign_id', '=', c.id).orderBy('position').execute();
      const created = '2027-03-01T12:00:00.000Z';
      // A surge: 10,000 letters queued at once, one target each in turn, written in batches.
      const N = 10_000;
      for (let i = 0; i < N; i += 500) {
        const people = Array.from({ length: Math.min(500, N - i) }, (_, k) => ({ id: newId(), organization_id: orgId, email: `w${i + k}@example.org`, given_name: 'W', family_name: String(i + k), postal_code: '60605', country: 'US', email_status: 'unsubscribed' as const, language: 'en', created_at: created, modified_at: created }));
        await db().insertInto('people').values(people).execute();
        const outreaches = people.map((p) => ({ id: newId(), organization_id: orgId, campaign_id: c.id, person_id: p.id, subject: 'S', body: 'B', signature: `W ${p.family_name}`, street_address: null, postal_code: '60605', state: 'IL', source: null, referrer: null, language: 'en', targets_matched: 1, copied_from: null, created_at: created, modified_at: created }));
        await db().insertInto('outreaches').values(outreaches).execute();
        await db().insertInto('letter_sends').values(outreaches.map((o, k) => ({ id: newId(), organization_id: orgId, campaign_id: c.id, outreach_id: o.id, target_id: ts[(i + k) % 3]!.id, status: 'queued' as const, slot_at: null, locked_until: null, attempts: 0, sent_at: null, error: null, created_at: created }))).execute();
      }
      const clock = { now: Date.parse(created) };
      const mailer = new ClockMailer(() => clock.now);
      // Two calls (two workers seeing the same outreach): one pacer per target.
      assert.equal(await ensurePacers(db(), ts.map((x) => x.id), clock.now), 3);
      assert.equal(await ensurePacers(db(), ts.map((x) => x.id), clock.now), 0);

      // Run two and a half days, then the worker is killed mid-send and stays down for 5 hours.
      const killAt = Date.parse('2027-03-03T19:30:00Z');
      await simulate(h, { start: clock.now, mailer, clock, until: (now) => now >= killAt });
      await simulate(h, { start: clock.now, mailer, clock, kill: true });
      const inFlight = await db().selectFrom('letter_sends').select('id').where('status', '=', 'sending').execute();
      assert.ok(inFlight.length >= 1, 'the kill leaves letters claimed and not sent');
      clock.now += 5 * HOUR;
      // A rogue second chain (a duplicate job) must stand down.
      await db().insertInto('jobs').values({ id: newId(), kind: JOB_PACE, payload: JSON.stringify({ targetId: ts[0]!.id }), status: 'pending', attempts: 0, max_attempts: 8, run_at: new Date(clock.now).toISOString(), locked_by: null, locked_until: null, last_error: null, created_at: new Date(clock.now).toISOString(), finished_at: null }).execute();
      await simulate(h, { start: clock.now, mailer, clock });

      const sends = await db().selectFrom('letter_sends').select(['status']).where('campaign_id', '=', c.id).execute();
      assert.equal(sends.filter((s) => s.status === 'sent').length, N);
      const ids = new Set(mailer.sent.map((m) => m.messageId));
      assert.equal(ids.size, N, 'each letter was sent once');
      assert.equal(mailer.sent.length, N);
      const report: Record<string, unknown> = {};
      for (const email of ['a@t.example', 'b@t.example', 'c@t.example']) {
        const times = mailer.sent.filter((m) => m.to === email).map((m) => m.at).sort((x, y) => x - y);
        const perHour = maxInAnyHour(times);
        assert.ok(perHour <= 60, `${email}: ${perHour} letters in one hour`);
        for (const at of times) {
          const local = DateTime.fromMillis(at, { zone: ZONE });
          assert.ok(local.hour >= 9 && local.hour < 17, `${email}: a letter at ${local.toISO()}`);
        }
        const gaps = times.slice(1).map((x, i) => x - times[i]!);
        const even = gaps.filter((g) => g === 60_000).length;
        assert.ok(Math.min(...gaps) >= 60_000, `${email}: two letters ${Math.min(...gaps)} ms apart`);
        // Inside a day's window every gap is the interval: only window openings and the restart differ.
        assert.ok(even / gaps.length > 0.99, `${email}: ${even} of ${gaps.length} gaps are 60 s`);
        const buckets = new Map<number, number>();
        for (const at of times) buckets.set(Math.floor(at / HOUR), (buckets.get(Math.floor(at / HOUR)) ?? 0) + 1);
        report[email] = { letters: times.length, maxInAnySlidingHour: perHour, maxInAClockHour: Math.max(...buckets.values()), evenGaps: `${even}/${gaps.length}`, first: new Date(times[0]!).toISOString(), last: new Date(times.at(-1)!).toISOString() };
      }
      console.log('pacing', JSON.stringify(report));
    });

    it('delivers through a real SMTP server on loopback: each letter once, from the platform, Reply-To the supporter', async () => {
      const sink = await smtpSink();
      const c = await makeCampaign(h, orgId, { title: 'Loopback', hourly_cap: 3600, window_start: '00:00', window_end: '24:00', body_editable: true }, [
        target('Ana Ruiz', 'ana@council.example'), target('Bo Chen', 'bo@council.example', { title: '' }),
      ]);
      const writers = ['one@example.org', 'two@example.org', 'three@example.org'];
      for (const email of writers) {
        const res = await h.app.inject({ method: 'POST', url: `/letters/${c.slug}`, headers: FORM, payload: form({ ...writer({ email }), body: '<b>Fund it</b> & keep it open.' }) });
        assert.equal(res.statusCode, 303);
      }
      const clock = { now: Date.now() };
      const mailer = createMailer({ smtpUrl: sink.url, from: 'turnout@turnout.test', dataDir: h.dataDir });
      try {
        await simulate(h, { start: clock.now, mailer, clock });
        await simulate(h, { start: clock.now, mailer, clock });
      } finally {
        mailer.close();
        await sink.close();
      }
      assert.equal(sink.received.length, 6);
      assert.equal(new Set(sink.received.map((m) => m.messageId)).size, 6);
      for (const email of writers) {
        const mine = sink.received.filter((m) => m.replyTo === email);
        assert.deepEqual(mine.map((m) => m.to[0]).sort(), ['ana@council.example', 'bo@council.example']);
      }
      const first = sink.received.find((m) => m.to[0] === 'ana@council.example')!;
      assert.match(first.from, /"?Maya Lee via Pacing Org"? <turnout@turnout.test>/);
      assert.match(first.messageId, /^<outreach-[0-9a-f-]+\.[0-9a-f-]+@turnout\.test>$/);
      assert.match(first.text, /Dear Council Member Ana Ruiz,/);
      assert.match(first.text, /<b>Fund it<\/b> &amp;|<b>Fund it<\/b> &/);
      assert.match(first.text, /Maya Lee\r?\nChicago, IL 60605/);
      const bo = sink.received.find((m) => m.to[0] === 'bo@council.example')!;
      assert.match(bo.text, /Dear Bo Chen,/);
    });

    it('frames a letter written from the Spanish page in the campaign’s language, keeping the writer’s words', async () => {
      const sink = await smtpSink();
      const c = await makeCampaign(h, orgId, { title: 'Framed', hourly_cap: 3600, window_start: '00:00', window_end: '24:00' }, [target('Ana Ruiz', 'frame@council.example')]);
      const res = await h.app.inject({ method: 'POST', url: `/letters/${c.slug}`, headers: FORM, payload: form({ ...writer({ email: 'es@example.org', lang: 'es' }), body: 'Financien la biblioteca, por favor.' }) });
      assert.equal(res.statusCode, 303);
      const clock = { now: Date.now() };
      const mailer = createMailer({ smtpUrl: sink.url, from: 'turnout@turnout.test', dataDir: h.dataDir });
      try {
        await simulate(h, { start: clock.now, mailer, clock });
      } finally {
        mailer.close();
        await sink.close();
      }
      const mail = sink.received.find((m) => m.to[0] === 'frame@council.example')!;
      assert.ok(mail, 'the letter went');
      assert.match(mail.text, /Dear /);
      assert.match(mail.text, /Financien la biblioteca, por favor\./);
      assert.doesNotMatch(mail.text, /Estimad|Atentamente|Enviada por|en nombre de/);
    });

    it('leaves out a target taken out of the campaign, even when it is resumed after', async () => {
      const c = await makeCampaign(h, orgId, { title: 'Replaced then resumed' }, [target('Old Clerk', 'old@council.example')]);
      const old = await db().selectFrom('letter_targets').selectAll().where('campaign_id', '=', c.id).executeTakeFirstOrThrow();
      await replaceLetterTargets(db(), c, 'fixed', [target('New Clerk', 'new@council.example')], nowIso());
      // The resume was decided on a read made before the replacement committed.
      await resumeTarget(db(), old.id, Date.now(), 'fixed@council.example');
      const after = await db().selectFrom('letter_targets').select(['status', 'email', 'pacer_job_id']).where('id', '=', old.id).executeTakeFirstOrThrow();
      assert.deepEqual(after, { status: 'removed', email: 'old@council.example', pacer_job_id: null });
    });

    it('flags a target whose address bounces and pauses its queue; the others go on; resuming sends the rest', async () => {
      const sink = await smtpSink(['gone@council.example']);
      const c = await makeCampaign(h, orgId, { title: 'Bounce', hourly_cap: 3600, window_start: '00:00', window_end: '24:00' }, [
        target('Gone', 'gone@council.example'), target('Here', 'here@council.example'),
      ]);
      for (const email of ['b1@example.org', 'b2@example.org', 'b3@example.org']) {
        await h.app.inject({ method: 'POST', url: `/letters/${c.slug}`, headers: FORM, payload: form(writer({ email })) });
      }
      const clock = { now: Date.now() };
      const mailer = createMailer({ smtpUrl: sink.url, from: 'turnout@turnout.test', dataDir: h.dataDir });
      try {
        await simulate(h, { start: clock.now, mailer, clock });
        const gone = await db().selectFrom('letter_targets').selectAll().where('campaign_id', '=', c.id).where('email', '=', 'gone@council.example').executeTakeFirstOrThrow();
        assert.equal(gone.status, 'bounced');
        assert.match(gone.bounce_reason ?? '', /550/);
        const states = await db().selectFrom('letter_sends').select(['status', 'target_id']).where('campaign_id', '=', c.id).execute();
        assert.deepEqual(states.filter((s) => s.target_id === gone.id).map((s) => s.status).sort(), ['bounced', 'queued', 'queued']);
        assert.equal(states.filter((s) => s.target_id !== gone.id && s.status === 'sent').length, 3);
        assert.equal(sink.received.length, 3);
        await resumeTarget(db(), gone.id, clock.now, 'found@council.example');
        await simulate(h, { start: clock.now, mailer, clock });
      } finally {
        mailer.close();
        await sink.close();
      }
      assert.equal(sink.received.filter((m) => m.to[0] === 'found@council.example').length, 3);
    });
  });
}
