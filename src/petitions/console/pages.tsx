import { AdminLayout, CsrfField, ErrorSummary, Input, TextArea, type AdminPage } from '../../kits/console/layout.tsx';
import { ListPage, NotFoundPage, PeopleList, personColumns, searchLink } from '../../kits/console/list-pages.tsx';
import { minute, number } from '../../kits/console/format.ts';
import { currentGoal } from '../goal.ts';
import { petitionTextHtml } from '../../kits/pages/markdown.ts';
import { shareSourceName } from '../../kits/pages/share-links.tsx';
import { SpanishFields } from '../../kits/console/spanish-fields.tsx';

/** What the petition form holds, as typed: kept as it is when the form comes back with errors. */
export interface PetitionForm {
  title: string;
  slug: string;
  description: string;
  petition_text: string;
  targets: string;
  goal: string;
  confirmation_required: boolean;
  status: string;
  closes_at: string;
  /** The Spanish versions ('' for none). */
  title_es: string;
  description_es: string;
  petition_text_es: string;
}

export type PetitionFormErrors = Partial<Record<keyof PetitionForm, string>>;

interface ListedPetition {
  id: string;
  title: string;
  status: 'open' | 'closed';
  signature_count: number;
  goal: number | null;
  created_at: string;
}

interface ShownPetition extends ListedPetition {
  slug: string;
  description: string;
  petition_text: string;
  confirmation_required: number;
  targets: { name: string }[];
  closes_at?: string | null;
}

export interface SignatureRow {
  id: string;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  postal_code: string | null;
  comments: string | null;
  source: string | null;
  created_at: string;
  confirmed_at: string | null;
  invalidated_at?: string | null;
}

const day = (iso: string) => iso.slice(0, 10);

function goalText(p: Pick<ListedPetition, 'goal' | 'signature_count'>): string {
  return p.goal === null ? `automatic (now ${number(currentGoal(p.signature_count, null))})` : number(p.goal);
}

export function PetitionsListPage(props: { page: AdminPage; petitions: ListedPetition[]; canCreate: boolean }): JSX.Element {
  return (
    <ListPage
      page={props.page}
      title="Petitions"
      create={props.canCreate ? { href: '/admin/petitions/new', label: 'New petition' } : undefined}
      empty="No petitions yet."
      rows={props.petitions}
      columns={[
        { label: 'Petition', head: true, text: (p) => p.title, href: (p) => `/admin/petitions/${p.id}` },
        { label: 'Status', text: (p) => (p.status === 'open' ? 'open' : 'closed') },
        { label: 'Signatures', num: true, text: (p) => number(p.signature_count) },
        { label: 'Goal', num: true, text: goalText },
        { label: 'Created (UTC)', text: (p) => day(p.created_at) },
      ]}
    />
  );
}

/** The rendered petition text as supporters see it, from the same renderer as the public page. */
function TextPreview(props: { markdown: string }): JSX.Element {
  const safeHtml = petitionTextHtml(props.markdown);
  return <blockquote class="petition-text">{safeHtml}</blockquote>;
}

export function PetitionFormPage(props: {
  page: AdminPage;
  /** The petition being edited; absent for a new one. */
  petition?: { id: string; title: string; slug: string };
  form: PetitionForm;
  errors: PetitionFormErrors;
  preview: boolean;
}): JSX.Element {
  const { page, petition, form, errors } = props;
  const action = petition ? `/admin/petitions/${petition.id}/edit` : '/admin/petitions/new';
  const heading = petition ? `Edit: ${petition.title}` : 'New petition';
  const wrong = Object.values(errors).some(Boolean);
  return (
    <AdminLayout page={page} title={wrong ? `Error: ${heading}` : heading}>
      {petition ? (
        <p>
          <a href={`/admin/petitions/${petition.id}`}>Back to the petition</a>
        </p>
      ) : (
        <p>
          <a href="/admin/petitions">Back to petitions</a>
        </p>
      )}
      <h1 safe>{heading}</h1>
      <ErrorSummary errors={errors} />
      {props.preview && !wrong ? (
        <section aria-labelledby="preview-heading">
          <h2 id="preview-heading">Preview of the petition text</h2>
          <p class="hint">Nothing is saved until you choose “Save petition”.</p>
          <TextPreview markdown={form.petition_text} />
        </section>
      ) : (
        ''
      )}
      <form method="post" action={action} novalidate>
        <CsrfField token={page.csrf} />
        <Input name="title" label="Title" value={form.title} error={errors.title} hint="Up to 200 characters, shown as the page's heading." required />
        <Input
          name="slug"
          label={petition ? 'Web address' : 'Web address (optional)'}
          value={form.slug}
          error={errors.slug}
          hint={
            petition
              ? `The end of the petition's address, /petitions/${petition.slug}. Changing it breaks links already shared.`
              : 'The end of the petition’s address, like stop-face-surveillance in /petitions/stop-face-surveillance. Leave it empty to make one from the title.'
          }
        />
        <TextArea name="description" label="Description (optional)" value={form.description} error={errors.description} hint="A short introduction shown above the petition text." rows={3} />
        <TextArea
          name="petition_text"
          label="Petition text"
          value={form.petition_text}
          error={errors.petition_text}
          hint="What signers ask for, in Markdown: a blank line between paragraphs, **bold**, *italic*, - lists, [links](https://example.org). HTML is shown as text."
          rows={12}
        />
        <SpanishFields
          fields={[
            { name: 'title_es', label: 'Title', value: form.title_es, error: errors.title_es },
            { name: 'description_es', label: 'Description', value: form.description_es, error: errors.description_es, rows: 3 },
            { name: 'petition_text_es', label: 'Petition text', value: form.petition_text_es, error: errors.petition_text_es, rows: 12 },
          ]}
        />
        <TextArea name="targets" label="Targets (optional)" value={form.targets} error={errors.targets} hint="Who the petition is addressed to, one per line." rows={3} />
        <Input
          name="goal"
          label="Goal (optional)"
          value={form.goal}
          error={errors.goal}
          inputmode="numeric"
          hint="A whole number of signatures, like 1000. Leave it empty and the goal grows with the count."
        />
        <div class="checkbox">
          <input type="checkbox" id="confirmation_required" name="confirmation_required" value="yes" checked={form.confirmation_required} />
          <label for="confirmation_required">Ask signers to confirm their email address before their signature counts</label>
        </div>
        <div class={errors.status ? 'field has-error' : 'field'}>
          <fieldset aria-describedby={errors.status ? 'status-error' : undefined}>
            <legend>Status</legend>
            {errors.status ? (
              <span class="error-message" id="status-error" safe>
                {errors.status}
              </span>
            ) : (
              ''
            )}
            <div class="checkbox">
              <input type="radio" id="status" name="status" value="open" checked={form.status === 'open'} />
              <label for="status">Open: people can sign</label>
            </div>
            <div class="checkbox">
              <input type="radio" id="status-closed" name="status" value="closed" checked={form.status === 'closed'} />
              <label for="status-closed">Closed: the page shows the petition and its count, without the form</label>
            </div>
          </fieldset>
        </div>
        <Input
          name="closes_at"
          label="Closes by itself at (optional)"
          value={form.closes_at}
          error={errors.closes_at}
          hint="A day, like 2026-06-30 (closing at the end of that day), or a day and a time in UTC, like 2026-06-30T17:00. The page then says it is closed, without the form. Leave it empty to close it yourself."
        />
        <button type="submit" name="intent" value="save">
          Save petition
        </button>{' '}
        <button type="submit" name="intent" value="preview" class="secondary">
          Preview the text
        </button>
      </form>
    </AdminLayout>
  );
}

export function PetitionDetailPage(props: {
  page: AdminPage;
  petition: ShownPetition;
  pending: number;
  can: { manage: boolean; export: boolean; seePeople: boolean };
  /** Present only for roles that may see people. */
  signatures?: { rows: SignatureRow[]; search: string; page: number; pages: number; matching: number };
  /** Counted signatures by `?source=` code, most first. */
  sources?: { source: string | null; n: number }[];
}): JSX.Element {
  const { page, petition: p, can } = props;
  const publicPath = `/petitions/${p.slug}`;
  return (
    <AdminLayout page={page} title={p.title}>
      <p>
        <a href="/admin/petitions">Back to petitions</a>
      </p>
      <h1 safe>{p.title}</h1>
      <dl class="facts">
        <dt>Status</dt>
        <dd>{p.status === 'open' ? 'open' : 'closed'}</dd>
        <dt>Signatures</dt>
        <dd id="count" safe>
          {number(p.signature_count)}
        </dd>
        {p.confirmation_required || props.pending > 0 ? (
          <>
            <dt>Awaiting email confirmation</dt>
            <dd safe>{number(props.pending)}</dd>
          </>
        ) : (
          ''
        )}
        <dt>Goal</dt>
        <dd safe>{goalText(p)}</dd>
        {p.closes_at ? (
          <>
            <dt>Closes by itself (UTC)</dt>
            <dd safe>{minute(p.closes_at)}</dd>
          </>
        ) : (
          ''
        )}
        <dt>Created (UTC)</dt>
        <dd safe>{day(p.created_at)}</dd>
        <dt>Public page</dt>
        <dd>
          <a href={publicPath} safe>
            {publicPath}
          </a>
        </dd>
        <dt>Count as JSON</dt>
        <dd>
          <a href={`${publicPath}.json`} safe>
            {`${publicPath}.json`}
          </a>
        </dd>
      </dl>
      {can.manage ? (
        <div class="actions">
          <a href={`/admin/petitions/${p.id}/edit`}>Edit the petition</a>{' '}
          <a href={`/admin/petitions/${p.id}/charts`}>Charts</a>{' '}
          <a href={`/admin/petitions/${p.id}/partners`}>Partners</a>{' '}
          <a href={`/admin/petitions/${p.id}/abuse`}>Abuse: challenge and invalidation</a>{' '}
          <a href={`/admin/petitions/${p.id}/delivery`}>Delivery to the target</a>{' '}
          <form method="post" action={`/admin/petitions/${p.id}/${p.status === 'open' ? 'close' : 'open'}`} class="inline">
            <CsrfField token={page.csrf} />
            <button type="submit" class="secondary">
              {p.status === 'open' ? 'Close the petition' : 'Open the petition'}
            </button>
          </form>
        </div>
      ) : (
        ''
      )}
      {can.export ? (
        <p>
          <a href={`/admin/petitions/${p.id}/signatures.csv`}>
            Download the signatures (CSV)
          </a>
        </p>
      ) : (
        ''
      )}
      <h2>Petition text</h2>
      {p.targets.length > 0 ? <p safe>{`To: ${p.targets.map((t) => t.name).join(', ')}`}</p> : ''}
      {p.description ? <p class="lede" safe>{p.description}</p> : ''}
      <TextPreview markdown={p.petition_text} />
      {props.sources && props.sources.length > 0 ? <SourceTable sources={props.sources} /> : ''}
      {props.signatures ? <SignatureTable petitionId={p.id} {...props.signatures} /> : ''}
    </AdminLayout>
  );
}

/** Where signers came from: share links by network ("Shared on WhatsApp"), other codes as typed. */
function SourceTable(props: { sources: { source: string | null; n: number }[] }): JSX.Element {
  return (
    <section aria-labelledby="by-source">
      <h2 id="by-source">By source</h2>
      <table>
        <caption>Counted signatures by the ?source= code of the link signers came from; share links name their network</caption>
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col" class="num">
              Signatures
            </th>
          </tr>
        </thead>
        <tbody>
          {props.sources.map((s) => (
            <tr>
              <td>
                <span safe>{shareSourceName(s.source) ?? s.source ?? '(none)'}</span>
                {s.source && shareSourceName(s.source) ? (
                  <>
                    {' '}
                    <code safe>{s.source}</code>
                  </>
                ) : (
                  ''
                )}
              </td>
              <td class="num" safe>
                {number(Number(s.n))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function SignatureTable(props: { petitionId: string; rows: SignatureRow[]; search: string; page: number; pages: number; matching: number }): JSX.Element {
  const link = (page: number) => searchLink(`/admin/petitions/${props.petitionId}`, props.search, page, '#signatures');
  return (
    <section aria-labelledby="signatures">
      <h2 id="signatures">Signatures</h2>
      <PeopleList
        action={`/admin/petitions/${props.petitionId}#signatures`}
        search={props.search}
        status={
          props.search
            ? `${number(props.matching)} ${props.matching === 1 ? 'signature matches' : 'signatures match'} “${props.search}”.`
            : `${number(props.matching)} ${props.matching === 1 ? 'signature' : 'signatures'}, newest first.`
        }
        rows={props.rows}
        columns={[
          ...personColumns<SignatureRow>(),
          { label: 'Comment', text: (r) => r.comments ?? '' },
          { label: 'Source', text: (r) => r.source ?? '' },
          { label: 'Signed (UTC)', text: (r) => minute(r.created_at) },
          { label: 'Confirmed', text: (r) => (r.invalidated_at ? 'invalidated' : r.confirmed_at ? 'yes' : 'not yet') },
        ]}
        pager={{ label: 'Pages of signatures', page: props.page, pages: props.pages, link, previous: 'Newer', next: 'Older' }}
      />
    </section>
  );
}

export function PetitionNotFoundPage(props: { page: AdminPage }): JSX.Element {
  return NotFoundPage({
    page: props.page,
    title: 'Petition not found',
    body: 'There is no such petition in this organization.',
    back: { href: '/admin/petitions', label: 'Go to the list of petitions' },
  });
}
