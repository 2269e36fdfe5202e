import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { UnitOfWork } from '../actions/unit-of-work.ts';
import { recordTaker, type Referral } from '../actions/core.ts';
import type { PersonInput } from '../actions/people/validate.ts';
import type { Share } from '../actions/partners.ts';
import { insertUnderFreeSlug, slugify } from '../util/slug.ts';
import { newId } from '../util/ids.ts';
import type { PageFields } from './fields.ts';
import { MAX_MINOR } from './money.ts';
import type { Checkout, FundraisingPage } from './tables.ts';
import * as repo from './repository.ts';
import { isActionClosed } from '../actions/closing-time.ts';

export const JOB_RECEIPT = 'donation.receipt';
export const JOB_CANCEL_SUBSCRIPTION = 'donation.cancel_subscription';

/** A closed page takes no gifts or pledges, from the form or the API. */
export class PageClosedError extends Error {
  constructor(readonly pageId: string) {
    super(`fundraising page ${pageId} is closed`);
  }
}

/** A gift outside the page's minimum and maximum, or not a positive amount. */
export class AmountError extends Error {
  constructor(readonly reason: 'below_min' | 'above_max') {
    super(`amount ${reason}`);
  }
}

function pageRow(organizationId: string, f: PageFields, now: string) {
  return {
    title: f.title,
    description: f.description,
    currency: f.currency,
    goal_minor: f.goal_minor,
    amounts: JSON.stringify(f.amounts),
    min_minor: f.min_minor,
    max_minor: f.max_minor,
    allow_monthly: f.allow_monthly ? 1 : 0,
    offer_fee_cover: f.offer_fee_cover ? 1 : 0,
    processor: f.processor,
    actblue_form: f.actblue_form,
    actblue_refcode: f.actblue_refcode,
    status: f.status,
    ...(f.closes_at === undefined ? {} : { closes_at: f.closes_at }),
    ...(f.title_es === undefined ? {} : { title_es: f.title_es }),
    ...(f.description_es === undefined ? {} : { description_es: f.description_es }),
    organization_id: organizationId,
    modified_at: now,
  };
}

/** Creates a page under the first free web address made from its slug or title. */
export async function createPage(db: Kysely<Database>, organizationId: string, f: PageFields, now: string): Promise<FundraisingPage> {
  const id = newId();
  const row = { ...pageRow(organizationId, f, now), id, origin_system: f.origin_system ?? 'turnout', created_at: now };
  await insertUnderFreeSlug(
    slugify(f.slug ?? f.title, 'donate'),
    (slug) => repo.slugTaken(db, slug),
    async (slug) => {
      const result = await db
        .insertInto('fundraising_pages')
        .values({ ...row, slug })
        .onConflict((oc) => oc.column('slug').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
  );
  return (await repo.findPage(db, organizationId, id))!;
}

export class SlugTakenError extends Error {}

/** A page's currency cannot change once it has gifts: its totals would add two currencies. */
export class CurrencyLockedError extends Error {
  constructor(readonly currency: string) {
    super(`the page has gifts in ${currency}; its currency cannot change`);
  }
}

/** Saves a page's fields; a web address another page has is refused (SlugTakenError), a new currency on a page with gifts too (CurrencyLockedError). */
export async function updatePage(db: Kysely<Database>, page: FundraisingPage, f: PageFields, now: string): Promise<FundraisingPage> {
  const slug = f.slug ?? page.slug;
  if (slug !== page.slug && (await repo.slugTaken(db, slug))) throw new SlugTakenError(slug);
  if (f.currency !== page.currency && (await repo.hasGifts(db, page.id))) throw new CurrencyLockedError(page.currency);
  try {
    await repo.updatePage(db, page.organization_id, page.id, { ...pageRow(page.organization_id, f, now), slug, ...(f.origin_system ? { origin_system: f.origin_system } : {}) });
  } catch (error) {
    // Taken between the check and the write, by another page.
    if (await repo.slugTaken(db, slug).then((taken) => taken && slug !== page.slug)) throw new SlugTakenError(slug);
    throw error;
  }
  return (await repo.findPage(db, page.organization_id, page.id))!;
}

export interface Gift {
  person: PersonInput;
  amountMinor: number;
  feeCoverMinor: number;
  recurring: boolean;
  optIn: boolean | null;
  optInWording: string;
  language: string;
  referral: Referral;
  shareWith: Share[];
  /** From the form: the same donor, page, amount and form make the same key, so a double click makes one checkout. */
  idempotencyKey: string;
}

type GivablePage = Pick<FundraisingPage, 'id' | 'organization_id' | 'status' | 'currency' | 'min_minor' | 'max_minor'> & { closes_at?: string | null };

/** A page is closed when its organizer closed it or its closing time has passed (checked at each request and here: no job needed). */
export const isPageClosed = (page: { status: string; closes_at?: string | null }, now?: string) => isActionClosed(page, now);

function checkGift(page: GivablePage, gift: Pick<Gift, 'amountMinor' | 'feeCoverMinor'>, now: string) {
  if (isPageClosed(page, now)) throw new PageClosedError(page.id);
  const base = gift.amountMinor - gift.feeCoverMinor;
  if (base < page.min_minor) throw new AmountError('below_min');
  if (base > page.max_minor) throw new AmountError('above_max');
}

/**
 * The donor, recorded through the action core with their consent, and their checkout: written
 * before Stripe is called. A second submission with the same key finds the first checkout.
 * No gift is recorded here: only Stripe's signed webhook records one (stripe-events.ts).
 */
export async function startCheckout(uow: UnitOfWork, page: GivablePage, gift: Gift): Promise<Checkout> {
  checkGift(page, gift, uow.now);
  const personId = await recordTaker(
    uow,
    { organizationId: page.organization_id, person: gift.person, language: gift.language, optIn: gift.optIn, optInWording: gift.optInWording },
    { type: 'donation', id: page.id },
  );
  return repo.insertCheckout(uow.trx, {
    id: newId(),
    organization_id: page.organization_id,
    fundraising_page_id: page.id,
    person_id: personId,
    idempotency_key: gift.idempotencyKey,
    amount_minor: gift.amountMinor,
    fee_cover_minor: gift.feeCoverMinor,
    currency: page.currency,
    recurring: gift.recurring ? 1 : 0,
    stripe_session_id: null,
    stripe_session_url: null,
    status: 'started',
    source: gift.referral.source,
    referrer: gift.referral.referrer,
    language: gift.language,
    shared_with: gift.shareWith.length > 0 ? JSON.stringify(gift.shareWith) : null,
    created_at: uow.now,
    modified_at: uow.now,
  });
}

/**
 * A pledge on a page that takes pledges: a promise, recorded as one and never counted as money
 * received. The same key twice (a double click) records one.
 */
export async function recordPledge(uow: UnitOfWork, page: GivablePage, gift: Gift): Promise<string> {
  checkGift(page, gift, uow.now);
  const personId = await recordTaker(
    uow,
    { organizationId: page.organization_id, person: gift.person, language: gift.language, optIn: gift.optIn, optInWording: gift.optInWording },
    { type: 'donation', id: page.id },
  );
  const id = newId();
  const recorded = await repo.insertDonation(uow.trx, {
    id,
    organization_id: page.organization_id,
    fundraising_page_id: page.id,
    person_id: personId,
    recurring_id: null,
    checkout_id: null,
    amount_minor: gift.amountMinor,
    fee_cover_minor: gift.feeCoverMinor,
    currency: page.currency,
    status: 'pledged',
    processor: 'pledge',
    processor_ref: gift.idempotencyKey,
    payment_intent: null,
    source: gift.referral.source,
    referrer: gift.referral.referrer,
    language: gift.language,
    created_at: uow.now,
    modified_at: uow.now,
  });
  if (recorded) {
    uow.enqueue(JOB_RECEIPT, { donationId: id });
    uow.raise('donation', page.organization_id, id);
  }
  return id;
}

/** A keyed HMAC of a purpose and an id: the private links of a thank-you page and a receipt. */
export function linkToken(secret: Buffer, purpose: 'thanks' | 'cancel', id: string): string {
  return createHmac('sha256', secret).update(`donation-${purpose}:${id}`).digest('base64url');
}

export function isValidLinkToken(secret: Buffer, purpose: 'thanks' | 'cancel', id: string, token: string): boolean {
  const expected = Buffer.from(linkToken(secret, purpose, id));
  const given = Buffer.from(String(token));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The idempotency key of one form submission: the page, the form's own id, the donor and what they chose. */
export function giftKey(secret: Buffer, parts: { pageId: string; formId: string; email: string; amountMinor: number; recurring: boolean; feeCover: boolean }): string {
  return createHmac('sha256', secret)
    .update(`donation-checkout:${parts.pageId}:${parts.formId}:${parts.email}:${parts.amountMinor}:${parts.recurring ? 'monthly' : 'once'}:${parts.feeCover ? 1 : 0}`)
    .digest('base64url');
}

/**
 * The donor asked to stop their monthly gift from the link in a receipt: it stops counting as
 * active at once, and a job asks Stripe to cancel the subscription (retried until Stripe answers).
 */
export async function requestCancel(uow: UnitOfWork, recurringId: string): Promise<'canceled' | 'already' | 'missing'> {
  const recurring = await repo.findRecurring(uow.trx, recurringId);
  if (!recurring) return 'missing';
  if (recurring.status === 'canceled') return 'already';
  await repo.updateRecurring(uow.trx, recurring.id, { status: 'canceled', canceled_at: uow.now, modified_at: uow.now });
  if (recurring.processor === 'stripe') uow.enqueue(JOB_CANCEL_SUBSCRIPTION, { recurringId: recurring.id });
  return 'canceled';
}

/** A gift the organization took itself (a check, cash at an event), recorded through the API's record donation helper. */
export interface OfflineGift {
  person: PersonInput;
  optIn: boolean | null;
  optInWording: string;
  language: string;
  referral: Referral;
  tags: string[];
  amountMinor: number;
  /** The payment's own reference (a check number, another system's id); null: the gift's id is its reference. */
  reference: string | null;
  /** When the gift was made, if not now (a check dated last week). */
  madeAt: string | null;
  /** Whether the donor is sent a receipt. */
  receipt: boolean;
}

/** An offline gift's processor_ref: a reference is the organization's own, so it is unique within the organization only. */
export const offlineRef = (organizationId: string, reference: string) => `${organizationId}:${reference}`;

/**
 * Records an offline gift as paid, the donor through the action core with their consent and
 * tags. The page's minimum and maximum are the public form's and do not apply: the money is in.
 * A reference already recorded in the organization records nothing and names the gift it
 * recorded (a retried request), which may be on another page (`pageId`).
 */
export async function recordOfflineGift(uow: UnitOfWork, page: GivablePage, gift: OfflineGift): Promise<{ donationId: string; pageId: string | null; recorded: boolean }> {
  // A check dated before the closing time is still a gift to the page; the organizer's closing is final.
  if (page.status === 'closed' || isPageClosed(page, gift.madeAt ?? uow.now)) throw new PageClosedError(page.id);
  if (!Number.isSafeInteger(gift.amountMinor) || gift.amountMinor <= 0) throw new AmountError('below_min');
  if (gift.amountMinor > MAX_MINOR) throw new AmountError('above_max');
  const id = newId();
  const ref = offlineRef(page.organization_id, gift.reference ?? id);
  const earlier = gift.reference === null ? undefined : await repo.donationByRef(uow.trx, 'offline', ref);
  if (earlier) return { donationId: earlier.id, pageId: earlier.fundraising_page_id, recorded: false };
  const personId = await recordTaker(
    uow,
    { organizationId: page.organization_id, person: gift.person, language: gift.language, optIn: gift.optIn, optInWording: gift.optInWording, tags: gift.tags },
    { type: 'donation', id: page.id },
  );
  const recorded = await repo.insertDonation(uow.trx, {
    id,
    organization_id: page.organization_id,
    fundraising_page_id: page.id,
    person_id: personId,
    recurring_id: null,
    checkout_id: null,
    amount_minor: gift.amountMinor,
    fee_cover_minor: 0,
    currency: page.currency,
    status: 'paid',
    processor: 'offline',
    processor_ref: ref,
    payment_intent: null,
    source: gift.referral.source,
    referrer: gift.referral.referrer,
    language: gift.language,
    created_at: gift.madeAt ?? uow.now,
    modified_at: uow.now,
  });
  if (!recorded) {
    // The same reference, recorded by another request since the look above.
    const other = (await repo.donationByRef(uow.trx, 'offline', ref))!;
    return { donationId: other.id, pageId: other.fundraising_page_id, recorded: false };
  }
  if (gift.receipt) uow.enqueue(JOB_RECEIPT, { donationId: id });
  uow.raise('donation', page.organization_id, id);
  return { donationId: id, pageId: page.id, recorded: true };
}
