import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Insertable, Updateable } from 'kysely';
import type { Audience, MailBounceTable, Mailing, MailingSettingsTable, MailingStatus, MailingTable, NewMailing, RecipientState } from './tables.ts';
import { audienceQuery } from './audience.ts';
import { conditionSql, type Condition } from '../kits/api/filter.ts';

type Q = Kysely<Database> | Transaction<Database>;

export async function findSettings(q: Q, organizationId: string) {
  return q.selectFrom('mailing_settings').selectAll().where('organization_id', '=', organizationId).executeTakeFirst();
}

export async function saveSettings(q: Q, row: Insertable<MailingSettingsTable> & { timezone: string }): Promise<void> {
  const { organization_id: _, ...changes } = row;
  await q.insertInto('mailing_settings').values(row).onConflict((oc) => oc.column('organization_id').doUpdateSet(changes)).execute();
}

export async function insertMailing(q: Q, row: NewMailing): Promise<void> {
  await q.insertInto('mailings').values(row).execute();
}

/** The organization's mailing; another organization's is missing, like a wrong id. */
export async function findMailing(q: Q, organizationId: string, id: string): Promise<Mailing | undefined> {
  return q.selectFrom('mailings').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
}

export async function findMailingById(q: Q, id: string): Promise<Mailing | undefined> {
  return q.selectFrom('mailings').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The mailing, locked for the transaction on PostgreSQL (SQLite's one writer is the lock there). */
export async function lockMailing(q: Transaction<Database>, id: string, postgres: boolean): Promise<Mailing | undefined> {
  const query = q.selectFrom('mailings').selectAll().where('id', '=', id);
  return (postgres ? query.forUpdate() : query).executeTakeFirst();
}

export async function mailingsOf(q: Q, organizationId: string, limit = 200, offset = 0) {
  return q.selectFrom('mailings').selectAll().where('organization_id', '=', organizationId).orderBy('created_at', 'desc').limit(limit).offset(offset).execute();
}

export async function countMailings(q: Q, organizationId: string): Promise<number> {
  const row = await q.selectFrom('mailings').select((eb) => eb.fn.countAll<number>().as('n')).where('organization_id', '=', organizationId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function updateMailingRow(q: Q, id: string, changes: Updateable<MailingTable>, onlyIn?: MailingStatus[]): Promise<boolean> {
  let query = q.updateTable('mailings').set(changes).where('id', '=', id);
  if (onlyIn) query = query.where('status', 'in', onlyIn);
  const r = await query.executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Moves the send chain on from `chunk` to the next, if nobody else has (a resume). */
export async function advanceChain(q: Q, id: string, chunk: number, now: string): Promise<boolean> {
  const r = await q.updateTable('mailings').set({ next_chunk: chunk + 1, modified_at: now }).where('id', '=', id).where('next_chunk', '=', chunk).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * One row per member of the audience, in one statement: the first `testCount` (in order of
 * sending) get a test subject each in turn and are queued, the rest wait in `rest` state.
 */
export async function insertRecipients(trx: Transaction<Database>, m: Pick<Mailing, 'id' | 'organization_id'>, audience: Audience, o: { testCount: number; subjects: number; rest: RecipientState }): Promise<number> {
  const ranked = audienceQuery(trx, m.organization_id, audience)
    .select(['people.id as pid', sql<number>`row_number() over (order by people.id)`.as('rn')])
    .as('a');
  const tested = o.subjects > 1;
  const r = await trx
    .insertInto('mailing_recipients')
    .columns(['mailing_id', 'person_id', 'organization_id', 'seq', 'state', 'variant'])
    .expression(
      trx
        .selectFrom(ranked)
        .select([
          sql<string>`${m.id}`.as('mailing_id'),
          'a.pid',
          sql<string>`${m.organization_id}`.as('organization_id'),
          'a.rn',
          sql<string>`CASE WHEN a.rn <= ${o.testCount} THEN 'queued' ELSE ${o.rest} END`.as('state'),
          tested ? sql<number>`CASE WHEN a.rn <= ${o.testCount} THEN (a.rn - 1) % ${o.subjects} ELSE NULL END`.as('variant') : sql<null>`NULL`.as('variant'),
        ])
        .where(sql<boolean>`1 = 1`),
    )
    .onConflict((oc) => oc.columns(['mailing_id', 'person_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

export async function recipientCounts(q: Q, mailingId: string): Promise<Record<RecipientState, number> & { unsubscribed: number }> {
  const rows = await q.selectFrom('mailing_recipients').select(['state', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('unsubscribed').as('u')]).where('mailing_id', '=', mailingId).groupBy('state').execute();
  const out = { queued: 0, held: 0, sending: 0, sent: 0, skipped: 0, failed: 0, cancelled: 0, unsubscribed: 0 };
  for (const r of rows) {
    out[r.state] = Number(r.n);
    out.unsubscribed += Number(r.u ?? 0);
  }
  return out;
}

/** Rows left `sending` by a chunk that died: back in the queue (the server never had their end, src/mailings/sender.ts). */
export async function requeueAbandoned(trx: Transaction<Database>, mailingId: string, o: { chunkPrefix: string; before: string }): Promise<number> {
  const r = await trx
    .updateTable('mailing_recipients')
    .set({ state: 'queued', claim: null, claimed_at: null })
    .where('mailing_id', '=', mailingId)
    .where('state', '=', 'sending')
    .where((eb) => eb.or([eb('claim', 'like', `${o.chunkPrefix}%`), eb('claimed_at', '<', o.before)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The runs of one chunk that recorded sends (earlier attempts of the same job: dead). */
export async function runsWithSends(trx: Transaction<Database>, mailingId: string, chunkPrefix: string, current: string): Promise<string[]> {
  const rows = await trx.selectFrom('mailing_recipients').select('claim').distinct().where('mailing_id', '=', mailingId).where('state', '=', 'sent').where('claim', 'like', `${chunkPrefix}%`).where('claim', '!=', current).execute();
  return rows.map((r) => r.claim!).filter(Boolean);
}

/** A dead run's sends recorded after its last acknowledged batch: their ends were never sent. */
export async function requeueUnacknowledged(trx: Transaction<Database>, mailingId: string, claim: string, acked: number): Promise<number> {
  const r = await trx
    .updateTable('mailing_recipients')
    .set({ state: 'queued', claim: null, claimed_at: null, sent_at: null, sent_batch: null })
    .where('mailing_id', '=', mailingId)
    .where('claim', '=', claim)
    .where('state', '=', 'sent')
    .where('sent_batch', '>', acked)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** A dead run once recovered: its sent rows leave its claim, so that no later recovery reads it again. */
export async function settleRun(trx: Transaction<Database>, mailingId: string, claim: string): Promise<void> {
  await trx.updateTable('mailing_recipients').set({ claim: null }).where('mailing_id', '=', mailingId).where('claim', '=', claim).where(stateNotIndexed, '=', 'sent').execute();
}

/**
 * Claims the next `limit` queued rows for one run of a chunk: the queued rows up to the
 * `limit`-th one's `seq`, one range of the (mailing, state, seq) index. (A `seq IN (SELECT …
 * LIMIT n)` was planned by PostgreSQL, on an audience written moments before and not yet
 * analyzed, as a nested loop that ran the subquery once per queued row: seconds a claim.)
 * The caller holds the mailing's lock, so no other run claims meanwhile.
 */
export async function claimRecipients(trx: Transaction<Database>, mailingId: string, o: { limit: number; claim: string; now: string }) {
  const last = await trx
    .selectFrom('mailing_recipients')
    .select('seq')
    .where('mailing_id', '=', mailingId)
    .where('state', '=', 'queued')
    .orderBy('seq')
    .offset(Math.max(0, o.limit - 1))
    .limit(1)
    .executeTakeFirst();
  let claim = trx
    .updateTable('mailing_recipients')
    .set((eb) => ({ state: 'sending', claim: o.claim, claimed_at: o.now, attempts: eb('attempts', '+', 1) }))
    .where('mailing_id', '=', mailingId)
    .where('state', '=', 'queued');
  // Fewer than `limit` queued: all of them.
  if (last) claim = claim.where('seq', '<=', last.seq);
  return claim.returning(['person_id', 'variant', 'seq', 'attempts']).execute();
}

/** Whether any row is in `state` (with `claimPrefix`: under a claim of that chunk's runs, `3:`). */
export async function hasRows(q: Q, mailingId: string, state: RecipientState, claimPrefix?: string): Promise<boolean> {
  let query = q.selectFrom('mailing_recipients').select('seq').where('mailing_id', '=', mailingId).where('state', '=', state);
  if (claimPrefix) query = query.where('claim', 'like', `${claimPrefix}%`);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

export async function countInState(q: Q, mailingId: string, state: RecipientState): Promise<number> {
  const row = await q.selectFrom('mailing_recipients').select((eb) => eb.fn.countAll<number>().as('n')).where('mailing_id', '=', mailingId).where('state', '=', state).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** How many runs hold rows (`sending`) of a mailing: the lanes at work, and any a killed process left. */
export async function liveRuns(q: Q, mailingId: string): Promise<number> {
  const row = await q
    .selectFrom('mailing_recipients')
    .select((eb) => eb.fn.count<number>('claim').distinct().as('n'))
    .where('mailing_id', '=', mailingId)
    .where('state', '=', 'sending')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** What a send needs of each claimed person, read at send time (an unsubscribe since the start counts). */
export async function recipientsPeople(q: Q, organizationId: string, personIds: string[]) {
  if (personIds.length === 0) return [];
  const out = [];
  for (let i = 0; i < personIds.length; i += 500) {
    out.push(
      ...(await q
        .selectFrom('people')
        .select(['id', 'email', 'email_status', 'language', sql<number>`(SELECT count(*) FROM mail_bounces b WHERE b.person_id = people.id AND b.kind IN ('hard', 'complaint'))`.as('blocked')])
        .where('organization_id', '=', organizationId)
        .where('id', 'in', personIds.slice(i, i + 500))
        .execute()),
    );
  }
  return out;
}

/**
 * The row's state where a statement names its rows by person: compared through an expression, so
 * that the database finds them by the primary key (mailing, person) and not by the state index,
 * which would read every row of the chunk in that state for each batch of a few dozen (SQLite
 * chose that without this: 2,000 rows read to mark 24).
 */
const stateNotIndexed = sql<RecipientState>`coalesce(mailing_recipients.state, '')`;

/**
 * Records sends, only of rows this run still holds and of people still subscribed: the ones
 * returned may go; the others must not (their message is abandoned before its end).
 */
export async function recordSent(trx: Transaction<Database>, o: { mailingId: string; organizationId: string; claim: string; personIds: string[]; now: string; batch: number }): Promise<string[]> {
  const rows = await trx
    .updateTable('mailing_recipients')
    .set({ state: 'sent', sent_at: o.now, sent_batch: o.batch })
    .where('mailing_id', '=', o.mailingId)
    .where('claim', '=', o.claim)
    .where(stateNotIndexed, '=', 'sending')
    .where('person_id', 'in', o.personIds)
    .where(sql<boolean>`EXISTS (SELECT 1 FROM people WHERE people.id = mailing_recipients.person_id AND people.email_status = 'subscribed' AND people.email IS NOT NULL)`)
    .returning('person_id')
    .execute();
  if (rows.length > 0) {
    const day = o.now.slice(0, 10);
    await trx
      .insertInto('mailing_days')
      .values({ organization_id: o.organizationId, day, sent: rows.length })
      .onConflict((oc) => oc.columns(['organization_id', 'day']).doUpdateSet((eb) => ({ sent: eb('mailing_days.sent', '+', rows.length) })))
      .execute();
  }
  return rows.map((r) => r.person_id);
}

/** Sets the state of rows still in one of `fromStates` (and, with `claim`, still held by that run). */
export async function setRecipientsState(q: Q, mailingId: string, personIds: string[], state: RecipientState, error: string | null, fromStates: RecipientState[], claim?: string): Promise<void> {
  for (let i = 0; i < personIds.length; i += 500) {
    let query = q
      .updateTable('mailing_recipients')
      .set(state === 'queued' ? { state, error, claim: null, claimed_at: null } : { state, error })
      .where('mailing_id', '=', mailingId)
      .where('person_id', 'in', personIds.slice(i, i + 500))
      .where(stateNotIndexed, 'in', fromStates);
    if (claim) query = query.where('claim', '=', claim);
    await query.execute();
  }
}

/** Rows waiting for a subject test's winner: queued now with the winner's subject. */
export async function releaseHeld(q: Q, mailingId: string): Promise<number> {
  const r = await q.updateTable('mailing_recipients').set({ state: 'queued', variant: null }).where('mailing_id', '=', mailingId).where('state', '=', 'held').executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function cancelUnsent(q: Q, mailingId: string): Promise<number> {
  const r = await q.updateTable('mailing_recipients').set({ state: 'cancelled' }).where('mailing_id', '=', mailingId).where('state', 'in', ['queued', 'held']).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function sentToday(q: Q, organizationId: string, day: string): Promise<number> {
  const row = await q.selectFrom('mailing_days').select('sent').where('organization_id', '=', organizationId).where('day', '=', day).executeTakeFirst();
  return Number(row?.sent ?? 0);
}

export async function findRecipient(q: Q, mailingId: string, personId: string) {
  return q.selectFrom('mailing_recipients').selectAll().where('mailing_id', '=', mailingId).where('person_id', '=', personId).executeTakeFirst();
}

export async function markUnsubscribedThrough(q: Q, mailingId: string, personId: string): Promise<void> {
  await q.updateTable('mailing_recipients').set({ unsubscribed: 1 }).where('mailing_id', '=', mailingId).where('person_id', '=', personId).execute();
}

export async function unsubscribePerson(q: Q, organizationId: string, personId: string, now: string): Promise<boolean> {
  const r = await q.updateTable('people').set({ email_status: 'unsubscribed', modified_at: now }).where('organization_id', '=', organizationId).where('id', '=', personId).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function findPersonOf(q: Q, personId: string) {
  return q.selectFrom('people').select(['id', 'organization_id', 'email', 'email_status', 'language']).where('id', '=', personId).executeTakeFirst();
}

export async function findPersonByEmail(q: Q, email: string) {
  return q.selectFrom('people').select(['id', 'organization_id']).where('email', '=', email).execute();
}

export async function organizationName(q: Q, organizationId: string): Promise<string> {
  const row = await q.selectFrom('organizations').select('name').where('id', '=', organizationId).executeTakeFirst();
  return row?.name ?? '';
}

export async function insertBounce(q: Q, row: Insertable<MailBounceTable>): Promise<void> {
  await q.insertInto('mail_bounces').values(row).execute();
}

export async function bouncesOf(q: Q, mailingId: string) {
  const rows = await q.selectFrom('mail_bounces').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).where('mailing_id', '=', mailingId).groupBy('kind').execute();
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)])) as Partial<Record<'hard' | 'soft' | 'complaint', number>>;
}

export async function insertLinks(q: Q, rows: { mailing_id: string; link: number; variant: number; url: string }[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await q.insertInto('mailing_links').values(rows.slice(i, i + 200)).onConflict((oc) => oc.doNothing()).execute();
}

export async function countClick(q: Q, mailingId: string, link: number, variant: number): Promise<string | undefined> {
  const row = await q
    .updateTable('mailing_links')
    .set((eb) => ({ clicks: eb('clicks', '+', 1) }))
    .where('mailing_id', '=', mailingId)
    .where('link', '=', link)
    .where('variant', '=', variant)
    .returning('url')
    .executeTakeFirst();
  return row?.url;
}

export async function linksOf(q: Q, mailingId: string) {
  return q.selectFrom('mailing_links').selectAll().where('mailing_id', '=', mailingId).orderBy('link').orderBy('variant').execute();
}

/** A person's copies of mailings, for their page and export. */
export async function recipientsOfPerson(q: Q, organizationId: string, personId: string) {
  return q
    .selectFrom('mailing_recipients')
    .innerJoin('mailings', 'mailings.id', 'mailing_recipients.mailing_id')
    .select(['mailings.id as mailing_id', 'mailings.title', 'mailing_recipients.state', 'mailing_recipients.variant', 'mailing_recipients.sent_at', 'mailing_recipients.unsubscribed', 'mailing_recipients.error', 'mailings.created_at'])
    .where('mailing_recipients.organization_id', '=', organizationId)
    .where('mailing_recipients.person_id', '=', personId)
    .orderBy('mailings.created_at')
    .execute();
}

export async function bouncesOfPerson(q: Q, organizationId: string, personId: string) {
  return q.selectFrom('mail_bounces').selectAll().where('organization_id', '=', organizationId).where('person_id', '=', personId).orderBy('created_at').execute();
}

export interface MessageComparison {
  column: 'id' | 'created_at' | 'modified_at' | 'origin_system' | 'title';
  op: '=' | '<' | '>' | '>=';
  value: string;
}

function messagesMatching(q: Q, organizationId: string, where: Condition<MessageComparison['column']>) {
  let query = q.selectFrom('mailings').where('organization_id', '=', organizationId);
  query = query.where(conditionSql(where));
  return query;
}

export async function listMessages(q: Q, organizationId: string, where: Condition<MessageComparison['column']>, page: { limit: number; offset: number }) {
  return messagesMatching(q, organizationId, where).selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
}

export async function countMessages(q: Q, organizationId: string, where: Condition<MessageComparison['column']>): Promise<number> {
  const row = await messagesMatching(q, organizationId, where).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Mailings that are scheduled, sending, waiting on a subject test or paused, for the dashboard. */
export const mailingsInFlight = (q: Q, organizationId: string) =>
  q
    .selectFrom('mailings')
    .select(['id', 'title', 'status', 'scheduled_at'])
    .where('organization_id', '=', organizationId)
    .where('status', 'in', ['scheduled', 'sending', 'waiting', 'paused'])
    .orderBy('scheduled_at')
    .execute();
