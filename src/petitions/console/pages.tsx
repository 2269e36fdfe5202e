import { ClosesAtInput, Input, SlugInput, StatusRadios, TextArea, TitleInput, type AdminPage } from '../../kits/console/layout.tsx';
import { ActionPage, Fact, FormPage, OpenCloseButton } from '../../kits/console/page.tsx';
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
    <FormPage
      page={page}
      heading={heading}
      back={petition ? { href: `/admin/petitions/${petition.id}`, label: 'Back to the petition' } : { href: '/admin/petitions', label: 'Back to petitions' }}
      errors={errors}
      action={action}
      // Shown only when nothing is wrong, so never beside the errors' summary.
      intro={
        props.preview && !wrong ? (
          <section aria-labelledby="preview-heading">
            <h2 id="preview-heading">Preview of the petition text</h2>
            <p class="hint">Nothing is saved until you choose “Save petition”.</p>
            <TextPreview markdown={form.petition_text} />
          </section>
        ) : (
          ''
        )
      }
    >
      <TitleInput value={form.title} error={errors.title} />
      <SlugInput value={form.slug} error={errors.slug} noun="petition" base="/petitions" example="stop-face-surveillance" current={petition?.slug} />
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
      <StatusRadios value={form.status} error={errors.status} open="people can sign" closed="the page shows the petition and its count, without the form" />
      <ClosesAtInput value={form.closes_at} error={errors.closes_at} then="The page then says it is closed, without the form." />
      <button type="submit" name="intent" value="save">
        Save petition
      </button>{' '}
      <button type="submit" name="intent" value="preview" class="secondary">
        Preview the text
      </button>
    </FormPage>
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
    <ActionPage
      page={page}
      title={p.title}
      back={{ href: '/admin/petitions', label: 'Back to petitions' }}
      facts={[
        <Fact label="Status" value={p.status === 'open' ? 'open' : 'closed'} />,
        <Fact label="Signatures" id="count" value={number(p.signature_count)} />,
        p.confirmation_required || props.pending > 0 ? <Fact label="Awaiting email confirmation" value={number(props.pending)} /> : '',
        <Fact label="Goal" value={goalText(p)} />,
        p.closes_at ? <Fact label="Closes by itself (UTC)" value={minute(p.closes_at)} /> : '',
        <Fact label="Created (UTC)" value={day(p.created_at)} />,
        <Fact label="Public page" link={publicPath} />,
        <Fact label="Count as JSON" link={`${publicPath}.json`} />,
      ]}
    >
      {can.manage ? (
        <div class="actions">
          <a href={`/admin/petitions/${p.id}/edit`}>Edit the petition</a>{' '}
          <a href={`/admin/petitions/${p.id}/charts`}>Charts</a>{' '}
          <a href={`/admin/petitions/${p.id}/partners`}>Partners</a>{' '}
          <a href={`/admin/petitions/${p.id}/abuse`}>Abuse: challenge and invalidation</a>{' '}
          <a href={`/admin/petitions/${p.id}/delivery`}>Delivery to the target</a>{' '}
          <OpenCloseButton csrf={page.csrf} path={`/admin/petitions/${p.id}`} open={p.status === 'open'} noun="petition" />
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
    </ActionPage>
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
