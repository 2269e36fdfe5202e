import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Donation, FundraisingPage } from '../tables.ts';
import { pageTotals, type PageTotals } from '../repository.ts';
import { conditionSql, type Condition } from '../../kits/api/filter.ts';

// Kysely queries only: what the API reads of pages and gifts, filtered and paged as it asks,
// each scoped by the token's organization. Beside src/donations/repository.ts, which keeps the
// rules of the totals (pageTotals) that these reuse.

type Q = Kysely<Database> | Transaction<Database>;

/** One comparison from an API filter (`created_date gt '2024-01-01'`), on a page column the API allows. */
export interface PageComparison {
  column: 'id' | 'created_at' | 'modified_at' | 'origin_system' | 'title';
  op: '=' | '<' | '>' | '>=';
  value: string;
}

export type PageWithTotals = FundraisingPage & { organization_name: string; totals: PageTotals };

function pagesMatching(q: Q, organizationId: string, where: Condition<PageComparison['column']>) {
  let query = q.selectFrom('fundraising_pages').where('fundraising_pages.organization_id', '=', organizationId);
  query = query.where(conditionSql(where, (c) => `fundraising_pages.${c}`));
  return query;
}

const withSponsor = (query: ReturnType<typeof pagesMatching>) =>
  query.innerJoin('organizations', 'organizations.id', 'fundraising_pages.organization_id').selectAll('fundraising_pages').select('organizations.name as organization_name');

/** Each page's totals by pageTotals, the one rule of what a page received (at most a page of 25 at once). */
const withTotals = (q: Q, pages: (FundraisingPage & { organization_name: string })[]): Promise<PageWithTotals[]> =>
  Promise.all(pages.map(async (p) => ({ ...p, totals: await pageTotals(q, p.id) })));

/** One page of an organization's fundraising pages with their totals, oldest first. */
export async function listApiPages(q: Q, organizationId: string, where: Condition<PageComparison['column']>, page: { limit: number; offset: number }): Promise<PageWithTotals[]> {
  const rows = await withSponsor(pagesMatching(q, organizationId, where))
    .orderBy('fundraising_pages.created_at')
    .orderBy('fundraising_pages.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return withTotals(q, rows);
}

export async function countApiPages(q: Q, organizationId: string, where: Condition<PageComparison['column']>): Promise<number> {
  const row = await pagesMatching(q, organizationId, where)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The organization's page with its sponsor and totals, or undefined. */
export async function findApiPage(q: Q, organizationId: string, id: string): Promise<PageWithTotals | undefined> {
  const row = await withSponsor(pagesMatching(q, organizationId, { column: 'id', op: '=', value: id })).executeTakeFirst();
  return row ? (await withTotals(q, [row]))[0] : undefined;
}

export interface DonationComparison {
  column: 'id' | 'created_at' | 'modified_at';
  op: '=' | '<' | '>' | '>=';
  value: string;
}

/** Whose gifts: one page's, one person's, or (null) the whole organization's. */
export type DonationOwner = { pageId: string } | { personId: string } | null;

export type ApiDonation = Donation & { organization_name: string; recurring_period: 'monthly' | 'weekly' | null };

function donationsMatching(q: Q, organizationId: string, by: DonationOwner, where: Condition<DonationComparison['column']>) {
  let query = q.selectFrom('donations').where('donations.organization_id', '=', organizationId);
  if (by && 'pageId' in by) query = query.where('donations.fundraising_page_id', '=', by.pageId);
  else if (by) query = query.where('donations.person_id', '=', by.personId);
  query = query.where(conditionSql(where, (c) => `donations.${c}`));
  return query;
}

/** A gift with its sponsor's name (the recipient) and the period of its series, if it is part of one. */
const withSponsorAndPeriod = (query: ReturnType<typeof donationsMatching>) =>
  query
    .innerJoin('organizations', 'organizations.id', 'donations.organization_id')
    .leftJoin('recurring_donations', 'recurring_donations.id', 'donations.recurring_id')
    .selectAll('donations')
    .select(['organizations.name as organization_name', 'recurring_donations.period as recurring_period']);

/** One page of gifts (refunded, disputed and pledged ones too), oldest first. */
export function listDonations(q: Q, organizationId: string, by: DonationOwner, where: Condition<DonationComparison['column']>, page: { limit: number; offset: number }): Promise<ApiDonation[]> {
  return withSponsorAndPeriod(donationsMatching(q, organizationId, by, where))
    .orderBy('donations.created_at')
    .orderBy('donations.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countDonations(q: Q, organizationId: string, by: DonationOwner, where: Condition<DonationComparison['column']>): Promise<number> {
  const row = await donationsMatching(q, organizationId, by, where)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A gift, only if it belongs to the organization and to the page or person named (any of its gifts for null). */
export const findDonationIn = (q: Q, organizationId: string, by: DonationOwner, id: string): Promise<ApiDonation | undefined> =>
  withSponsorAndPeriod(donationsMatching(q, organizationId, by, { column: 'id', op: '=', value: id })).executeTakeFirst();
