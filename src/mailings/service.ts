import type { Kysely, Transaction } from 'kysely';
import type { Database, NewJob } from '../db/schema.ts';
import { insertJobs } from '../jobs/repository.ts';
import { newId } from '../util/ids.ts';
import type { MailingFields } from './fields.ts';
import type { Mailing, MailingStatus } from './tables.ts';
import { countAudience, parseAudience } from './audience.ts';
import * as repo from './repository.ts';

export const JOB_START = 'mailing.start';
export const JOB_CHUNK = 'mailing.chunk';
export const JOB_PICK = 'mailing.pick_winner';
export const JOB_TEST = 'mailing.test_send';

/** Sending rules a surface turns into its own answer: a notice, a 409. */
export class MailingError extends Error {
  constructor(
    readonly reason: 'not_editable' | 'no_settings' | 'empty_audience' | 'in_the_past' | 'not_sending' | 'not_paused' | 'finished' | 'not_waiting' | 'no_such_subject',
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_SETTINGS = { rate_per_second: 14, daily_cap: 50_000 } as const;

export function job(kind: string, payload: unknown, runAt: string, now: string): NewJob {
  return { id: newId(), kind, payload: JSON.stringify(payload), status: 'pending', max_attempts: 10, run_at: runAt, created_at: now };
}

const row = (f: MailingFields) => ({
  title: f.title,
  subject_en: f.subject_en,
  preheader_en: f.preheader_en,
  body_en: f.body_en,
  subject_es: f.subject_es,
  preheader_es: f.preheader_es,
  body_es: f.body_es,
  test_subjects: JSON.stringify(f.test_subjects),
  test_share: f.test_share,
  test_wait_minutes: f.test_wait_minutes,
  audience: JSON.stringify(f.audience),
  sender_name: f.sender_name,
  reply_to: f.reply_to,
});

export async function createMailing(db: Kysely<Database>, organizationId: string, f: MailingFields, o: { by: string | null; now: string; originSystem?: string }): Promise<Mailing> {
  const id = newId();
  await repo.insertMailing(db, { id, organization_id: organizationId, status: 'draft', ...row(f), test_winner: null, test_ends_at: null, scheduled_at: null, started_at: null, finished_at: null, origin_system: o.originSystem ?? 'turnout', created_by: o.by, created_at: o.now, modified_at: o.now });
  return (await repo.findMailing(db, organizationId, id))!;
}

const EDITABLE: MailingStatus[] = ['draft', 'scheduled'];

/** Changes a mailing not yet started (a scheduled one keeps its time). */
export async function updateMailing(db: Kysely<Database>, m: Mailing, f: MailingFields, now: string): Promise<Mailing> {
  if (!(await repo.updateMailingRow(db, m.id, { ...row(f), modified_at: now }, EDITABLE))) {
    throw new MailingError('not_editable', 'This mailing has started: its text and audience can no longer change.');
  }
  return (await repo.findMailing(db, m.organization_id, m.id))!;
}

/**
 * Sends the mailing at `at` (now, or later): refused without the organization's postal address,
 * to an audience of nobody, or at a time past. The start job then writes every recipient's row.
 */
export async function scheduleMailing(db: Kysely<Database>, m: Mailing, at: string, now: string): Promise<Mailing> {
  if (!EDITABLE.includes(m.status)) throw new MailingError('not_editable', 'This mailing has already started.');
  if (at < new Date(Date.parse(now) - 60_000).toISOString()) throw new MailingError('in_the_past', 'That time has passed: choose a time from now on.');
  const settings = await repo.findSettings(db, m.organization_id);
  if (!settings?.postal_address) throw new MailingError('no_settings', 'Set your sender name, reply-to and postal address in the mailing settings first: every mailing needs them.');
  if ((await countAudience(db, m.organization_id, parseAudience(m.audience))) === 0) throw new MailingError('empty_audience', 'Nobody is in this audience: no subscribed person matches it. Change the audience first.');
  await db.transaction().execute(async (trx) => {
    if (!(await repo.updateMailingRow(trx, m.id, { status: 'scheduled', scheduled_at: at, modified_at: now }, EDITABLE))) throw new MailingError('not_editable', 'This mailing has already started.');
    await insertJobs(trx, [job(JOB_START, { mailingId: m.id }, at < now ? now : at, now)]);
  });
  return (await repo.findMailing(db, m.organization_id, m.id))!;
}

/** Back to a draft: the start job then finds nothing to start. */
export async function unscheduleMailing(db: Kysely<Database>, m: Mailing, now: string): Promise<void> {
  if (!(await repo.updateMailingRow(db, m.id, { status: 'draft', scheduled_at: null, modified_at: now }, ['scheduled']))) throw new MailingError('not_editable', 'This mailing is not scheduled.');
}

export async function pauseMailing(db: Kysely<Database>, m: Mailing, now: string): Promise<void> {
  if (!(await repo.updateMailingRow(db, m.id, { status: 'paused', modified_at: now }, ['sending']))) throw new MailingError('not_sending', 'This mailing is not sending, so it cannot be paused.');
}

/** Starts a new send chain (a chunk still finishing keeps its own rows; src/mailings/sender.ts). */
export async function resumeMailing(db: Kysely<Database>, m: Mailing, now: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const current = await repo.findMailingById(trx, m.id);
    if (!current || current.status !== 'paused') throw new MailingError('not_paused', 'This mailing is not paused.');
    const next = current.next_chunk + 1;
    await repo.updateMailingRow(trx, m.id, { status: 'sending', next_chunk: next, modified_at: now }, ['paused']);
    await insertJobs(trx, [job(JOB_CHUNK, { mailingId: m.id, chunk: next }, now, now)]);
  });
}

/** Stops for good: nobody not yet sent to gets it. */
export async function cancelMailing(db: Kysely<Database>, m: Mailing, now: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await repo.updateMailingRow(trx, m.id, { status: 'cancelled', finished_at: now, modified_at: now }, ['draft', 'scheduled', 'sending', 'paused', 'waiting']))) {
      throw new MailingError('finished', 'This mailing has finished or was cancelled already.');
    }
    await repo.cancelUnsent(trx, m.id);
  });
}

/** The subject test's winner goes to the rest of the audience. */
export async function pickWinner(db: Kysely<Database> | Transaction<Database>, m: Mailing, winner: number, now: string): Promise<void> {
  const run = async (trx: Transaction<Database>) => {
    const current = await repo.findMailingById(trx, m.id);
    if (!current || !['sending', 'waiting', 'paused'].includes(current.status) || current.test_winner !== null) throw new MailingError('not_waiting', 'This mailing has no subject test waiting for a winner.');
    if (winner < 0 || winner > JSON.parse(current.test_subjects).length) throw new MailingError('no_such_subject', 'Choose one of the subjects tested.');
    await repo.releaseHeld(trx, m.id);
    if (current.status === 'waiting') {
      const next = current.next_chunk + 1;
      await repo.updateMailingRow(trx, m.id, { test_winner: winner, status: 'sending', next_chunk: next, modified_at: now });
      await insertJobs(trx, [job(JOB_CHUNK, { mailingId: m.id, chunk: next }, now, now)]);
    } else {
      await repo.updateMailingRow(trx, m.id, { test_winner: winner, modified_at: now });
    }
  };
  if ('isTransaction' in db && db.isTransaction) return run(db as Transaction<Database>);
  await (db as Kysely<Database>).transaction().execute(run);
}

/** A test send of the mailing to one organizer's address, in each of its versions. */
export async function queueTestSend(db: Kysely<Database>, m: Mailing, to: string, now: string): Promise<void> {
  await insertJobs(db, [job(JOB_TEST, { mailingId: m.id, to }, now, now)]);
}
