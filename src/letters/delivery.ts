import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { LetterSend } from './tables.ts';
import * as repo from './delivery-repository.ts';
import { firstAllowed, intervalMs, type Pace } from './pacing.ts';
import { newId } from '../util/ids.ts';

// Paced delivery. Each target has one pacer: a chain of `letter.pace` jobs, each of which sends
// at most one letter and queues the next at the target's next slot. The target's row, locked in
// the pacer's transaction, holds the schedule (`next_slot_at`) and names the one job of the chain
// allowed to act (`pacer_job_id`): a second copy of a job (after a kill, a lock that expired, two
// workers) finds another job named and stands down. So letters to one target start at least
// 3600 / cap seconds apart, only inside the window, whatever the backlog or the number of workers.

export const JOB_QUEUED = 'letter.queued';
export const JOB_PACE = 'letter.pace';

/** How long a letter being sent is its worker's; after that a later pacer run sends it again (same Message-ID). */
export const SEND_LOCK_MS = 2 * 60_000;
/** A letter that fails (not a bounce) this many times is given up. */
export const MAX_SEND_ATTEMPTS = 10;

const iso = (ms: number) => new Date(ms).toISOString();
const paceOf = (t: repo.LockedTarget): Pace => ({ hourlyCap: t.hourly_cap, windowStart: t.window_start, windowEnd: t.window_end, timeZone: t.time_zone });

/**
 * Starts a pacer for each target that has none running (its named job is missing, done or
 * failed). Called by the job queued with each outreach, when a bounced target is resumed, and
 * by the console's "restart". Returns how many pacers it started.
 */
export async function ensurePacers(db: Kysely<Database>, targetIds: readonly string[], nowMs: number): Promise<number> {
  let started = 0;
  for (const targetId of new Set(targetIds)) {
    // Without a lock first: a pacer whose named job has not started yet will see this letter when
    // it runs (the letter was committed before this job), so nothing is needed. A job already
    // running may be ending its chain: that case takes the lock below.
    const named = await repo.pacerOf(db, targetId);
    if (named?.pacer_job_id && (await repo.jobStatus(db, named.pacer_job_id)) === 'pending') continue;
    started += await db.transaction().execute(async (trx) => {
      const t = await repo.lockTarget(trx, targetId);
      if (!t || t.status !== 'active') return 0;
      if (t.pacer_job_id) {
        const status = await repo.jobStatus(trx, t.pacer_job_id);
        if (status === 'pending' || status === 'running') return 0;
      }
      const at = firstAllowed(Math.max(nowMs, t.next_slot_at ? Date.parse(t.next_slot_at) : 0), paceOf(t));
      const jobId = newId();
      await repo.insertPacerJob(trx, JOB_PACE, jobId, targetId, iso(at), iso(nowMs));
      await repo.setPacer(trx, targetId, { pacer_job_id: jobId });
      return 1;
    });
  }
  return started;
}

export type PaceStep =
  | { kind: 'stood_down' }
  | { kind: 'idle' }
  | { kind: 'waiting'; until: string }
  | { kind: 'send'; send: LetterSend; nextJobId: string };

/**
 * One run of a target's pacer, in one transaction with the target's row locked: stands down
 * unless it is the job the target names; waits (queues itself again) until the next slot inside
 * the window; else claims the next letter for this slot, moves the schedule on by one interval
 * and queues the next run. The caller then sends the letter and records how it went.
 */
export async function paceTarget(db: Kysely<Database>, targetId: string, jobId: string, nowMs: number): Promise<PaceStep> {
  return db.transaction().execute(async (trx): Promise<PaceStep> => {
    const t = await repo.lockTarget(trx, targetId);
    if (!t || t.pacer_job_id !== jobId) return { kind: 'stood_down' };
    const now = iso(nowMs);
    if (t.status !== 'active') {
      await repo.setPacer(trx, targetId, { pacer_job_id: null });
      return { kind: 'idle' };
    }
    const pace = paceOf(t);
    const slot = firstAllowed(Math.max(nowMs, t.next_slot_at ? Date.parse(t.next_slot_at) : 0), pace);
    if (slot > nowMs) {
      const waitId = newId();
      await repo.insertPacerJob(trx, JOB_PACE, waitId, targetId, iso(slot), now);
      await repo.setPacer(trx, targetId, { pacer_job_id: waitId });
      return { kind: 'waiting', until: iso(slot) };
    }
    const send = await repo.nextSend(trx, targetId, now);
    if (!send) {
      await repo.setPacer(trx, targetId, { pacer_job_id: null });
      return { kind: 'idle' };
    }
    await repo.claimSend(trx, send.id, now, iso(nowMs + SEND_LOCK_MS));
    const next = nowMs + intervalMs(pace.hourlyCap);
    const nextJobId = newId();
    await repo.insertPacerJob(trx, JOB_PACE, nextJobId, targetId, iso(firstAllowed(next, pace)), now);
    await repo.setPacer(trx, targetId, { pacer_job_id: nextJobId, next_slot_at: iso(next) });
    return { kind: 'send', send: { ...send, attempts: send.attempts + 1 }, nextJobId };
  });
}

/** An SMTP answer in the 5xx range: the address does not take mail (a hard bounce). */
export function isHardBounce(error: unknown): boolean {
  const code = (error as { responseCode?: unknown })?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** What became of one letter the pacer claimed. */
export async function recordOutcome(
  db: Kysely<Database>,
  send: Pick<LetterSend, 'id' | 'target_id' | 'attempts'>,
  outcome: { sent: true } | { skipped: string } | { error: unknown },
  nowMs: number,
): Promise<void> {
  const now = iso(nowMs);
  if ('sent' in outcome) {
    await repo.markSent(db, send.id, now);
    return;
  }
  if ('skipped' in outcome) {
    await repo.endSend(db, send.id, 'cancelled', outcome.skipped);
    return;
  }
  const message = (outcome.error instanceof Error ? outcome.error.message : String(outcome.error)).slice(0, 500);
  if (isHardBounce(outcome.error)) {
    // The target first, then its send: the order in which a replacement of the targets
    // (`removeTargets`) locks them too, so the two cannot deadlock on PostgreSQL.
    await db.transaction().execute(async (trx) => {
      await repo.flagBounced(trx, send.target_id, message, now);
      await repo.endSend(trx, send.id, 'bounced', message);
    });
    return;
  }
  // Anything else (the server away, a 4xx): the letter keeps its place and goes in a later slot.
  await repo.endSend(db, send.id, send.attempts >= MAX_SEND_ATTEMPTS ? 'failed' : 'queued', message);
}

/** A bounce reported later (a delivery status notification): the target is flagged and its queue paused. */
export async function recordBounce(db: Kysely<Database>, targetId: string, reason: string, nowMs: number) {
  await repo.flagBounced(db, targetId, reason, iso(nowMs));
}

/**
 * Resumes a paused or bounced target (with a corrected address, if given): its bounced letters
 * go back in the queue and its pacer starts at the next slot.
 */
export async function resumeTarget(db: Kysely<Database>, targetId: string, nowMs: number, email?: string) {
  // A target taken out of the campaign meanwhile (a replaced list) stays out: nothing is requeued.
  const reopened = await db.transaction().execute(async (trx) => {
    if (!(await repo.reopenTarget(trx, targetId, iso(nowMs), email))) return false;
    await repo.requeueBounced(trx, targetId);
    return true;
  });
  if (reopened) await ensurePacers(db, [targetId], nowMs);
}
