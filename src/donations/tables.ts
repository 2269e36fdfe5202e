import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';
import type { PersonalData } from '../context.ts';

// The donations' tables (migration 007), merged into the core's `Database` below. Money is
// always an integer count of the currency's minor unit (cents) beside its ISO 4217 code.

/** How a page takes gifts: Stripe Checkout, a link to an ActBlue form, or pledges (promises, never money). */
export type Processor = 'stripe' | 'actblue' | 'pledge';

export interface FundraisingPageTable {
  id: string;
  organization_id: string;
  slug: string;
  title: string;
  /** Markdown. */
  description: string;
  /** Spanish versions of the two texts above (migration 024); null: the English one is shown to everyone (src/kits/pages/localized.ts). */
  title_es: ColumnType<string | null, string | null | undefined, string | null>;
  description_es: ColumnType<string | null, string | null | undefined, string | null>;
  currency: string;
  goal_minor: number | null;
  /** JSON array of suggested amounts in minor units. */
  amounts: string;
  min_minor: number;
  max_minor: number;
  allow_monthly: number;
  offer_fee_cover: number;
  processor: Processor;
  /** The ActBlue form's name (`secure.actblue.com/donate/<name>`), for pages that send donors there. */
  actblue_form: string | null;
  /** An ActBlue refcode that marks this page's gifts on a shared form. */
  actblue_refcode: string | null;
  status: 'open' | 'closed';
  /** When the page stops taking gifts by itself (ISO, UTC); null: only when closed (migration 022). */
  closes_at: ColumnType<string | null, string | null | undefined, string | null>;
  origin_system: string;
  created_at: string;
  modified_at: string;
}

/** A donor's way to the payment page: written before Stripe is called, so a double click makes one session. */
export interface CheckoutTable {
  id: string;
  organization_id: string;
  fundraising_page_id: string;
  person_id: string;
  idempotency_key: string;
  amount_minor: number;
  fee_cover_minor: number;
  currency: string;
  recurring: number;
  stripe_session_id: string | null;
  stripe_session_url: string | null;
  /** started: written, Stripe not yet answered; open: the donor was sent to Stripe; completed: Stripe says paid. */
  status: 'started' | 'open' | 'completed' | 'expired';
  source: string | null;
  referrer: string | null;
  language: string;
  /** JSON array of `{ id, wording }`: partners the donor chose to share with, copied once the gift is paid. */
  shared_with: string | null;
  created_at: string;
  modified_at: string;
}

export interface RecurringDonationTable {
  id: string;
  organization_id: string;
  fundraising_page_id: string | null;
  person_id: string;
  checkout_id: string | null;
  amount_minor: number;
  currency: string;
  period: 'monthly' | 'weekly';
  processor: 'stripe' | 'actblue';
  /** Stripe's subscription id, or ActBlue's order number of the series. */
  processor_ref: string;
  status: 'active' | 'past_due' | 'canceled';
  failed_payments: ColumnType<number, number | undefined, number>;
  created_at: string;
  modified_at: string;
  canceled_at: string | null;
}

export type DonationStatus = 'paid' | 'refunded' | 'disputed' | 'pledged';

export interface DonationTable {
  id: string;
  organization_id: string;
  fundraising_page_id: string | null;
  person_id: string;
  recurring_id: string | null;
  checkout_id: string | null;
  /** What the donor paid, fee cover included. */
  amount_minor: number;
  fee_cover_minor: number;
  refunded_minor: ColumnType<number, number | undefined, number>;
  currency: string;
  status: DonationStatus;
  processor: 'stripe' | 'actblue' | 'offline' | 'pledge';
  /** Stripe's PaymentIntent or invoice id, ActBlue's line item id, an API client's own id: unique per processor. */
  processor_ref: string;
  /** Stripe's PaymentIntent, which refunds and disputes name. */
  payment_intent: string | null;
  source: string | null;
  referrer: string | null;
  language: string;
  created_at: string;
  modified_at: string;
}

/** Stripe events already applied: a replayed or repeated event counts once. */
export interface StripeEventTable {
  id: string;
  type: string;
  received_at: string;
}

/** What an organization sets for its gifts: the receipts' tax wording and the ActBlue webhook's credentials. */
export interface DonationSettingsTable {
  organization_id: string;
  tax_wording: string;
  actblue_username: string | null;
  actblue_password_hash: string | null;
  modified_at: string;
}

declare module '../db/schema.ts' {
  interface Database {
    fundraising_pages: FundraisingPageTable;
    donation_checkouts: CheckoutTable;
    recurring_donations: RecurringDonationTable;
    donations: DonationTable;
    stripe_events: StripeEventTable;
    donation_settings: DonationSettingsTable;
  }
}

export type FundraisingPage = Selectable<FundraisingPageTable>;
export type NewFundraisingPage = Insertable<FundraisingPageTable>;
export type FundraisingPageUpdate = Updateable<FundraisingPageTable>;
export type Checkout = Selectable<CheckoutTable>;
export type RecurringDonation = Selectable<RecurringDonationTable>;
export type Donation = Selectable<DonationTable>;
export type NewDonation = Insertable<DonationTable>;


/** What each donations column holds, for erasure (docs/ADDING-A-CAPABILITY.md, step 8). */
export const DONATIONS_PERSONAL_DATA: PersonalData = {
  fundraising_pages: {
    rows: 'none',
    columns: Object.fromEntries(
      ['id', 'organization_id', 'slug', 'title', 'description', 'title_es', 'description_es', 'currency', 'goal_minor', 'amounts', 'min_minor', 'max_minor', 'allow_monthly', 'offer_fee_cover', 'processor', 'actblue_form', 'actblue_refcode', 'status', 'closes_at', 'origin_system', 'created_at', 'modified_at'].map((c) => [c, 'plain' as const]),
    ),
  },
  donation_checkouts: {
    rows: 'person_id',
    stamp: 'modified_at',
    columns: {
      id: 'plain', organization_id: 'plain', fundraising_page_id: 'plain',
      person_id: { erase: 'keep', why: 'links the checkout to the erased person, whose row stays empty' },
      idempotency_key: { erase: 'keep', why: 'a keyed hash (HMAC) of the form, the email and the amount: it reveals nothing without the instance key' },
      amount_minor: 'plain', fee_cover_minor: 'plain', currency: 'plain', recurring: 'plain',
      stripe_session_id: { erase: 'keep', why: 'Stripe’s id of the payment session, needed to match its webhook; Stripe holds the donor’s data under its own terms' },
      stripe_session_url: { erase: 'clear', why: 'a link to the donor’s payment page' },
      status: 'plain',
      source: { erase: 'clear', why: 'the link they came through can tell who sent it to them' },
      referrer: { erase: 'clear' },
      language: { erase: 'keep', why: 'not null, one of the site’s languages: says nothing about who gave' },
      shared_with: { erase: 'clear', why: 'the partners they chose, shares not yet made' },
      created_at: 'plain', modified_at: 'plain',
    },
  },
  recurring_donations: {
    rows: 'person_id',
    stamp: 'modified_at',
    columns: {
      id: 'plain', organization_id: 'plain', fundraising_page_id: 'plain',
      person_id: { erase: 'keep', why: 'a gift series is a financial record of money received; the person’s row stays empty' },
      checkout_id: 'plain', amount_minor: 'plain', currency: 'plain', period: 'plain', processor: 'plain',
      processor_ref: { erase: 'keep', why: 'Stripe’s subscription id or ActBlue’s order number: needed to apply their later events and refunds' },
      status: 'plain', failed_payments: 'plain', created_at: 'plain', modified_at: 'plain', canceled_at: 'plain',
    },
  },
  donations: {
    rows: 'person_id',
    stamp: 'modified_at',
    columns: {
      id: 'plain', organization_id: 'plain', fundraising_page_id: 'plain',
      person_id: { erase: 'keep', why: 'money received is a financial record and the totals must not change; the person’s row stays empty' },
      recurring_id: 'plain', checkout_id: 'plain', amount_minor: 'plain', fee_cover_minor: 'plain', refunded_minor: 'plain', currency: 'plain', status: 'plain', processor: 'plain',
      processor_ref: { erase: 'keep', why: 'the processor’s id of the payment (or an offline gift’s reference), needed to apply refunds and disputes' },
      payment_intent: { erase: 'keep', why: 'Stripe’s id of the payment, which refunds and disputes name' },
      source: { erase: 'clear', why: 'the link they came through can tell who sent it to them' },
      referrer: { erase: 'clear' },
      language: { erase: 'keep', why: 'not null, one of the site’s languages: says nothing about who gave' },
      created_at: 'plain', modified_at: 'plain',
    },
  },
  stripe_events: { rows: 'none', columns: { id: 'plain', type: 'plain', received_at: 'plain' } },
  donation_settings: {
    rows: 'none',
    columns: { organization_id: 'plain', tax_wording: 'plain', actblue_username: 'plain', actblue_password_hash: 'plain', modified_at: 'plain' },
  },
};
