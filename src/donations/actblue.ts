import type { UnitOfWork } from '../actions/unit-of-work.ts';
import { recordTaker } from '../actions/core.ts';
import { isCleanText, isCountryCode, isValidEmail, normalizeEmail } from '../actions/people/normalize.ts';
import { newId } from '../util/ids.ts';
import { parseAmount } from './money.ts';
import * as repo from './repository.ts';

// ActBlue's contribution webhook: one JSON POST per contribution, with `donor`, `contribution`
// and `lineitems` as ActBlue documents them. Each line item is one gift, recorded once (by its
// `lineitemId`); a line item with `refundedAt` is a refund; a contribution with `cancelledAt`
// ends its recurring series. ActBlue sends donors their own receipts, so turnout sends none.

export interface ActBlueContribution {
  email: string;
  givenName: string;
  familyName: string;
  postalCode: string;
  country: string;
  orderNumber: string;
  form: string | null;
  refcodes: string[];
  recurring: 'monthly' | 'weekly' | null;
  cancelled: boolean;
  createdAt: string | null;
  lineitems: { id: string; amountMinor: number; refunded: boolean }[];
}

const str = (v: unknown, max = 200): string => (typeof v === 'string' && v.length <= max && isCleanText(v.trim()) ? v.trim() : '');
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Reads a payload, or says in a sentence what is wrong with it (the 400's message). */
export function readActBlue(body: unknown): { contribution: ActBlueContribution } | { problem: string } {
  const root = obj(body);
  const donor = obj(root.donor);
  const contribution = obj(root.contribution);
  const email = normalizeEmail(str(donor.email, 254));
  if (!email || !isValidEmail(email)) return { problem: 'donor.email must be a valid email address' };
  const orderNumber = str(contribution.orderNumber, 100);
  if (!orderNumber) return { problem: 'contribution.orderNumber is required' };
  if (!Array.isArray(root.lineitems) || root.lineitems.length === 0 || root.lineitems.length > 100) return { problem: 'lineitems must be a list of 1 to 100 line items' };
  const lineitems: ActBlueContribution['lineitems'] = [];
  for (const [i, raw] of root.lineitems.entries()) {
    const item = obj(raw);
    const id = typeof item.lineitemId === 'number' && Number.isSafeInteger(item.lineitemId) ? String(item.lineitemId) : str(item.lineitemId, 64);
    if (!id) return { problem: `lineitems[${i}].lineitemId is required` };
    const amount = parseAmount(item.amount, 'USD');
    if ('problem' in amount || amount.minor <= 0 || amount.minor > 100_000_000_00) return { problem: `lineitems[${i}].amount must be a positive amount in dollars, like "10.00"` };
    lineitems.push({ id, amountMinor: amount.minor, refunded: typeof item.refundedAt === 'string' && item.refundedAt !== '' });
  }
  const refcodes = Object.values(obj(contribution.refcodes)).concat(contribution.refcode ?? [], contribution.refcode2 ?? []).map((r) => str(r, 100)).filter(Boolean);
  const period = str(contribution.recurringPeriod, 20).toLowerCase();
  const country = str(donor.country, 60).toUpperCase();
  return {
    contribution: {
      email,
      givenName: str(donor.firstname, 100),
      familyName: str(donor.lastname, 100),
      postalCode: str(donor.zip, 12),
      country: isCountryCode(country) ? country : country === 'UNITED STATES' || country === '' ? 'US' : '',
      orderNumber,
      form: str(contribution.contributionForm, 100) || str(obj(root.form).name, 100) || null,
      refcodes,
      recurring: period === 'monthly' || period === 'weekly' ? period : null,
      cancelled: typeof contribution.cancelledAt === 'string' && contribution.cancelledAt !== '',
      createdAt: str(contribution.createdAt, 40) || null,
      lineitems,
    },
  };
}

export interface ActBlueOutcome {
  recorded: number;
  refunded: number;
  repeated: number;
}

/** Records a contribution for the organization: the donor matched by email (or added), each line item once. */
export async function applyActBlue(uow: UnitOfWork, organizationId: string, c: ActBlueContribution): Promise<ActBlueOutcome> {
  const page = await repo.pageForActBlue(uow.trx, organizationId, c.form, c.refcodes);
  const personId = await recordTaker(
    uow,
    {
      organizationId,
      person: { email: c.email, givenName: c.givenName || undefined, familyName: c.familyName || undefined, postalCode: c.postalCode || undefined, country: c.country || undefined },
      language: null,
      // ActBlue asks its own questions: no consent to this organization's list is implied.
      optIn: null,
      optInWording: '',
    },
    { type: 'donation', id: page?.id ?? 'actblue' },
  );
  let recurringId: string | null = null;
  if (c.recurring) {
    let recurring = await repo.findRecurringByRef(uow.trx, 'actblue', c.orderNumber);
    if (!recurring) {
      await repo.insertRecurring(uow.trx, {
        id: newId(),
        organization_id: organizationId,
        fundraising_page_id: page?.id ?? null,
        person_id: personId,
        checkout_id: null,
        amount_minor: c.lineitems.reduce((sum, l) => sum + l.amountMinor, 0),
        currency: 'USD',
        period: c.recurring,
        processor: 'actblue',
        processor_ref: c.orderNumber,
        status: c.cancelled ? 'canceled' : 'active',
        created_at: uow.now,
        modified_at: uow.now,
        canceled_at: c.cancelled ? uow.now : null,
      });
      recurring = await repo.findRecurringByRef(uow.trx, 'actblue', c.orderNumber);
    } else if (c.cancelled && recurring.status !== 'canceled') {
      await repo.updateRecurring(uow.trx, recurring.id, { status: 'canceled', canceled_at: uow.now, modified_at: uow.now });
    }
    recurringId = recurring?.id ?? null;
  }
  const outcome: ActBlueOutcome = { recorded: 0, refunded: 0, repeated: 0 };
  for (const item of c.lineitems) {
    const existing = await repo.donationByRef(uow.trx, 'actblue', item.id);
    if (existing) {
      if (item.refunded && existing.status !== 'refunded') {
        await repo.updateDonation(uow.trx, existing.id, { status: 'refunded', refunded_minor: existing.amount_minor, modified_at: uow.now });
        outcome.refunded++;
      } else outcome.repeated++;
      continue;
    }
    const donationId = newId();
    const inserted = await repo.insertDonation(uow.trx, {
      id: donationId,
      organization_id: organizationId,
      fundraising_page_id: page?.id ?? null,
      person_id: personId,
      recurring_id: recurringId,
      checkout_id: null,
      amount_minor: item.amountMinor,
      fee_cover_minor: 0,
      refunded_minor: item.refunded ? item.amountMinor : 0,
      currency: 'USD',
      status: item.refunded ? 'refunded' : 'paid',
      processor: 'actblue',
      processor_ref: item.id,
      payment_intent: null,
      source: c.refcodes[0] ?? null,
      referrer: null,
      language: 'en',
      created_at: c.createdAt && !Number.isNaN(Date.parse(c.createdAt)) ? new Date(c.createdAt).toISOString() : uow.now,
      modified_at: uow.now,
    });
    if (inserted) uow.raise('donation', organizationId, donationId);
    if (item.refunded) outcome.refunded++;
    else outcome.recorded++;
  }
  return outcome;
}
