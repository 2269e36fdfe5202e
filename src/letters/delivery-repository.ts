import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { NewJob } from '../db/schema.ts';
import type { LetterTarget } from './tables.ts';
import { insertJobs } from '../jobs/repository.ts';

type Q = Kysely<Database> | Transaction<Database>;

// The pacer's queries: a target's row is its lock and holds its schedule (`next_slot_at`) and
// the one pacer job allowed to send to it (`pacer_job_id`).

/**
 * Locks a target's row for the rest of the transaction and reads it with its campaign's pace: a
 * write comes first, which takes the row's lock on PostgreSQL and the write lock on SQLite, so
 * two workers never read the same schedule.
 */
export async function lockTarget(trx: Transaction<Database>, targetId: string) {
  await trx.updateTable('letter_targets').set((eb) => ({ modified_at: eb.ref('modified_at') })).where('id', '=', targetId).execute();
  return trx
    .selectFrom('letter_targets')
    .innerJoin('letter_campaigns', 'letter_campaigns.id', 'letter_targets.campaign_id')
    .selectAll('letter_targets')
    .select(['letter_campaigns.hourly_cap', 'letter_campaigns.window_start', 'letter_campaigns.window_end', 'letter_campaigns.time_zone'])
    .where('letter_targets.id', '=', targetId)
    .executeTakeFirst();
}

export type LockedTarget = NonNullable<Awaited<ReturnType<typeof lockTarget>>>;

export async function setPacer(trx: Q, targetId: string, changes: Partial<Pick<LetterTarget, 'pacer_job_id' | 'next_slot_at'>>) {
  await trx.updateTable('letter_targets').set(changes).where('id', '=', targetId).execute();
}

/** A pacer job: its id is chosen here, so the target can name it in the same transaction. */
export async function insertPacerJob(trx: Q, kind: string, id: string, targetId: string, runAt: string, now: string) {
  const job: NewJob = {
    id, kind, payload: JSON.stringify({ targetId }), status: 'pending', attempts: 0, max_attempts: 8, run_at: runAt,
    locked_by: null, locked_until: null, last_error: null, created_at: now, finished_at: null,
  };
  await insertJobs(trx, [job]);
}

export const pacerOf = (q: Q, targetId: string) => q.selectFrom('letter_targets').select('pacer_job_id').where('id', '=', targetId).executeTakeFirst();

export async function jobStatus(q: Q, id: string) {
  return (await q.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirst())?.status;
}

/** The next letter for a target: one whose sending died with its worker first, else the oldest queued. */
export async function nextSend(trx: Q, targetId: string, now: string) {
  const stale = await trx
    .selectFrom('letter_sends')
    .selectAll()
    .where('target_id', '=', targetId)
    .where('status', '=', 'sending')
    .where('locked_until', '<', now)
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (stale) return stale;
  return trx.selectFrom('letter_sends').selectAll().where('target_id', '=', targetId).where('status', '=', 'queued').orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
}

export async function claimSend(trx: Q, id: string, slotAt: string, lockedUntil: string) {
  await trx
    .updateTable('letter_sends')
    .set((eb) => ({ status: 'sending', slot_at: slotAt, locked_until: lockedUntil, attempts: eb(eb.ref('attempts'), '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/** Records a letter sent, once: only a send still `sending` moves. */
export async function markSent(q: Q, sendId: string, now: string): Promise<boolean> {
  const r = await q.updateTable('letter_sends').set({ status: 'sent', sent_at: now, locked_until: null, error: null }).where('id', '=', sendId).where('status', '=', 'sending').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function endSend(q: Q, sendId: string, status: 'queued' | 'failed' | 'cancelled' | 'bounced', error: string | null) {
  await q.updateTable('letter_sends').set({ status, locked_until: null, error }).where('id', '=', sendId).where('status', '=', 'sending').execute();
}

/** Flags a target whose address bounced: its queue pauses (the pacer stops) until the organizer resumes it. */
export async function flagBounced(q: Q, targetId: string, reason: string, now: string) {
  await q.updateTable('letter_targets').set({ status: 'bounced', bounce_reason: reason, bounced_at: now, pacer_job_id: null, modified_at: now }).where('id', '=', targetId).where('status', '!=', 'removed').execute();
}

/** The targets of an outreach's letters still waiting. */
export const queuedTargetsOf = async (q: Q, outreachId: string) =>
  (await q.selectFrom('letter_sends').select('target_id').where('outreach_id', '=', outreachId).where('status', '=', 'queued').execute()).map((r) => r.target_id);

/** What one letter needs to be written out: the send, its outreach, target, campaign and writer. */
export const sendToWrite = (q: Q, sendId: string) =>
  q
    .selectFrom('letter_sends')
    .innerJoin('outreaches', 'outreaches.id', 'letter_sends.outreach_id')
    .innerJoin('letter_targets', 'letter_targets.id', 'letter_sends.target_id')
    .innerJoin('letter_campaigns', 'letter_campaigns.id', 'letter_sends.campaign_id')
    .innerJoin('organizations', 'organizations.id', 'letter_sends.organization_id')
    .innerJoin('people', 'people.id', 'outreaches.person_id')
    .select([
      'letter_sends.id', 'letter_sends.outreach_id', 'letter_sends.target_id', 'letter_sends.status',
      'outreaches.subject', 'outreaches.body', 'outreaches.signature', 'outreaches.language',
      'letter_targets.name as target_name', 'letter_targets.title as target_title', 'letter_targets.email as target_email',
      'letter_campaigns.letter_opening', 'letter_campaigns.letter_closing', 'letter_campaigns.letter_opening_es', 'letter_campaigns.letter_closing_es', 'letter_campaigns.slug',
      'organizations.name as organization_name',
      'people.email as writer_email', 'people.given_name', 'people.family_name',
    ])
    .where('letter_sends.id', '=', sendId)
    .executeTakeFirst();

/** Per target of a campaign: letters by state of delivery, for the console's queue. */
export const queueOf = (q: Q, campaignId: string) =>
  q
    .selectFrom('letter_sends')
    .select(['target_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('campaign_id', '=', campaignId)
    .groupBy(['target_id', 'status'])
    .execute();

/** Letters sent to a campaign's targets since an instant, per target: the rate the console shows. */
export const sentSince = (q: Q, campaignId: string, since: string) =>
  q
    .selectFrom('letter_sends')
    .select(['target_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('campaign_id', '=', campaignId)
    .where('status', '=', 'sent')
    .where('sent_at', '>=', since)
    .groupBy('target_id')
    .execute();

/** The states of a campaign's sends, for its page in the console. */
export const sendCountsOf = (q: Q, campaignId: string) =>
  q.selectFrom('letter_sends').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('campaign_id', '=', campaignId).groupBy('status').execute();

/** Makes a paused or bounced target active again; false when it was taken out of the campaign. */
export async function reopenTarget(q: Q, targetId: string, now: string, email?: string): Promise<boolean> {
  const r = await q
    .updateTable('letter_targets')
    .set({ status: 'active', bounce_reason: null, bounced_at: null, modified_at: now, ...(email ? { email } : {}) })
    .where('id', '=', targetId)
    .where('status', '!=', 'removed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Letters that bounced go back in the queue when their target is resumed. */
export async function requeueBounced(q: Q, targetId: string) {
  await q.updateTable('letter_sends').set({ status: 'queued', error: null }).where('target_id', '=', targetId).where('status', '=', 'bounced').execute();
}
