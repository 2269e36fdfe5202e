import type { Context, PersonRecords } from '../context.ts';
import { decimalString, formatMoney } from './money.ts';
import { donationsOfPerson, listPages, recurringOfPerson } from './repository.ts';

/** A person's gifts and monthly gifts: lines on their page in the console, and `donations` in their export. */
export async function donationRecords(ctx: Context, organizationId: string, personId: string): Promise<PersonRecords> {
  const db = ctx.database.db;
  const [gifts, recurring, pages] = await Promise.all([donationsOfPerson(db, organizationId, personId), recurringOfPerson(db, organizationId, personId), listPages(db, organizationId)]);
  const titles = new Map(pages.map((p) => [p.id, p.title]));
  const where = (pageId: string | null) => (pageId && titles.has(pageId) ? ` to “${titles.get(pageId)}”` : '');
  const through = { stripe: ' through Stripe', actblue: ' through ActBlue', offline: ' (recorded offline)', pledge: '' } as const;
  const state = (g: (typeof gifts)[number]) =>
    g.status === 'refunded'
      ? ' (refunded)'
      : g.status === 'disputed'
        ? ' (disputed)'
        : g.status === 'paid' && g.refunded_minor > 0
          ? ` (${formatMoney(g.refunded_minor, g.currency, 'en')} refunded)`
          : '';
  // "Gave $25 as a recurring gift to “Legal fund” through Stripe (refunded)", "Pledged $50 to “Legal fund”".
  const label = (g: (typeof gifts)[number]) =>
    `${g.status === 'pledged' ? 'Pledged' : 'Gave'} ${formatMoney(g.amount_minor, g.currency, 'en')}${g.recurring_id ? ' as a recurring gift' : ''}${where(g.fundraising_page_id)}${through[g.processor]}${state(g)}`;
  return {
    key: 'donations',
    noun: { one: 'donation', other: 'donations' },
    actions: gifts.map((g) => ({
      id: g.id,
      label: label(g),
      comments: null,
      source: g.source,
      referrer: g.referrer,
      confirmed: null,
      created_at: g.created_at,
    })),
    exported: [
      ...gifts.map((g) => ({
        id: g.id,
        fundraising_page: g.fundraising_page_id ? { id: g.fundraising_page_id, title: titles.get(g.fundraising_page_id) ?? null } : null,
        amount: decimalString(g.amount_minor, g.currency),
        currency: g.currency,
        refunded: decimalString(g.refunded_minor, g.currency),
        status: g.status,
        processor: g.processor,
        recurring_id: g.recurring_id,
        source: g.source,
        referrer: g.referrer,
        language: g.language,
        created_at: g.created_at,
      })),
      ...recurring.map((r) => ({
        recurring_id: r.id,
        amount: decimalString(r.amount_minor, r.currency),
        currency: r.currency,
        period: r.period,
        status: r.status,
        processor: r.processor,
        created_at: r.created_at,
        canceled_at: r.canceled_at,
      })),
    ],
  };
}
