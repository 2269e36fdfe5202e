import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Mailer, OutgoingMail } from '../mail/mailer.ts';
import { insertJobs } from '../jobs/repository.ts';
import { newId } from '../util/ids.ts';
import { emailLinks } from '../kits/mail/markdown.ts';
import type { Mailing, MailingSettings } from './tables.ts';
import { countAudience, parseAudience } from './audience.ts';
import { messageIdOf, renderVersion, subjectsOf, UNSUBSCRIBE_MARK, unsubscribeLink, unsubscribeToken, verpAddress, versionFor, type Version } from './compose.ts';
import type { RenderedEmail } from '../kits/mail/layout.ts';
import { DEFAULT_SETTINGS, job, JOB_CHUNK, JOB_PICK } from './service.ts';
import * as repo from './repository.ts';
import { AckLog, ackFile, recoverDeadRuns, runsOpen, unfinished } from './recovery.ts';

// How a mailing goes out without anyone getting it twice or not at all, even when the process
// is killed at any moment:
//
// 1. The start writes one row per recipient (unique per mailing and person) in one statement.
// 2. A chain of chunk jobs, one at a time per mailing (`next_chunk`), each claims the next rows
//    (`sending`, with its own claim), sends them at the organization's rate, and queues the next.
// 3. Each message's end is held back until its row says `sent` on disk (`beforeCommit`, src/mail/
//    mailer.ts): a message the server accepted is always recorded, and a row left `sending` by a
//    killed process is one whose message the server never accepted, so it goes back in the queue.
//    The record is also where an unsubscribe since the start is seen: that message is dropped.
// 4. Lanes (MAILING_PARALLEL > 1, for several worker processes): the chain's head queues the
//    next link as soon as it has claimed its rows, while fewer than `parallel` runs hold rows, so
//    another worker sends the next rows meanwhile; each run sends at rate / parallel. A lane that
//    ends starts another once the head has claimed. `next_chunk` stays the one head: a link that
//    is not the head runs only to finish a run that a killed process left (its rows `sending`, or
//    its acknowledgement log still there), never as a second chain.

export interface SenderDeps {
  db: Kysely<Database>;
  postgres: boolean;
  mailer: Mailer;
  secretKey: Buffer;
  baseUrl: string;
  mailFrom: string;
  /** How many chunks of one mailing send at once, each at rate / parallel (MAILING_PARALLEL; see "Lanes" below). */
  parallel?: number;
  /** SQLite only: where runs keep their acknowledgement logs (see AckLog). */
  ackDir?: string;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
}

const MAX_CHUNK = 2000;
const CONCURRENCY = 24;
const MAX_ATTEMPTS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes the recipients' rows and starts the chain; does nothing for a mailing not (or no longer) due. */
export async function startMailing(deps: SenderDeps, mailingId: string): Promise<void> {
  const now = new Date().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const m = await repo.lockMailing(trx, mailingId, deps.postgres);
    if (!m || m.status !== 'scheduled' || (m.scheduled_at ?? '') > now) return;
    const audience = parseAudience(m.audience);
    const total = await countAudience(trx, m.organization_id, audience);
    const subjects = subjectsOf(m).length;
    const testCount = subjects > 1 ? Math.max(subjects, Math.ceil((total * m.test_share) / 100)) : total;
    const written = await repo.insertRecipients(trx, m, audience, { testCount, subjects, rest: subjects > 1 ? 'held' : 'queued' });
    const settings = await repo.findSettings(trx, m.organization_id);
    if (settings?.click_counting) await repo.insertLinks(trx, linkRows(m));
    const next = m.next_chunk + 1;
    await repo.updateMailingRow(trx, m.id, { status: 'sending', started_at: now, total_recipients: written, next_chunk: next, modified_at: now });
    await insertJobs(trx, [job(JOB_CHUNK, { mailingId: m.id, chunk: next }, now, now)]);
  });
}

/** Click counters: each link of each version, per subject (-1: after the test). */
function linkRows(m: Mailing) {
  const variants = [-1, ...subjectsOf(m).map((_, i) => i)].filter((v, _, all) => all.length > 2 || v === -1);
  const rows: { mailing_id: string; link: number; variant: number; url: string }[] = [];
  for (const [lang, body] of [['en', m.body_en], ['es', m.body_es]] as const) {
    emailLinks(body).forEach((url, i) => {
      for (const variant of variants) rows.push({ mailing_id: m.id, link: linkKey(lang, i), variant, url });
    });
  }
  return rows;
}

const linkKey = (lang: string, i: number) => (lang === 'es' ? 1000 : 0) + i;

export function clickSignature(key: Buffer, mailingId: string, variant: number, link: number): string {
  return createHmac('sha256', key).update(`click\u0000${mailingId}\u0000${variant}\u0000${link}`).digest().subarray(0, 9).toString('base64url');
}

class NotRecorded extends Error {}

/** Records sends in batches: every mark waiting while one batch is written goes in the next. */
class SendRecorder {
  private pending = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  private busy = false;
  private batch = 0;
  constructor(
    private readonly db: Kysely<Database>,
    private readonly o: { mailingId: string; organizationId: string; claim: string },
    private readonly ack: AckLog | null,
  ) {}

  mark(personId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.set(personId, { resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.busy || this.pending.size === 0) return;
    this.busy = true;
    setImmediate(async () => {
      const batch = this.pending;
      this.pending = new Map();
      try {
        const now = new Date().toISOString();
        const n = ++this.batch;
        const ok = new Set(await this.db.transaction().execute((trx) => repo.recordSent(trx, { ...this.o, personIds: [...batch.keys()], now, batch: n })));
        this.ack?.note(n);
        for (const [id, p] of batch) (ok.has(id) ? p.resolve() : p.reject(new NotRecorded('no longer subscribed, or taken back')));
      } catch (e) {
        for (const p of batch.values()) p.reject(e instanceof Error ? e : new Error(String(e)));
      } finally {
        this.busy = false;
        this.kick();
      }
    });
  }
}

interface ChunkPayload {
  mailingId: string;
  chunk: number;
  /** Chunks in a row in which every send failed (the SMTP server is down): the next waits longer. */
  failures?: number;
}

const nextMidnight = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();

/** One link of the send chain: claims, sends at the rate, records, and queues the next link. */
export async function runChunk(deps: SenderDeps, payload: ChunkPayload): Promise<void> {
  const { db } = deps;
  const parallel = Math.max(1, deps.parallel ?? 1);
  const run = `${payload.chunk}:${newId().slice(-12)}`;
  const start = new Date();
  const now = start.toISOString();
  type Claimed = Awaited<ReturnType<typeof repo.claimRecipients>>;
  // Acknowledgement logs of dead runs this claim settled: removed only once it has committed.
  const settled: string[] = [];
  const claimed = await db.transaction().execute(async (trx): Promise<{ m: Mailing; settings: MailingSettings; rows: Claimed } | null> => {
    const m = await repo.lockMailing(trx, payload.mailingId, deps.postgres);
    if (!m) return null;
    const head = m.next_chunk === payload.chunk;
    // Lanes: a link that is not the head is taken up only to finish a run a killed process left (see 4. above).
    const takeUp = !head && parallel > 1 && payload.chunk < m.next_chunk && (await unfinished(trx, deps, m.id, payload.chunk));
    // This chunk's earlier runs are dead (its job is taken again only once their lock expired):
    // what they held goes back first, whatever the mailing's state now (paused, over the cap).
    const back = await recoverDeadRuns(trx, deps, m.id, payload.chunk, run, start, settled);
    if (m.status === 'cancelled' && back > 0) await repo.cancelUnsent(trx, m.id);
    if (m.status !== 'sending' || (!head && !takeUp)) return null;
    const settings = await repo.findSettings(trx, m.organization_id);
    if (!settings) return null;
    // Rows other lanes hold count against the day's cap as if sent.
    const holding = parallel > 1 ? await repo.countInState(trx, m.id, 'sending') : 0;
    const left = settings.daily_cap - (await repo.sentToday(trx, m.organization_id, now.slice(0, 10))) - holding;
    if (left <= 0) {
      await chain(trx, m, payload.chunk, nextMidnight(start), now, 0);
      return null;
    }
    const size = Math.min(MAX_CHUNK, Math.max(1, Math.floor((settings.rate_per_second * 2) / parallel)), left);
    const rows = await repo.claimRecipients(trx, m.id, { limit: size, claim: run, now });
    if (rows.length === 0) {
      await finishOrWait(trx, m, payload.chunk, now, deps);
      return null;
    }
    if (head && parallel > 1) await widen(trx, m, payload.chunk, now, parallel);
    return { m, settings, rows };
  });
  for (const file of settled) rmSync(file, { force: true });
  if (!claimed) return;
  const { m, settings, rows } = claimed;
  const rate = Math.max(1, settings.rate_per_second || DEFAULT_SETTINGS.rate_per_second) / parallel;
  const people = new Map((await repo.recipientsPeople(db, m.organization_id, rows.map((r) => r.person_id))).map((p) => [p.id, p]));
  const organization = await repo.organizationName(db, m.organization_id);
  const ack = deps.ackDir ? new AckLog(ackFile(deps.ackDir, m.id, run)) : null;
  ack?.open();
  const recorder = new SendRecorder(db, { mailingId: m.id, organizationId: m.organization_id, claim: run }, ack);
  const host = new URL(deps.baseUrl).hostname;
  const fromDomain = /@([^>\s]+)>?\s*$/.exec(deps.mailFrom)?.[1] ?? host;
  // Each version's message is composed once with marks for what differs per person (the SMTP
  // mailer sends copies with the values written in: src/mail/template.ts); the marks are new each run.
  const marks = { person: randomUUID(), token: unsubscribeToken(randomBytes(32), m.id, randomUUID()), to: `recipient-${randomUUID()}@turnout.invalid` };
  const versions = new Map<string, { version: ReturnType<typeof versionFor>; body: ReturnType<typeof renderVersion>; shared: OutgoingMail }>();
  // `unsent`: recorded sent while the send was failing (see sendOne); back in the queue.
  const outcome = { skipped: [] as string[], failed: [] as { id: string; error: string }[], again: [] as string[], unsent: [] as string[], gaveUp: [] as { id: string; error: string }[], sent: 0 };

  /** The message of `version` for one person (or for the marks). */
  const mailOf = (version: Version, body: RenderedEmail, to: string, personId: string, token: string): OutgoingMail => {
    const link = unsubscribeLink(deps.baseUrl, m.id, personId, token);
    return {
      to,
      subject: version.subject,
      text: body.text.split(UNSUBSCRIBE_MARK).join(link),
      html: body.html.split(UNSUBSCRIBE_MARK).join(link),
      messageId: messageIdOf(m.id, personId, host),
      language: version.lang,
      fromName: m.sender_name ?? settings.sender_name,
      replyTo: m.reply_to ?? settings.reply_to,
      headers: {
        'List-Unsubscribe': `<${link}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'List-Id': `<${m.organization_id}.${host}>`,
        Precedence: 'bulk',
        'Auto-Submitted': 'no',
      },
    };
  };

  const sendOne = async (r: Claimed[number]) => {
    const person = people.get(r.person_id);
    if (!person?.email || person.email_status !== 'subscribed' || Number(person.blocked) > 0) {
      outcome.skipped.push(r.person_id);
      return;
    }
    const chosen = versionFor(m, person.language, r.variant);
    const variant = r.variant ?? -1;
    const key = `${chosen.lang}:${variant}`;
    let v = versions.get(key);
    if (!v) {
      const rewrite = settings.click_counting
        ? (_url: string, i: number) => `${deps.baseUrl}/m/${m.id}/${variant}/${linkKey(chosen.lang, i)}/${clickSignature(deps.secretKey, m.id, variant, linkKey(chosen.lang, i))}`
        : undefined;
      const body = renderVersion(organization, settings, chosen, rewrite);
      v = { version: chosen, body, shared: mailOf(chosen, body, marks.to, marks.person, marks.token) };
      versions.set(key, v);
    }
    const token = unsubscribeToken(deps.secretKey, m.id, r.person_id);
    let recorded = false;
    let marking: Promise<void> | null = null;
    const mail: OutgoingMail = {
      ...mailOf(v.version, v.body, person.email, r.person_id, token),
      returnPath: verpAddress(deps.secretKey, m.id, r.person_id, fromDomain),
      shared: { mail: v.shared, fill: { [marks.person]: r.person_id, [marks.token]: token } },
      beforeCommit: async () => {
        marking = recorder.mark(r.person_id);
        await marking;
        recorded = true;
      },
    };
    try {
      await deps.mailer.send(mail);
      if (!recorded) await recorder.mark(r.person_id).catch(() => undefined);
      outcome.sent++;
    } catch (e) {
      const code = Number((e as { responseCode?: number }).responseCode ?? 0);
      const error = String((e as { response?: string }).response ?? (e as Error).message ?? e).slice(0, 300);
      // The send failed while its record was being written (the connection dropped after DATA):
      // the record lands, but the end, released only after it, never went. Back in the queue.
      const pending = marking as Promise<void> | null;
      if (!recorded && pending && (await pending.then(() => true, () => false))) {
        if (code >= 500 || r.attempts >= MAX_ATTEMPTS) outcome.failed.push({ id: r.person_id, error });
        else outcome.unsent.push(r.person_id);
      } else if (recorded) {
        // Refused after its end: known not delivered. Dropped after its end: it may have arrived,
        // and sending it again could make two, so it stays sent.
        if (code >= 500) outcome.failed.push({ id: r.person_id, error });
      } else if (e instanceof NotRecorded) outcome.skipped.push(r.person_id);
      else if (code >= 500 && code < 600) outcome.gaveUp.push({ id: r.person_id, error });
      else if (r.attempts >= MAX_ATTEMPTS) outcome.gaveUp.push({ id: r.person_id, error: `gave up after ${r.attempts} attempts: ${error}` });
      else outcome.again.push(r.person_id);
    }
  };

  // At the rate: message i starts no earlier than i / rate seconds after the chunk's start.
  const began = Date.now();
  const inflight = new Set<Promise<void>>();
  let i = 0;
  for (const r of rows) {
    const wait = began + (i++ * 1000) / rate - Date.now();
    if (wait >= 1) await sleep(wait);
    while (inflight.size >= CONCURRENCY) await Promise.race(inflight);
    const p: Promise<void> = sendOne(r).finally(() => inflight.delete(p));
    inflight.add(p);
  }
  await Promise.all(inflight);
  const rest = began + (rows.length * 1000) / rate - Date.now();
  if (rest >= 1) await sleep(rest);

  const done = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    await repo.setRecipientsState(trx, m.id, outcome.skipped, 'skipped', 'not subscribed at send time', ['sending'], run);
    for (const f of outcome.gaveUp) await repo.setRecipientsState(trx, m.id, [f.id], 'failed', f.error, ['sending'], run);
    for (const f of outcome.failed) await repo.setRecipientsState(trx, m.id, [f.id], 'failed', f.error, ['sent'], run);
    await repo.setRecipientsState(trx, m.id, outcome.again, 'queued', null, ['sending'], run);
    await repo.setRecipientsState(trx, m.id, outcome.unsent, 'queued', null, ['sent'], run);
    const current = await repo.lockMailing(trx, m.id, deps.postgres);
    if (current?.status === 'cancelled') await repo.cancelUnsent(trx, m.id);
    const allFailed = outcome.again.length + outcome.unsent.length > 0 && outcome.sent === 0;
    const failures = allFailed ? (payload.failures ?? 0) + 1 : 0;
    if (failures > 0) deps.log?.('mailing chunk: every send failed; retrying with backoff', { mailing: m.id, failures });
    const runAt = failures > 0 ? new Date(Date.now() + Math.min(5_000 * 2 ** (failures - 1), 600_000)).toISOString() : done;
    if (current?.status !== 'sending') await repo.advanceChain(trx, m.id, payload.chunk, done);
    else if (current.next_chunk === payload.chunk) await chain(trx, current, payload.chunk, runAt, done, failures);
    else if (parallel > 1) {
      // A lane ended: another starts if the head has begun, and the last one out marks the mailing sent.
      if (failures === 0 && (await repo.hasRows(trx, m.id, 'sending', `${current.next_chunk}:`))) await widen(trx, current, current.next_chunk, done, parallel);
      if (!(await repo.hasRows(trx, m.id, 'queued')) && !(await repo.hasRows(trx, m.id, 'sending'))) await finishOrWait(trx, current, current.next_chunk, done, deps);
    }
  });
  // The chain has moved on: this run is never taken back, so its log can go.
  ack?.close();
}

/** Queues the next link of the chain, if this one still is the chain (a resume starts another). */
async function chain(trx: Transaction<Database>, m: Mailing, chunk: number, runAt: string, now: string, failures: number): Promise<void> {
  if (await repo.advanceChain(trx, m.id, chunk, now)) await insertJobs(trx, [job(JOB_CHUNK, { mailingId: m.id, chunk: chunk + 1, failures }, runAt, now)]);
}

/**
 * Lanes: the head `chunk` has claimed; while fewer than `parallel` runs hold rows and rows wait,
 * the next link is queued now, for another worker to take.
 */
async function widen(trx: Transaction<Database>, m: Mailing, chunk: number, now: string, parallel: number): Promise<void> {
  if ((await repo.liveRuns(trx, m.id)) >= parallel || !(await repo.hasRows(trx, m.id, 'queued'))) return;
  if (await repo.advanceChain(trx, m.id, chunk, now)) await insertJobs(trx, [job(JOB_CHUNK, { mailingId: m.id, chunk: chunk + 1 }, now, now)]);
}

/** Nothing left to claim: sent, or a subject test's share is out and the rest waits for its winner. */
async function finishOrWait(trx: Transaction<Database>, m: Mailing, chunk: number, now: string, deps: SenderDeps): Promise<void> {
  if ((await repo.hasRows(trx, m.id, 'sending')) || (await runsOpen(trx, deps, m.id))) {
    // Another chain's chunk is still sending (after a resume, or a lane), or a dead run's rows (or
    // its sends not acknowledged) wait to be taken back: the mailing is not over until they are.
    await chain(trx, m, chunk, new Date(Date.parse(now) + 30_000).toISOString(), now, 0);
    return;
  }
  if (m.test_winner === null && (await repo.hasRows(trx, m.id, 'held'))) {
    const ends = new Date(Date.parse(now) + m.test_wait_minutes * 60_000).toISOString();
    await repo.updateMailingRow(trx, m.id, { status: 'waiting', test_ends_at: ends, next_chunk: Math.max(chunk, m.next_chunk) + 1, modified_at: now });
    await insertJobs(trx, [job(JOB_PICK, { mailingId: m.id }, ends, now)]);
    return;
  }
  // A lane that is not the head may end the mailing too: the head never goes back.
  await repo.updateMailingRow(trx, m.id, { status: 'sent', finished_at: now, next_chunk: Math.max(chunk, m.next_chunk) + 1, modified_at: now });
}
