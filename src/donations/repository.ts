import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Checkout, Donation, RecurringDonationTable, FundraisingPageUpdate, NewDonation, NewFundraisingPage } from './tables.ts';

// Kysely queries only, each scoped by organization where a person's data is read.

type Q = Kysely<Database> | Transaction<Database>;

/** Money received: paid gifts less what was refunded. Pledges, disputes and full refunds count nothing. */
export const received = sql<number>`coalesce(sum(case when status = 'paid' then amount_minor - refunded_minor else 0 end), 0)`;
const donors = sql<number>`count(distinct case when status = 'paid' then person_id end)`;
export const pledged = sql<number>`coalesce(sum(case when status = 'pledged' then amount_minor else 0 end), 0)`;
const pledgers = sql<number>`count(distinct case when status = 'pledged' then person_id end)`;

export interface PageTotals {
  received_minor: number;
  donors: number;
  donations: number;
  pledged_minor: number;
  pledgers: number;
}

/** Pages with their organization's name. */
const pagesWithOrg = (q: Q) =>
  q.selectFrom('fundraising_pages').innerJoin('organizations', 'organizations.id', 'fundraising_pages.organization_id').selectAll('fundraising_pages').select('organizations.name as organization_name');

export const insertPage = (q: Q, row: NewFundraisingPage) => q.insertInto('fundraising_pages').values(row).execute();

export const updatePage = (q: Q, organizationId: string, id: string, changes: FundraisingPageUpdate) =>
  q.updateTable('fundraising_pages').set(changes).where('organization_id', '=', organizationId).where('id', '=', id).execute();

export const findPage = (q: Q, organizationId: string, id: string) =>
  q.selectFrom('fundraising_pages').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();

export const findPageById = (q: Q, id: string) => pagesWithOrg(q).where('fundraising_pages.id', '=', id).executeTakeFirst();

export const findPageBySlug = (q: Q, slug: string) => pagesWithOrg(q).where('fundraising_pages.slug', '=', slug).executeTakeFirst();

export const pagesByIds = (q: Q, ids: readonly string[]) =>
  ids.length === 0 ? Promise.resolve([]) : q.selectFrom('fundraising_pages').selectAll().where('id', 'in', ids).execute();

export const hasGifts = async (q: Q, pageId: string) =>
  (await q.selectFrom('donations').select('id').where('fundraising_page_id', '=', pageId).limit(1).executeTakeFirst()) !== undefined;

export const slugTaken = async (q: Q, slug: string) =>
  (await q.selectFrom('fundraising_pages').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;

/** The organization's ActBlue page that a contribution's refcode, or else its form's name, points to. */
export async function pageForActBlue(q: Q, organizationId: string, form: string | null, refcodes: string[]) {
  const pages = await q
    .selectFrom('fundraising_pages')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('processor', '=', 'actblue')
    .execute();
  return (
    pages.find((p) => p.actblue_refcode && refcodes.includes(p.actblue_refcode)) ??
    // A form shared by pages goes to the one that claims it without a refcode, else to the first.
    pages.find((p) => !p.actblue_refcode && form !== null && p.actblue_form === form) ??
    pages.find((p) => form !== null && p.actblue_form === form)
  );
}

function asTotals(row: { received_minor: unknown; donors: unknown; donations: unknown; pledged_minor: unknown; pledgers: unknown } | undefined): PageTotals {
  return {
    received_minor: Number(row?.received_minor ?? 0),
    donors: Number(row?.donors ?? 0),
    donations: Number(row?.donations ?? 0),
    pledged_minor: Number(row?.pledged_minor ?? 0),
    pledgers: Number(row?.pledgers ?? 0),
  };
}

/** A page's totals, summed from its gifts: a refund or a dispute leaves them at once, and nothing can drift. */
export async function pageTotals(q: Q, pageId: string): Promise<PageTotals> {
  const row = await q
    .selectFrom('donations')
    .select([received.as('received_minor'), donors.as('donors'), pledged.as('pledged_minor'), pledgers.as('pledgers')])
    .select(sql<number>`count(case when status = 'paid' then 1 end)`.as('donations'))
    .where('fundraising_page_id', '=', pageId)
    .executeTakeFirst();
  return asTotals(row);
}

/** Totals of several pages at once (the console's list). */
export async function totalsByPage(q: Q, organizationId: string): Promise<Map<string, PageTotals>> {
  const rows = await q
    .selectFrom('donations')
    .select(['fundraising_page_id', received.as('received_minor'), donors.as('donors'), pledged.as('pledged_minor'), pledgers.as('pledgers')])
    .select(sql<number>`count(case when status = 'paid' then 1 end)`.as('donations'))
    .where('organization_id', '=', organizationId)
    .where('fundraising_page_id', 'is not', null)
    .groupBy('fundraising_page_id')
    .execute();
  return new Map(rows.map((r) => [r.fundraising_page_id!, asTotals(r)]));
}

export const listPages = (q: Q, organizationId: string) =>
  q.selectFrom('fundraising_pages').selectAll().where('organization_id', '=', organizationId).orderBy('created_at', 'desc').execute();

/** Open pages whose closing time, if any, is after `now`. */
export const openPages = (q: Q, limit: number, now: string) =>
  pagesWithOrg(q)
    .where('fundraising_pages.status', '=', 'open')
    .where((eb) => eb.or([eb('fundraising_pages.closes_at', 'is', null), eb('fundraising_pages.closes_at', '>', now)]))
    .orderBy('fundraising_pages.created_at', 'desc').limit(limit).execute();

// Checkouts

/** Writes the checkout unless one with its idempotency key exists; returns the one that is kept. */
export async function insertCheckout(q: Q, row: Checkout): Promise<Checkout> {
  await q.insertInto('donation_checkouts').values(row).onConflict((oc) => oc.column('idempotency_key').doNothing()).execute();
  return (await q.selectFrom('donation_checkouts').selectAll().where('idempotency_key', '=', row.idempotency_key).executeTakeFirst())!;
}

export const findCheckout = (q: Q, id: string) => q.selectFrom('donation_checkouts').selectAll().where('id', '=', id).executeTakeFirst();

export const findCheckoutBySession = (q: Q, sessionId: string) =>
  q.selectFrom('donation_checkouts').selectAll().where('stripe_session_id', '=', sessionId).executeTakeFirst();

export const setCheckoutSession = (q: Q, id: string, sessionId: string, url: string, now: string) =>
  q
    .updateTable('donation_checkouts')
    .set({ stripe_session_id: sessionId, stripe_session_url: url, status: 'open', modified_at: now })
    .where('id', '=', id)
    .where('status', 'in', ['started', 'open'])
    .execute();

export const setCheckoutStatus = (q: Q, id: string, status: Checkout['status'], now: string) =>
  q.updateTable('donation_checkouts').set({ status, modified_at: now }).where('id', '=', id).execute();

// Recurring gifts

export const findRecurring = (q: Q, id: string) => q.selectFrom('recurring_donations').selectAll().where('id', '=', id).executeTakeFirst();

export const findRecurringByRef = (q: Q, processor: 'stripe' | 'actblue', ref: string) =>
  q.selectFrom('recurring_donations').selectAll().where('processor', '=', processor).where('processor_ref', '=', ref).executeTakeFirst();

export const insertRecurring = (q: Q, row: Insertable<RecurringDonationTable>) =>
  q.insertInto('recurring_donations').values(row).onConflict((oc) => oc.columns(['processor', 'processor_ref']).doNothing()).execute();

export const updateRecurring = (q: Q, id: string, changes: { status?: 'active' | 'past_due' | 'canceled'; failed_payments?: number; canceled_at?: string | null; modified_at: string }) =>
  q.updateTable('recurring_donations').set(changes).where('id', '=', id).execute();

// Gifts

/** Records a gift unless its processor's reference is already there; true when this call recorded it. */
export async function insertDonation(q: Q, row: NewDonation): Promise<boolean> {
  const result = await q
    .insertInto('donations')
    .values(row)
    .onConflict((oc) => oc.columns(['processor', 'processor_ref']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export const findDonation = (q: Q, id: string) => q.selectFrom('donations').selectAll().where('id', '=', id).executeTakeFirst();

export const findDonationOf = (q: Q, organizationId: string, id: string) =>
  q.selectFrom('donations').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();

export const donationByRef = (q: Q, processor: Donation['processor'], ref: string) =>
  q.selectFrom('donations').selectAll().where('processor', '=', processor).where('processor_ref', '=', ref).executeTakeFirst();

export const donationsByPaymentIntent = (q: Q, paymentIntent: string) =>
  q.selectFrom('donations').selectAll().where('payment_intent', '=', paymentIntent).execute();

export const donationOfCheckout = (q: Q, checkoutId: string) =>
  q.selectFrom('donations').selectAll().where('checkout_id', '=', checkoutId).orderBy('created_at').executeTakeFirst();

export const updateDonation = (q: Q, id: string, changes: { status?: Donation['status']; refunded_minor?: number; payment_intent?: string | null; modified_at: string }) =>
  q.updateTable('donations').set(changes).where('id', '=', id).execute();

export const donationsOfPerson = (q: Q, organizationId: string, personId: string) =>
  q.selectFrom('donations').selectAll().where('organization_id', '=', organizationId).where('person_id', '=', personId).orderBy('created_at', 'desc').execute();

export const recurringOfPerson = (q: Q, organizationId: string, personId: string) =>
  q.selectFrom('recurring_donations').selectAll().where('organization_id', '=', organizationId).where('person_id', '=', personId).execute();

/** Paid gifts by `?source=` code, for the coalition screens. */
export const donationsBySource = (q: Q, _sponsorId: string, pageId: string) =>
  q
    .selectFrom('donations')
    .select(['source', (eb) => eb.fn.countAll<number>().as('n')])
    .where('fundraising_page_id', '=', pageId)
    .where('status', '=', 'paid')
    .groupBy('source')
    .execute();

/** Donors copied onto each partner's list (they ticked its box), by organization id: the gift itself stays the sponsor's. */
export const donorsSharedWith = (q: Q, sponsorId: string, pageId: string) =>
  q
    .selectFrom('consents')
    .select(['organization_id', (eb) => eb.fn.count<number>('person_id').distinct().as('n')])
    .where('action_type', '=', 'donation')
    .where('action_id', '=', pageId)
    .where('organization_id', '!=', sponsorId)
    .groupBy('organization_id')
    .execute();

/** Pages with what they received, for the coalition screens (which show a total beside each action). */
const withReceived = (q: Q) =>
  q
    .selectFrom('fundraising_pages')
    .selectAll('fundraising_pages')
    .select((eb) =>
      eb
        .selectFrom('donations')
        .select(received.as('r'))
        .whereRef('donations.fundraising_page_id', '=', 'fundraising_pages.id')
        .as('received_minor'),
    );

export const findPageWithTotal = (q: Q, organizationId: string, id: string) =>
  withReceived(q).where('fundraising_pages.organization_id', '=', organizationId).where('fundraising_pages.id', '=', id).executeTakeFirst();

export const pagesWithTotalByIds = (q: Q, ids: readonly string[]) =>
  ids.length === 0 ? Promise.resolve([]) : withReceived(q).where('fundraising_pages.id', 'in', ids).execute();

// Stripe events

/** Marks a Stripe event applied; false when it already was (a replay or a repeat). */
export async function claimStripeEvent(q: Q, id: string, type: string, now: string): Promise<boolean> {
  const result = await q
    .insertInto('stripe_events')
    .values({ id, type, received_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

// Settings

export const findSettings = (q: Q, organizationId: string) =>
  q.selectFrom('donation_settings').selectAll().where('organization_id', '=', organizationId).executeTakeFirst();

export async function saveSettings(q: Q, organizationId: string, changes: { tax_wording?: string; actblue_username?: string | null; actblue_password_hash?: string | null }, now: string) {
  await q
    .insertInto('donation_settings')
    .values({ organization_id: organizationId, tax_wording: changes.tax_wording ?? '', actblue_username: changes.actblue_username ?? null, actblue_password_hash: changes.actblue_password_hash ?? null, modified_at: now })
    .onConflict((oc) => oc.column('organization_id').doUpdateSet({ ...changes, modified_at: now }))
    .execute();
}
