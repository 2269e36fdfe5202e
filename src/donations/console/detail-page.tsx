import type { AdminPage } from '../../kits/console/layout.tsx';
import { ActionPage, Fact } from '../../kits/console/page.tsx';
import { fullName } from '../../kits/console/list-pages.tsx';
import { DataTable } from '../../kits/console/table.tsx';
import { minute, number } from '../../kits/console/format.ts';
import type { PageTotals } from '../repository.ts';
import type { FundraisingPage } from '../tables.ts';
import { giftLink, GiftsSection, type GiftList, type GiftQuery } from './gifts-table.tsx';
import { money, PROCESSOR_NAMES } from './pages.tsx';

// One fundraising page in the console: its totals, where its gifts came from and when, its
// recurring gifts and (for roles that see people) its gifts.

export interface Summary {
  source?: string | null;
  day?: string;
  gifts: number;
  received_minor: number;
  refunded_minor: number;
  pledged_minor: number;
}

export interface RecurringRow {
  id: string;
  amount_minor: number;
  currency: string;
  period: string;
  processor: string;
  status: 'active' | 'past_due' | 'canceled';
  failed_payments: number;
  created_at: string;
  canceled_at: string | null;
  person_id: string;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  postal_code: string | null;
}

const RECURRING_STATUS = { active: 'active', past_due: 'past due', canceled: 'canceled' } as const;

export function FundraiserDetailPage(props: {
  page: AdminPage;
  fundraiser: FundraisingPage;
  totals: PageTotals;
  refunds: { refunded_minor: number; refunds: number; disputed_minor: number; disputes: number };
  bySource: Summary[];
  byDay: Summary[];
  recurring: { counts: Record<string, number>; rows?: RecurringRow[] };
  can: { manage: boolean; export: boolean; seePeople: boolean };
  stripeReady: boolean;
  /** Present only for roles that may see people. */
  gifts?: GiftList;
}): JSX.Element {
  const { page, fundraiser: f, totals: t, refunds: r, can } = props;
  const m = (minor: number) => money(minor, f.currency);
  const path = `/admin/fundraising/${f.id}`;
  const publicPath = `/fundraising/${f.slug}`;
  const noFilter: GiftQuery = { q: '', status: '', processor: '', source: '', recurrence: '', fundraiser: '' };
  const sourceLink = (source: string | null | undefined) => (source && can.seePeople ? giftLink(path, { ...noFilter, source }, 1, '#gifts') : '');
  const summaryColumns = [
    { label: 'Gifts', num: true, text: (s: Summary) => number(s.gifts) },
    { label: 'Received', num: true, text: (s: Summary) => m(s.received_minor) },
    { label: 'Refunded', num: true, text: (s: Summary) => (s.refunded_minor > 0 ? m(s.refunded_minor) : '') },
    ...(f.processor === 'pledge' || props.totals.pledged_minor > 0 ? [{ label: 'Pledged', num: true, text: (s: Summary) => m(s.pledged_minor) }] : []),
  ];
  const activeCount = props.recurring.counts.active ?? 0;
  const pastDue = props.recurring.counts.past_due ?? 0;
  const canceled = props.recurring.counts.canceled ?? 0;
  // A page of pledges takes no recurring gifts; one that took some before a change still lists them.
  const hasRecurring = f.processor !== 'pledge' || activeCount + pastDue + canceled > 0;
  const filtered = props.gifts ? Object.values(props.gifts.query).some(Boolean) : false;
  return (
    <ActionPage
      page={page}
      title={f.title}
      back={{ href: '/admin/fundraising', label: 'Back to fundraising' }}
      notice={
        f.processor === 'stripe' && !props.stripeReady ? (
          <p class="notice">Stripe is not set up on this server (STRIPE_SECRET_KEY is not set): this page shows supporters “Online giving is not set up yet”.</p>
        ) : (
          ''
        )
      }
      facts={[
        <Fact label="Status" value={f.status === 'open' && f.closes_at && f.closes_at <= new Date().toISOString() ? 'closed (its closing time has passed)' : f.status} />,
        f.closes_at ? <Fact label="Closes by itself (UTC)" value={`${f.closes_at.slice(0, 10)} ${f.closes_at.slice(11, 16)}`} /> : '',
        <Fact label="Takes gifts through" value={f.processor === 'actblue' ? `ActBlue (form ${f.actblue_form ?? ''}${f.actblue_refcode ? `, refcode ${f.actblue_refcode}` : ''})` : PROCESSOR_NAMES[f.processor]} />,
        <Fact label="Received" id="received" value={m(t.received_minor)} />,
        <Fact label="Goal" value={f.goal_minor === null ? 'none' : m(f.goal_minor)} />,
        <Fact label="Donors" value={number(t.donors)} />,
        <Fact label="Paid gifts" value={number(t.donations)} />,
        <Fact label="Refunded" value={r.refunds > 0 ? `${m(r.refunded_minor)} (${number(r.refunds)} ${r.refunds === 1 ? 'gift' : 'gifts'})` : 'nothing'} />,
        r.disputes > 0 ? <Fact label="Disputed (not counted)" value={`${m(r.disputed_minor)} (${number(r.disputes)} ${r.disputes === 1 ? 'gift' : 'gifts'})`} /> : '',
        f.processor === 'pledge' || t.pledged_minor > 0 ? <Fact label="Pledged (promises, not counted)" value={`${m(t.pledged_minor)} by ${number(t.pledgers)} ${t.pledgers === 1 ? 'person' : 'people'}`} /> : '',
        hasRecurring ? <Fact label="Recurring gifts" value={`${number(activeCount)} active, ${number(pastDue)} past due, ${number(canceled)} canceled`} /> : '',
        <Fact label="Created (UTC)" value={f.created_at.slice(0, 10)} />,
        <Fact label="Public page" link={publicPath} />,
      ]}
    >
      {can.manage || can.export ? (
        <div class="actions">
          {can.manage ? (
            <>
              <a href={`${path}/edit`}>Edit the fundraising page</a> <a href={`/admin/fundraising/${f.id}/partners`}>Partners</a>{' '}
            </>
          ) : (
            ''
          )}
          {can.export ? <a href={`${path}/donations.csv`}>Download all its gifts (CSV)</a> : ''}
        </div>
      ) : (
        ''
      )}
      <section aria-labelledby="by-source">
        <h2 id="by-source">By source code</h2>
        <DataTable
          caption="Gifts by the ?source= code of the link donors came from"
          empty="No gifts yet."
          rows={props.bySource}
          columns={[
            {
              label: 'Source',
              head: true,
              cell: (s) => {
                const href = sourceLink(s.source);
                return href ? (
                  <a href={href} safe>
                    {s.source ?? ''}
                  </a>
                ) : (
                  <span safe>{s.source ?? '(none)'}</span>
                );
              },
            },
            ...summaryColumns,
          ]}
        />
      </section>
      <section aria-labelledby="by-day">
        <h2 id="by-day">By day</h2>
        <DataTable caption="Gifts by day (UTC), the last 60 days with gifts, newest first" empty="No gifts yet." rows={props.byDay} columns={[{ label: 'Day (UTC)', head: true, text: (s) => s.day ?? '' }, ...summaryColumns]} />
      </section>
      {props.recurring.rows && hasRecurring ? (
        <section aria-labelledby="recurring">
          <h2 id="recurring">Recurring gifts</h2>
          <DataTable
            empty="No recurring gifts."
            rows={props.recurring.rows}
            columns={[
              { label: 'Donor', head: true, text: (g) => fullName(g) || g.email || '(erased)', href: (g) => `/admin/people/${g.person_id}` },
              { label: 'Amount', num: true, text: (g) => `${money(g.amount_minor, g.currency)} ${g.period}` },
              { label: 'Status', text: (g) => `${RECURRING_STATUS[g.status]}${g.status === 'past_due' && g.failed_payments > 0 ? ` (${g.failed_payments} failed)` : ''}` },
              { label: 'Through', text: (g) => (g.processor === 'actblue' ? 'ActBlue' : 'Stripe') },
              { label: 'Started (UTC)', text: (g) => minute(g.created_at) },
              { label: 'Canceled (UTC)', text: (g) => (g.canceled_at ? minute(g.canceled_at) : '') },
            ]}
          />
        </section>
      ) : (
        ''
      )}
      {props.gifts ? <GiftsSection path={path} list={props.gifts} showPage={false} exportHref={can.export && filtered ? giftLink(`${path}/donations.csv`, props.gifts.query) : undefined} /> : ''}
    </ActionPage>
  );
}
