import { escapeHtml } from '@kitajs/html';
import { AdminLayout, Pager, type AdminPage } from './layout.tsx';
import { DataTable, type Column } from './table.tsx';

// The shapes the capabilities' console pages share: the list of an organization's actions,
// the page for one that is not there, and the searchable list of the people of one action.

/** A list of actions: its heading, the link to make a new one (for whoever may) and the table. */
export function ListPage<R>(props: { page: AdminPage; title: string; create?: { href: string; label: string }; empty: string; columns: Column<R>[]; rows: readonly R[] }): JSX.Element {
  return (
    <AdminLayout page={props.page} title={props.title}>
      <h1 safe>{props.title}</h1>
      {props.create ? (
        <p>
          <a href={props.create.href} safe>
            {props.create.label}
          </a>
        </p>
      ) : (
        ''
      )}
      <DataTable columns={props.columns} rows={props.rows} empty={props.empty} />
    </AdminLayout>
  );
}

/** An action that is not in this organization (or not at all), with the way to the list. */
export function NotFoundPage(props: { page: AdminPage; title: string; body: string; back: { href: string; label: string } }): JSX.Element {
  return (
    <AdminLayout page={props.page} title={props.title}>
      <h1 safe>{props.title}</h1>
      <p>
        {escapeHtml(props.body) as 'safe'} <a href={props.back.href} safe>{props.back.label}</a>.
      </p>
    </AdminLayout>
  );
}

/** A person as an action's list shows them: their name, email and ZIP, blank once erased. */
export interface ListedPerson {
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  postal_code: string | null;
}

export const fullName = (r: ListedPerson) => [r.given_name, r.family_name].filter(Boolean).join(' ');

/** The first columns of every people list: name, email and ZIP. */
export function personColumns<R extends ListedPerson>(): Column<R>[] {
  return [
    { label: 'Name', text: fullName },
    { label: 'Email', text: (r) => r.email ?? '(erased)' },
    { label: 'ZIP', text: (r) => r.postal_code ?? '' },
  ];
}

/** The address of one page of a people list, with its search: `path?q=…&page=…` then `hash`. */
export function searchLink(path: string, search: string, page: number, hash = ''): string {
  const query = new URLSearchParams();
  if (search) query.set('q', search);
  if (page > 1) query.set('page', String(page));
  const qs = query.toString();
  return `${path}${qs ? `?${qs}` : ''}${hash}`;
}

/** The people of one action: a search by name or email, a line on how many, their table and its pages. */
export function PeopleList<R>(props: {
  action: string;
  search: string;
  status: string;
  columns: Column<R>[];
  rows: readonly R[];
  pager: { label: string; page: number; pages: number; link: (page: number) => string; previous?: string; next?: string };
}): JSX.Element {
  return (
    <>
      <form method="get" action={props.action} class="inline">
        <label for="q">Search by name or email</label>
        <input type="text" id="q" name="q" value={props.search} />
        <button type="submit" class="secondary">
          Search
        </button>
      </form>
      <p role="status" safe>
        {props.status}
      </p>
      <DataTable columns={props.columns} rows={props.rows} empty="" />
      <Pager {...props.pager} />
    </>
  );
}
