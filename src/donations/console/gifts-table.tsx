import { AdminLayout, Pager, type AdminPage } from '../../kits/console/layout.tsx';
import { fullName } from '../../kits/console/list-pages.tsx';
import { DataTable, type Column } from '../../kits/console/table.tsx';
import { minute, number } from '../../kits/console/format.ts';
import type { GiftFilter } from '../gifts-repository.ts';
import type { Donation } from '../tables.ts';
import { money, PROCESSOR_NAMES } from './pages.tsx';

// The searchable, filtered, paged table of gifts: one fundraising page's, or all of the
// organization's (with a filter by page). The filters are links and a GET form, no script.

/** The filters as typed in the address, echoed back into the form and the links. */
export interface GiftQuery {
  q: string;
  status: string;
  processor: string;
  source: string;
  recurrence: string;
  /** A fundraising page's id, on the list of all gifts. */
  fundraiser: string;
}

export interface GiftRow {
  id: string;
  fundraising_page_id: string | null;
  amount_minor: number;
  fee_cover_minor: number;
  refunded_minor: number;
  currency: string;
  status: Donation['status'];
  processor: Donation['processor'];
  source: string | null;
  recurring_id: string | null;
  created_at: string;
  person_id: string;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  postal_code: string | null;
  page_title: string | null;
  period: string | null;
}

export interface GiftList {
  rows: GiftRow[];
  query: GiftQuery;
  filter: GiftFilter;
  page: number;
  pages: number;
  count: number;
  sums: { currency: string; n: number; received_minor: number; refunded_minor: number; pledged_minor: number }[];
}

export const STATUSES: Donation['status'][] = ['paid', 'refunded', 'disputed', 'pledged'];
export const SOURCES: Donation['processor'][] = ['stripe', 'actblue', 'offline', 'pledge'];

/** `path?…` with the filters and the page number; `hash` last. */
export function giftLink(path: string, query: GiftQuery, page = 1, hash = ''): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  if (page > 1) params.set('page', String(page));
  const qs = params.toString();
  return `${path}${qs ? `?${qs}` : ''}${hash}`;
}

/** What the table says about a gift's state: a refund or a dispute is spelled out. */
export function giftState(g: Pick<GiftRow, 'status' | 'refunded_minor' | 'amount_minor' | 'currency'>): string {
  if (g.status === 'paid' && g.refunded_minor > 0) return `paid, ${money(g.refunded_minor, g.currency)} refunded`;
  if (g.status === 'disputed') return 'disputed (not counted)';
  if (g.status === 'refunded') return g.refunded_minor > 0 && g.refunded_minor < g.amount_minor ? `refunded (${money(g.refunded_minor, g.currency)})` : 'refunded';
  return g.status;
}

function Select(props: { name: string; label: string; value: string; options: { value: string; label: string }[] }): JSX.Element {
  return (
    <span class="filter">
      <label for={props.name} safe>
        {props.label}
      </label>{' '}
      <select id={props.name} name={props.name}>
        <option value="">All</option>
        {props.options.map((o) => (
          <option value={o.value} selected={props.value === o.value} safe>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
}

function FilterForm(props: { action: string; query: GiftQuery; fundraisers?: { id: string; title: string }[] }): JSX.Element {
  const { query } = props;
  return (
    <form method="get" action={props.action} class="filters">
      <span class="filter">
        <label for="q">Donor’s name or email</label> <input type="text" id="q" name="q" value={query.q} />
      </span>{' '}
      {props.fundraisers ? (
        <>
          <Select name="fundraiser" label="Fundraising page" value={query.fundraiser} options={props.fundraisers.map((f) => ({ value: f.id, label: f.title }))} />{' '}
        </>
      ) : (
        ''
      )}
      <Select name="status" label="Status" value={query.status} options={STATUSES.map((s) => ({ value: s, label: s }))} />{' '}
      <Select name="processor" label="Paid through" value={query.processor} options={SOURCES.map((s) => ({ value: s, label: PROCESSOR_NAMES[s] }))} />{' '}
      <Select
        name="recurrence"
        label="Recurrence"
        value={query.recurrence}
        options={[
          { value: 'recurring', label: 'recurring' },
          { value: 'one-time', label: 'one-time' },
        ]}
      />{' '}
      <span class="filter">
        <label for="source">Source code</label> <input type="text" id="source" name="source" value={query.source} />
      </span>{' '}
      <button type="submit" class="secondary">
        Show
      </button>
    </form>
  );
}

const pageColumn: Column<GiftRow> = {
  label: 'Fundraising page',
  cell: (r) =>
    r.fundraising_page_id && r.page_title !== null ? (
      <a href={`/admin/fundraising/${r.fundraising_page_id}`} safe>
        {r.page_title}
      </a>
    ) : (
      <span>none</span>
    ),
};

function sumsText(list: GiftList): string {
  const what = `${number(list.count)} ${list.count === 1 ? 'gift' : 'gifts'}`;
  const amounts = list.sums
    .map((s) =>
      [
        `${money(s.received_minor, s.currency)} received`,
        s.refunded_minor > 0 ? `${money(s.refunded_minor, s.currency)} refunded` : '',
        s.pledged_minor > 0 ? `${money(s.pledged_minor, s.currency)} pledged` : '',
      ]
        .filter(Boolean)
        .join(', '),
    )
    .join('; ');
  return `${what}${amounts ? `: ${amounts}` : ''}. Newest first.`;
}

/** The filters, a line on what matches, the table and its pages. */
export function GiftsSection(props: { path: string; list: GiftList; exportHref?: string; fundraisers?: { id: string; title: string }[]; showPage: boolean }): JSX.Element {
  const { list, path } = props;
  const link = (page: number) => giftLink(path, list.query, page, '#gifts');
  return (
    <section aria-labelledby="gifts">
      <h2 id="gifts">Gifts</h2>
      <FilterForm action={`${path}#gifts`} query={list.query} fundraisers={props.fundraisers} />
      <p role="status" safe>
        {sumsText(list)}
      </p>
      {props.exportHref ? (
        <p>
          <a href={props.exportHref}>Download these gifts (CSV)</a>
        </p>
      ) : (
        ''
      )}
      <DataTable
        rows={list.rows}
        empty=""
        columns={[
          { label: 'Donor', head: true, text: (r) => fullName(r) || r.email || '(erased)', href: (r) => `/admin/people/${r.person_id}` },
          { label: 'Email', text: (r) => r.email ?? '(erased)' },
          ...(props.showPage ? [pageColumn] : []),
          { label: 'Amount', num: true, text: (r) => money(r.amount_minor, r.currency) },
          { label: 'Status', text: giftState },
          { label: 'Paid through', text: (r) => PROCESSOR_NAMES[r.processor] },
          { label: 'Recurrence', text: (r) => (r.recurring_id ? (r.period ?? 'recurring') : 'one-time') },
          { label: 'Source', text: (r) => r.source ?? '' },
          { label: 'When (UTC)', text: (r) => minute(r.created_at) },
        ]}
      />
      <Pager label="Pages of gifts" page={list.page} pages={list.pages} link={link} previous="Newer" next="Older" />
    </section>
  );
}

/** `/admin/fundraising/donations`: every gift of the organization. */
export function AllGiftsPage(props: { page: AdminPage; list: GiftList; fundraisers: { id: string; title: string }[]; canExport: boolean }): JSX.Element {
  const path = '/admin/fundraising/donations';
  return (
    <AdminLayout page={props.page} title="All gifts">
      <p>
        <a href="/admin/fundraising">Back to fundraising</a>
      </p>
      <h1>All gifts</h1>
      <GiftsSection
        path={path}
        list={props.list}
        fundraisers={props.fundraisers}
        showPage
        exportHref={props.canExport ? giftLink('/admin/fundraising/donations.csv', props.list.query) : undefined}
      />
    </AdminLayout>
  );
}
