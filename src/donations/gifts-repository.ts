import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Donation } from './tables.ts';
import { pledged, received } from './repository.ts';

// Kysely queries only: the console's gifts (console/), one filter for the table, its count, its
// totals and the export; a page's totals by source code and by day; its recurring gifts.

type Q = Kysely<Database> | Transaction<Database>;


/** What the console's table of gifts is narrowed to; every part is optional. */
export interface GiftFilter {
  pageId?: string;
  /** Words of a donor's name or email. */
  search?: string;
  status?: Donation['status'];
  processor?: Donation['processor'];
  /** A `?source=` code, as typed. */
  source?: string;
  recurring?: boolean;
}

function giftsMatching(q: Q, organizationId: string, f: GiftFilter) {
  let query = q
    .selectFrom('donations')
    .innerJoin('people', 'people.id', 'donations.person_id')
    .leftJoin('fundraising_pages', 'fundraising_pages.id', 'donations.fundraising_page_id')
    .leftJoin('recurring_donations', 'recurring_donations.id', 'donations.recurring_id')
    .where('donations.organization_id', '=', organizationId);
  if (f.pageId) query = query.where('donations.fundraising_page_id', '=', f.pageId);
  if (f.status) query = query.where('donations.status', '=', f.status);
  if (f.processor) query = query.where('donations.processor', '=', f.processor);
  if (f.source) query = query.where('donations.source', '=', f.source);
  if (f.recurring !== undefined) query = query.where('donations.recurring_id', f.recurring ? 'is not' : 'is', null);
  if (f.search) {
    const pattern = `%${f.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(
      sql<boolean>`(lower(people.email) like ${pattern} escape '\\' or lower(coalesce(people.given_name, '') || ' ' || coalesce(people.family_name, '')) like ${pattern} escape '\\')`,
    );
  }
  return query;
}

/** One page of the gifts matching `f` with their donors, newest first. */
export const searchGifts = (q: Q, organizationId: string, f: GiftFilter, page: { limit: number; offset: number }) =>
  giftsMatching(q, organizationId, f)
    .select([
      'donations.id',
      'donations.fundraising_page_id',
      'donations.amount_minor',
      'donations.fee_cover_minor',
      'donations.refunded_minor',
      'donations.currency',
      'donations.status',
      'donations.processor',
      'donations.source',
      'donations.recurring_id',
      'donations.created_at',
      'people.id as person_id',
      'people.given_name',
      'people.family_name',
      'people.email',
      'people.postal_code',
      'fundraising_pages.title as page_title',
      'recurring_donations.period',
    ])
    .orderBy('donations.created_at', 'desc')
    .orderBy('donations.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();

/** How many gifts match `f`, and what they amount to by currency (received, refunded, pledged). */
export async function giftSums(q: Q, organizationId: string, f: GiftFilter) {
  const rows = await giftsMatching(q, organizationId, f)
    .select([
      'donations.currency',
      (eb) => eb.fn.countAll<number>().as('n'),
      sql<number>`coalesce(sum(case when donations.status = 'paid' then donations.amount_minor - donations.refunded_minor else 0 end), 0)`.as('received_minor'),
      sql<number>`coalesce(sum(donations.refunded_minor), 0)`.as('refunded_minor'),
      sql<number>`coalesce(sum(case when donations.status = 'pledged' then donations.amount_minor else 0 end), 0)`.as('pledged_minor'),
    ])
    .groupBy('donations.currency')
    .orderBy('donations.currency')
    .execute();
  const sums = rows.map((r) => ({ currency: r.currency, n: Number(r.n), received_minor: Number(r.received_minor), refunded_minor: Number(r.refunded_minor), pledged_minor: Number(r.pledged_minor) }));
  return { count: sums.reduce((n, s) => n + s.n, 0), byCurrency: sums };
}

/** A page's refunds and disputes: what was given back, and what is held by a dispute. */
export async function pageRefunds(q: Q, organizationId: string, pageId: string) {
  const row = await q
    .selectFrom('donations')
    .select([
      sql<number>`coalesce(sum(refunded_minor), 0)`.as('refunded_minor'),
      sql<number>`count(case when refunded_minor > 0 then 1 end)`.as('refunds'),
      sql<number>`coalesce(sum(case when status = 'disputed' then amount_minor else 0 end), 0)`.as('disputed_minor'),
      sql<number>`count(case when status = 'disputed' then 1 end)`.as('disputes'),
    ])
    .where('organization_id', '=', organizationId)
    .where('fundraising_page_id', '=', pageId)
    .executeTakeFirst();
  return { refunded_minor: Number(row?.refunded_minor ?? 0), refunds: Number(row?.refunds ?? 0), disputed_minor: Number(row?.disputed_minor ?? 0), disputes: Number(row?.disputes ?? 0) };
}

const giftSummary = (q: Q, organizationId: string, pageId: string) =>
  q
    .selectFrom('donations')
    .select([
      (eb) => eb.fn.countAll<number>().as('gifts'),
      received.as('received_minor'),
      pledged.as('pledged_minor'),
      sql<number>`coalesce(sum(refunded_minor), 0)`.as('refunded_minor'),
    ])
    .where('organization_id', '=', organizationId)
    .where('fundraising_page_id', '=', pageId);

/** A page's gifts by `?source=` code (none is null): how many, received, refunded and pledged. */
export const pageTotalsBySource = (q: Q, organizationId: string, pageId: string) =>
  giftSummary(q, organizationId, pageId).select('source').groupBy('source').orderBy('received_minor', 'desc').orderBy('source').execute();

/** A page's gifts by UTC day (YYYY-MM-DD), newest first, over at most `days` days that had any. */
export const pageTotalsByDay = (q: Q, organizationId: string, pageId: string, days: number) =>
  giftSummary(q, organizationId, pageId)
    .select(sql<string>`substr(created_at, 1, 10)`.as('day'))
    .groupBy(sql`substr(created_at, 1, 10)`)
    .orderBy(sql`substr(created_at, 1, 10)`, 'desc')
    .limit(days)
    .execute();

/** A page's recurring gifts with their donors: active first, then past due, then canceled; newest first in each. */
export const recurringOfPage = (q: Q, organizationId: string, pageId: string, limit: number) =>
  q
    .selectFrom('recurring_donations')
    .innerJoin('people', 'people.id', 'recurring_donations.person_id')
    .select([
      'recurring_donations.id',
      'recurring_donations.amount_minor',
      'recurring_donations.currency',
      'recurring_donations.period',
      'recurring_donations.processor',
      'recurring_donations.status',
      'recurring_donations.failed_payments',
      'recurring_donations.created_at',
      'recurring_donations.canceled_at',
      'people.id as person_id',
      'people.given_name',
      'people.family_name',
      'people.email',
      'people.postal_code',
    ])
    .where('recurring_donations.organization_id', '=', organizationId)
    .where('recurring_donations.fundraising_page_id', '=', pageId)
    .orderBy(sql`case recurring_donations.status when 'active' then 0 when 'past_due' then 1 else 2 end`)
    .orderBy('recurring_donations.created_at', 'desc')
    .limit(limit)
    .execute();

/** A page's recurring gifts by status. */
export const recurringCountsOfPage = (q: Q, organizationId: string, pageId: string) =>
  q
    .selectFrom('recurring_donations')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organization_id', '=', organizationId)
    .where('fundraising_page_id', '=', pageId)
    .groupBy('status')
    .execute();

/** The gifts matching `f` for the CSV export, oldest first; each row's values in this order (the export streams them as arrays). */
export const giftsForExport = (q: Q, organizationId: string, f: GiftFilter) =>
  giftsMatching(q, organizationId, f)
    .select([
      'donations.id',
      'people.given_name',
      'people.family_name',
      'people.email',
      'people.postal_code',
      'people.country',
      'donations.amount_minor',
      'donations.currency',
      'recurring_donations.period',
      'donations.created_at',
      'donations.source',
      'donations.referrer',
      'donations.language',
      'donations.status',
      'donations.refunded_minor',
      'donations.fee_cover_minor',
      'donations.processor',
      'fundraising_pages.title',
    ])
    .orderBy('donations.created_at')
    .orderBy('donations.id');
