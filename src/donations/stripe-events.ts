import type { UnitOfWork } from '../actions/unit-of-work.ts';
import { parseShares, sharePerson } from '../actions/partners.ts';
import { findPerson } from '../actions/people/repository.ts';
import { newId } from '../util/ids.ts';
import type { Checkout } from './tables.ts';
import { JOB_RECEIPT } from './service.ts';
import * as repo from './repository.ts';
import { MAX_MINOR } from './money.ts';

// What each Stripe event does to turnout's records. The route has verified the signature; this
// runs in one transaction with the event's id claimed first, so a replayed or repeated event
// changes nothing, and a gift is only ever recorded here, from Stripe's word.

export type EventOutcome = 'applied' | 'duplicate' | 'ignored';

// A signed event is Stripe's word, but its shape is still checked field by field: another API
// version, or a bug at either end, must be an event ignored, never a 500 or a wrong gift.

/** An id as Stripe writes one (a string, or an expanded object's id), else null. */
function idOf(v: unknown): string | null {
  const id = v && typeof v === 'object' ? (v as { id?: unknown }).id : v;
  return typeof id === 'string' && id.length > 0 && id.length <= 255 && !/[\u0000-\u001f]/.test(id) ? id : null;
}

/** An amount in minor units: a whole number from 0 to MAX_MINOR, else null. */
function amountOf(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_MINOR ? v : null;
}

/** A three-letter currency code, upper case, else null. */
function currencyOf(v: unknown): string | null {
  return typeof v === 'string' && /^[a-z]{3}$/i.test(v) ? v.toUpperCase() : null;
}

const objectOf = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function checkoutOf(uow: UnitOfWork, ref: unknown, sessionId?: unknown): Promise<Checkout | undefined> {
  const id = idOf(ref);
  const session = idOf(sessionId);
  return (id && UUID.test(id) ? await repo.findCheckout(uow.trx, id) : undefined) ?? (session ? await repo.findCheckoutBySession(uow.trx, session) : undefined);
}

/** Puts the donor on the lists of the partners they ticked, once their first payment is in. */
async function shareDonor(uow: UnitOfWork, checkout: Checkout) {
  const shares = parseShares(checkout.shared_with);
  if (shares.length === 0) return;
  const person = await findPerson(uow.trx, checkout.organization_id, checkout.person_id);
  if (!person?.email) return;
  const donor = { email: person.email, givenName: person.given_name, familyName: person.family_name, postalCode: person.postal_code, country: person.country, language: checkout.language };
  for (const share of shares) await sharePerson(uow, { type: 'donation', id: checkout.fundraising_page_id }, donor, share);
}

async function recordGift(uow: UnitOfWork, checkout: Checkout, g: { ref: string; amount: number; currency: string; paymentIntent: string | null; recurringId: string | null }) {
  const id = newId();
  const recorded = await repo.insertDonation(uow.trx, {
    id,
    organization_id: checkout.organization_id,
    fundraising_page_id: checkout.fundraising_page_id,
    person_id: checkout.person_id,
    recurring_id: g.recurringId,
    checkout_id: checkout.id,
    amount_minor: g.amount,
    fee_cover_minor: Math.min(checkout.fee_cover_minor, g.amount),
    currency: g.currency.toUpperCase(),
    status: 'paid',
    processor: 'stripe',
    processor_ref: g.ref,
    payment_intent: g.paymentIntent,
    source: checkout.source,
    referrer: checkout.referrer,
    language: checkout.language,
    created_at: uow.now,
    modified_at: uow.now,
  });
  if (recorded) {
    uow.enqueue(JOB_RECEIPT, { donationId: id });
    uow.raise('donation', checkout.organization_id, id);
  }
  return recorded;
}

/** The recurring record of a subscription, made from its checkout the first time Stripe names it (whichever event comes first). */
async function recurringFor(uow: UnitOfWork, subscriptionId: string, checkout: Checkout | undefined) {
  const found = await repo.findRecurringByRef(uow.trx, 'stripe', subscriptionId);
  if (found || !checkout) return found;
  await repo.insertRecurring(uow.trx, {
    id: newId(),
    organization_id: checkout.organization_id,
    fundraising_page_id: checkout.fundraising_page_id,
    person_id: checkout.person_id,
    checkout_id: checkout.id,
    amount_minor: checkout.amount_minor,
    currency: checkout.currency,
    period: 'monthly',
    processor: 'stripe',
    processor_ref: subscriptionId,
    status: 'active',
    created_at: uow.now,
    modified_at: uow.now,
    canceled_at: null,
  });
  await shareDonor(uow, checkout);
  return repo.findRecurringByRef(uow.trx, 'stripe', subscriptionId);
}

async function sessionPaid(uow: UnitOfWork, session: Record<string, unknown>): Promise<EventOutcome> {
  const checkout = await checkoutOf(uow, session.client_reference_id ?? objectOf(session.metadata).turnout_checkout, session.id);
  if (!checkout) return 'ignored';
  if (checkout.recurring === 1) {
    const subscription = idOf(session.subscription);
    if (!subscription) return 'ignored';
    await recurringFor(uow, subscription, checkout);
  } else if (session.payment_status === 'paid') {
    const paymentIntent = idOf(session.payment_intent);
    const ref = paymentIntent ?? idOf(session.id);
    const amount = amountOf(session.amount_total);
    const currency = currencyOf(session.currency);
    if (!ref || amount === null || amount === 0 || !currency) return 'ignored';
    const recorded = await recordGift(uow, checkout, { ref, amount, currency, paymentIntent, recurringId: null });
    if (recorded) await shareDonor(uow, checkout);
  } else {
    // Paid later (a bank debit): checkout.session.async_payment_succeeded records it.
    return 'applied';
  }
  await repo.setCheckoutStatus(uow.trx, checkout.id, 'completed', uow.now);
  return 'applied';
}

async function invoicePaid(uow: UnitOfWork, invoice: Record<string, unknown>): Promise<EventOutcome> {
  const details = objectOf(objectOf(invoice.parent).subscription_details);
  const subscriptionId = idOf(details.subscription);
  const invoiceId = idOf(invoice.id);
  const amount = amountOf(invoice.amount_paid);
  const currency = currencyOf(invoice.currency);
  if (!subscriptionId || !invoiceId || amount === null || amount === 0 || !currency) return 'ignored';
  const checkout = await checkoutOf(uow, objectOf(details.metadata).turnout_checkout);
  const recurring = await recurringFor(uow, subscriptionId, checkout);
  if (!recurring) return 'ignored';
  const gifted = checkout ?? (recurring.checkout_id ? await repo.findCheckout(uow.trx, recurring.checkout_id) : undefined);
  if (!gifted) return 'ignored';
  const payments = objectOf(invoice.payments).data;
  const payment = Array.isArray(payments) ? payments.map((p) => objectOf(objectOf(p).payment)).find((p) => p.type === 'payment_intent') : undefined;
  await recordGift(uow, gifted, { ref: invoiceId, amount, currency, paymentIntent: idOf(payment?.payment_intent), recurringId: recurring.id });
  if (recurring.status !== 'canceled') await repo.updateRecurring(uow.trx, recurring.id, { status: 'active', failed_payments: 0, modified_at: uow.now });
  if (gifted.status !== 'completed') await repo.setCheckoutStatus(uow.trx, gifted.id, 'completed', uow.now);
  return 'applied';
}

async function invoiceFailed(uow: UnitOfWork, invoice: Record<string, unknown>): Promise<EventOutcome> {
  const subscriptionId = idOf(objectOf(objectOf(invoice.parent).subscription_details).subscription);
  const recurring = subscriptionId ? await repo.findRecurringByRef(uow.trx, 'stripe', subscriptionId) : undefined;
  if (!recurring) return 'ignored';
  await repo.updateRecurring(uow.trx, recurring.id, {
    status: recurring.status === 'canceled' ? 'canceled' : 'past_due',
    failed_payments: recurring.failed_payments + 1,
    modified_at: uow.now,
  });
  return 'applied';
}

async function subscriptionChanged(uow: UnitOfWork, subscription: Record<string, unknown>, deleted: boolean): Promise<EventOutcome> {
  const id = idOf(subscription.id);
  const recurring = id ? await repo.findRecurringByRef(uow.trx, 'stripe', id) : undefined;
  if (!recurring) return 'ignored';
  const status = deleted || subscription.status === 'canceled' || subscription.status === 'incomplete_expired' ? 'canceled' : subscription.status === 'active' ? 'active' : 'past_due';
  if (recurring.status === 'canceled' && status !== 'canceled') return 'applied'; // the donor's cancellation stands
  await repo.updateRecurring(uow.trx, recurring.id, { status, canceled_at: status === 'canceled' ? (recurring.canceled_at ?? uow.now) : null, modified_at: uow.now });
  return 'applied';
}

async function chargeRefunded(uow: UnitOfWork, charge: Record<string, unknown>): Promise<EventOutcome> {
  const paymentIntent = idOf(charge.payment_intent);
  const amountRefunded = amountOf(charge.amount_refunded);
  const gifts = paymentIntent && amountRefunded !== null ? await repo.donationsByPaymentIntent(uow.trx, paymentIntent) : [];
  if (gifts.length === 0) return 'ignored';
  for (const gift of gifts) {
    const refunded = Math.min(amountRefunded!, gift.amount_minor);
    await repo.updateDonation(uow.trx, gift.id, {
      refunded_minor: refunded,
      status: gift.status === 'disputed' ? 'disputed' : refunded >= gift.amount_minor ? 'refunded' : 'paid',
      modified_at: uow.now,
    });
  }
  return 'applied';
}

async function disputed(uow: UnitOfWork, dispute: Record<string, unknown>, closed: boolean): Promise<EventOutcome> {
  const paymentIntent = idOf(dispute.payment_intent);
  const gifts = paymentIntent ? await repo.donationsByPaymentIntent(uow.trx, paymentIntent) : [];
  if (gifts.length === 0) return 'ignored';
  for (const gift of gifts) {
    // A dispute the organization won gives the money back; until then, and if lost, it does not count.
    const status = closed && dispute.status === 'won' ? (gift.refunded_minor >= gift.amount_minor ? 'refunded' : 'paid') : 'disputed';
    await repo.updateDonation(uow.trx, gift.id, { status, modified_at: uow.now });
  }
  return 'applied';
}

async function sessionExpired(uow: UnitOfWork, session: Record<string, unknown>): Promise<EventOutcome> {
  const checkout = await checkoutOf(uow, session.client_reference_id, session.id);
  if (!checkout || checkout.status === 'completed') return 'ignored';
  await repo.setCheckoutStatus(uow.trx, checkout.id, 'expired', uow.now);
  return 'applied';
}

/** Applies one verified event once: the event's id is claimed in the same transaction as its effects. */
/** An event's id, type and object, or null when it has none of a usable shape (answered 400). */
export function eventParts(event: unknown): { id: string; type: string; object: Record<string, unknown> } | null {
  const e = objectOf(event);
  const id = idOf(e.id);
  const type = typeof e.type === 'string' && e.type.length <= 100 ? e.type : null;
  const object = objectOf(e.data).object;
  if (!id || !type || !object || typeof object !== 'object' || Array.isArray(object)) return null;
  return { id, type, object: object as Record<string, unknown> };
}

/** Applies one verified event once: the event's id is claimed in the same transaction as its effects. */
export async function applyStripeEvent(uow: UnitOfWork, event: { id: string; type: string; object: Record<string, unknown> }): Promise<EventOutcome> {
  if (!(await repo.claimStripeEvent(uow.trx, event.id, event.type, uow.now))) return 'duplicate';
  const o = event.object;
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return sessionPaid(uow, o);
    case 'checkout.session.expired':
      return sessionExpired(uow, o);
    case 'invoice.paid':
      return invoicePaid(uow, o);
    case 'invoice.payment_failed':
      return invoiceFailed(uow, o);
    case 'customer.subscription.updated':
      return subscriptionChanged(uow, o, false);
    case 'customer.subscription.deleted':
      return subscriptionChanged(uow, o, true);
    case 'charge.refunded':
      return chargeRefunded(uow, o);
    case 'charge.dispute.created':
      return disputed(uow, o, false);
    case 'charge.dispute.closed':
      return disputed(uow, o, true);
    default:
      return 'ignored';
  }
}
