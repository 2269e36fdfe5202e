import type * as queries from '../console-queries.ts';
import type { Person } from '../../db/schema.ts';
import type { PersonAction, PersonRecords } from '../../context.ts';
import { AdminLayout, CsrfField, ErrorSummary, Input, type AdminPage } from '../../kits/console/layout.tsx';

export const PEOPLE_PER_PAGE = 50;

type ListRow = Awaited<ReturnType<typeof queries.searchPeople>>[number];
type PersonTag = Awaited<ReturnType<typeof queries.tagsOfPerson>>[number];
type PersonConsent = Awaited<ReturnType<typeof queries.consentsOfPerson>>[number] & { action_title: string | null; action_noun: string };


/** An erased person keeps their row (so their signatures stay counted) but no email or name. */
export function isErased(p: Pick<Person, 'email'>): boolean {
  return p.email === null;
}

export function displayName(p: Pick<Person, 'email' | 'given_name' | 'family_name'>): string {
  if (isErased(p)) return 'Erased person';
  return [p.given_name, p.family_name].filter(Boolean).join(' ') || p.email || 'No name';
}

/** `2026-11-28T12:59:53.123Z` → `2026-11-28 12:59 UTC`. */
export function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '';
}

function pageLink(search: { q: string; tag: string }, page: number): string {
  const params = new URLSearchParams();
  if (search.q) params.set('q', search.q);
  if (search.tag) params.set('tag', search.tag);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `/admin/people?${query}` : '/admin/people';
}

export function PeopleListPage(props: {
  page: AdminPage;
  rows: ListRow[];
  total: number;
  pageNumber: number;
  search: { q: string; tag: string };
  tagNames: string[];
}): JSX.Element {
  const { rows, total, pageNumber, search } = props;
  const first = (pageNumber - 1) * PEOPLE_PER_PAGE + 1;
  const last = first + rows.length - 1;
  const searching = Boolean(search.q || search.tag);
  const lastPage = Math.max(1, Math.ceil(total / PEOPLE_PER_PAGE));
  return (
    <AdminLayout page={props.page} title="People">
      <h1>People</h1>
      <form method="get" action="/admin/people" role="search" aria-label="People">
        <Input name="q" label="Name, email or ZIP" type="search" value={search.q} hint="Several words must all match, like: ana 94110" />
        <div class="field">
          <label for="tag">Tag</label>
          <input type="text" id="tag" name="tag" value={search.tag} list="tag-names" />
          <datalist id="tag-names">
            {props.tagNames.map((name) => (
              <option value={name} />
            ))}
          </datalist>
        </div>
        <button type="submit">Search</button> {searching ? <a href="/admin/people">Show everyone</a> : ''}
      </form>
      <p role="status" safe>
        {total === 0
          ? searching
            ? 'No one matches this search.'
            : 'No one is on the list yet.'
          : `${first}–${last} of ${total} ${total === 1 ? 'person' : 'people'}${searching ? ' matching' : ''}, newest first`}
      </p>
      {rows.length === 0 ? (
        ''
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">ZIP or postal code</th>
              <th scope="col">Email list</th>
              <th scope="col">Since (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr>
                <th scope="row">
                  <a href={`/admin/people/${p.id}`} safe>
                    {displayName(p)}
                  </a>
                </th>
                <td safe>{p.email ?? ''}</td>
                <td safe>{p.postal_code ?? ''}</td>
                <td>{p.email_status}</td>
                <td safe>{p.created_at.slice(0, 10)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {lastPage > 1 ? (
        <nav aria-label="Pages" class="pager">
          {pageNumber > 1 ? <a href={pageLink(search, pageNumber - 1)} rel="prev">Previous page</a> : ''}{' '}
          <span safe>{`Page ${pageNumber} of ${lastPage}`}</span>{' '}
          {pageNumber < lastPage ? <a href={pageLink(search, pageNumber + 1)} rel="next">Next page</a> : ''}
        </nav>
      ) : (
        ''
      )}
    </AdminLayout>
  );
}

export interface PersonView {
  person: Person;
  tags: PersonTag[];
  consents: PersonConsent[];
  actions: PersonAction[];
  /** Each capability's records of the person, for the export. */
  records: PersonRecords[];
}

function Field(props: { label: string; value: string | null }): JSX.Element {
  return (
    <>
      <dt safe>{props.label}</dt>
      <dd safe>{props.value || '—'}</dd>
    </>
  );
}

/** Where a consent was given: "Form “Volunteer”", "Through the API (token “cli”)", "A petition since deleted". */
function consentSource(c: PersonConsent): string {
  if (c.action_type === 'person_signup' || c.action_type === 'person_update') return c.action_title ? `Through the API (token “${c.action_title}”)` : 'Through the API (with a token since deleted)';
  const noun = c.action_noun;
  if (c.action_title) return `${noun.charAt(0).toUpperCase()}${noun.slice(1)} “${c.action_title}”`;
  return c.action_id ? `${/^[aeiou]/i.test(noun) ? 'An' : 'A'} ${noun} since deleted` : noun;
}

export function PersonPage(props: {
  page: AdminPage;
  view: PersonView;
  can: { export: boolean; erase: boolean };
  tagError?: string;
  tagValue?: string;
  status?: number;
}): JSX.Element {
  const { person, tags, consents, actions } = props.view;
  const erased = isErased(person);
  const base = `/admin/people/${person.id}`;
  const name = displayName(person);
  return (
    <AdminLayout page={props.page} title={name}>
      <p>
        <a href="/admin/people">All people</a>
      </p>
      <h1 safe>{name}</h1>
      {erased ? (
        <p class="notice">
          This person was erased: their email, name and address are gone, as are their tags and consents. Their signatures are kept without comments, so
          every count stays the same.
        </p>
      ) : (
        ''
      )}
      <dl class="person">
        <Field label="Email" value={person.email} />
        <Field label="First name" value={person.given_name} />
        <Field label="Last name" value={person.family_name} />
        <Field label="ZIP or postal code" value={person.postal_code} />
        <Field label="Country" value={person.country} />
        <Field label="Language" value={person.language} />
        <Field label="Email list" value={person.email_status} />
        <Field label="On the list since" value={when(person.created_at)} />
        <Field label="Last changed" value={when(person.modified_at)} />
      </dl>

      <h2>Tags</h2>
      {tags.length === 0 ? (
        <p>No tags.</p>
      ) : (
        <ul class="tags">
          {tags.map((t) => (
            <li>
              <span safe>{t.name}</span>{' '}
              <form method="post" action={`${base}/tags/remove`} class="inline">
                <CsrfField token={props.page.csrf} />
                <input type="hidden" name="tag" value={t.name} />
                <button type="submit" class="secondary" aria-label={`Remove the tag ${t.name}`}>
                  Remove
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      {erased ? (
        ''
      ) : (
        <form method="post" action={`${base}/tags`}>
          <ErrorSummary errors={{ tag: props.tagError }} />
          <CsrfField token={props.page.csrf} />
          <Input name="tag" label="Add a tag" value={props.tagValue} error={props.tagError} hint="A new name creates the tag" />
          <button type="submit" class="secondary">
            Add tag
          </button>
        </form>
      )}

      <h2>Consents</h2>
      {consents.length === 0 ? (
        <p>{erased ? 'None kept.' : 'None recorded.'}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Where</th>
              <th scope="col">Agreed</th>
              <th scope="col">What they were asked</th>
            </tr>
          </thead>
          <tbody>
            {consents.map((c) => (
              <tr>
                <td safe>{when(c.created_at)}</td>
                <td safe>{consentSource(c)}</td>
                <td>{c.given === 1 ? 'yes' : 'no (left unticked)'}</td>
                <td safe>{c.wording}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Actions</h2>
      {actions.length === 0 ? (
        <p>No actions in this organization.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Comment</th>
              <th scope="col">Source</th>
              <th scope="col">Came from</th>
              <th scope="col">Confirmed</th>
            </tr>
          </thead>
          <tbody>
            {actions.map((a) => (
              <tr>
                <td safe>{when(a.created_at)}</td>
                <td safe>{a.label}</td>
                <td safe>{a.comments ?? ''}</td>
                <td safe>{a.source ?? ''}</td>
                <td safe>{a.referrer ?? ''}</td>
                <td>{a.confirmed === null ? '' : a.confirmed ? 'yes' : 'not yet'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {props.can.export || (props.can.erase && !erased) ? <h2>Their data</h2> : ''}
      {props.can.export ? (
        <p>
          <a href={`${base}/export.json`} download="">
            Download everything stored about this person (JSON)
          </a>
        </p>
      ) : (
        ''
      )}
      {props.can.erase && !erased ? (
        <p>
          <a href={`${base}/erase`}>Erase this person…</a>
        </p>
      ) : (
        ''
      )}
    </AdminLayout>
  );
}

/** How many records of each kind stay after erasure: "3 signatures, 1 attendance". */
/** "2 petition signatures and 1 form submission", the records without any left out; "" when there are none. */
/** What stays of an erased person's actions, in a sentence. */
function keptSentence(kept: Parameters<typeof keptText>[0]): string {
  const what = keptText(kept);
  return what
    ? `What they did stays (${what}), with no name on it, so every count stays the same. If they act again with the same email, they are a new person.`
    : 'They have done nothing else that is kept. If they act again with the same email, they are a new person.';
}

function keptText(kept: { noun: { one: string; other: string }; n: number }[]): string {
  const parts = kept.filter((k) => k.n > 0).map(({ noun, n }) => `${n} ${n === 1 ? noun.one : noun.other}`);
  return new Intl.ListFormat('en', { type: 'conjunction' }).format(parts);
}

export function ErasePage(props: { page: AdminPage; person: Person; kept: { noun: { one: string; other: string }; n: number }[] }): JSX.Element {
  const name = displayName(props.person);
  const base = `/admin/people/${props.person.id}`;
  return (
    <AdminLayout page={props.page} title={`Erase ${name}`}>
      <h1 safe>{`Erase ${name}?`}</h1>
      <p>This cannot be undone. Erasing:</p>
      <ul>
        <li>removes their email address, names, ZIP or postal code, country and language;</li>
        <li>removes their tags, their custom fields (answers to forms) and the record of what they consented to;</li>
        <li>removes what they wrote or brought with their actions: comments, phone numbers, source codes and referring sites.</li>
      </ul>
      <p safe>{keptSentence(props.kept)}</p>
      <form method="post" action={`${base}/erase`}>
        <CsrfField token={props.page.csrf} />
        <button type="submit" class="danger">
          Erase this person
        </button>{' '}
        <a href={base}>Cancel</a>
      </form>
    </AdminLayout>
  );
}

export function PersonNotFoundPage(props: { page: AdminPage }): JSX.Element {
  return (
    <AdminLayout page={props.page} title="No such person">
      <h1>No such person</h1>
      <p>
        This organization has no one with that link. <a href="/admin/people">Search the list of people</a>.
      </p>
    </AdminLayout>
  );
}
