import { AdminLayout, CsrfField, ErrorSummary, Input, Pager, TextArea, type AdminPage } from '../../kits/console/layout.tsx';
import { currentGoal } from '../goal.ts';
import { petitionTextHtml } from '../../kits/pages/markdown.ts';

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
}

const day = (iso: string) => iso.slice(0, 10);
const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');
const number = (n: number) => n.toLocaleString('en-US');

function goalText(p: Pick<ListedPetition, 'goal' | 'signature_count'>): string {
  return p.goal === null ? `automatic (now ${number(currentGoal(p.signature_count, null))})` : number(p.goal);
}

export function PetitionsListPage(props: { page: AdminPage; petitions: ListedPetition[]; canCreate: boolean }): JSX.Element {
  return (
    <AdminLayout page={props.page} title="Petitions">
      <h1>Petitions</h1>
      {props.canCreate ? (
        <p>
          <a href="/admin/petitions/new">New petition</a>
        </p>
      ) : (
        ''
      )}
      {props.petitions.length === 0 ? (
        <p>No petitions yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Petition</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Signatures
              </th>
              <th scope="col" class="num">
                Goal
              </th>
              <th scope="col">Created (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {props.petitions.map((p) => (
              <tr>
                <th scope="row">
                  <a href={`/admin/petitions/${p.id}`} safe>
                    {p.title}
                  </a>
                </th>
                <td>{p.status === 'open' ? 'open' : 'closed'}</td>
                <td class="num" safe>
                  {number(p.signature_count)}
                </td>
                <td class="num" safe>
                  {goalText(p)}
                </td>
                <td safe>{day(p.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminLayout>
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
          <a href={`/admin/petitions/${p.id}/partners`}>Partners</a>{' '}
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
      {props.signatures ? <SignatureTable petitionId={p.id} {...props.signatures} /> : ''}
    </AdminLayout>
  );
}

function SignatureTable(props: { petitionId: string; rows: SignatureRow[]; search: string; page: number; pages: number; matching: number }): JSX.Element {
  const link = (page: number) => {
    const query = new URLSearchParams();
    if (props.search) query.set('q', props.search);
    if (page > 1) query.set('page', String(page));
    const qs = query.toString();
    return `/admin/petitions/${props.petitionId}${qs ? `?${qs}` : ''}#signatures`;
  };
  const name = (r: SignatureRow) => [r.given_name, r.family_name].filter(Boolean).join(' ');
  return (
    <section aria-labelledby="signatures">
      <h2 id="signatures">Signatures</h2>
      <form method="get" action={`/admin/petitions/${props.petitionId}#signatures`} class="inline">
        <label for="q">Search by name or email</label>
        <input type="text" id="q" name="q" value={props.search} />
        <button type="submit" class="secondary">
          Search
        </button>
      </form>
      <p role="status" safe>
        {props.search
          ? `${number(props.matching)} ${props.matching === 1 ? 'signature matches' : 'signatures match'} “${props.search}”.`
          : `${number(props.matching)} ${props.matching === 1 ? 'signature' : 'signatures'}, newest first.`}
      </p>
      {props.rows.length === 0 ? (
        ''
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">ZIP</th>
              <th scope="col">Comment</th>
              <th scope="col">Source</th>
              <th scope="col">Signed (UTC)</th>
              <th scope="col">Confirmed</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <td safe>{name(r)}</td>
                <td safe>{r.email ?? '(erased)'}</td>
                <td safe>{r.postal_code ?? ''}</td>
                <td safe>{r.comments ?? ''}</td>
                <td safe>{r.source ?? ''}</td>
                <td safe>{minute(r.created_at)}</td>
                <td>{r.confirmed_at ? 'yes' : 'not yet'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager label="Pages of signatures" page={props.page} pages={props.pages} link={link} previous="Newer" next="Older" />
    </section>
  );
}

export function PetitionNotFoundPage(props: { page: AdminPage }): JSX.Element {
  return (
    <AdminLayout page={props.page} title="Petition not found">
      <h1>Petition not found</h1>
      <p>
        There is no such petition in this organization. <a href="/admin/petitions">Go to the list of petitions</a>.
      </p>
    </AdminLayout>
  );
}
