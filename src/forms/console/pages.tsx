import { escapeHtml } from '@kitajs/html';
import type { AdminPage } from '../../kits/console/layout.tsx';
import { ActionPage, Fact, OpenCloseButton } from '../../kits/console/page.tsx';
import { ListPage, NotFoundPage, PeopleList, personColumns, searchLink } from '../../kits/console/list-pages.tsx';
import { minute, number } from '../../kits/console/format.ts';
import { DataTable } from '../../kits/console/table.tsx';
import { petitionTextHtml } from '../../kits/pages/markdown.ts';
import { answersOf, answerText, KIND_LABELS, type Question } from '../questions.ts';

interface ListedForm {
  id: string;
  title: string;
  status: 'open' | 'closed';
  submission_count: number;
  created_at: string;
}

export interface SubmissionRow {
  id: string;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  postal_code: string | null;
  answers: string | null;
  source: string | null;
  created_at: string;
}

export function FormsListPage(props: { page: AdminPage; forms: ListedForm[]; canCreate: boolean }): JSX.Element {
  return (
    <ListPage
      page={props.page}
      title="Forms"
      create={props.canCreate ? { href: '/admin/forms/new', label: 'New form' } : undefined}
      empty="No forms yet."
      rows={props.forms}
      columns={[
        { label: 'Form', head: true, text: (f) => f.title, href: (f) => `/admin/forms/${f.id}` },
        { label: 'Status', text: (f) => (f.status === 'open' ? 'open' : 'closed') },
        { label: 'Submissions', num: true, text: (f) => number(f.submission_count) },
        { label: 'Created (UTC)', text: (f) => f.created_at.slice(0, 10) },
      ]}
    />
  );
}

export function FormDetailPage(props: {
  page: AdminPage;
  form: ListedForm & { slug: string; description: string; questions: Question[]; challenge: string };
  can: { manage: boolean; export: boolean; seePeople: boolean };
  /** Present only for roles that may see people. */
  submissions?: { rows: SubmissionRow[]; search: string; page: number; pages: number; matching: number };
}): JSX.Element {
  const { page, form: f, can } = props;
  const publicPath = `/forms/${f.slug}`;
  return (
    <ActionPage
      page={page}
      title={f.title}
      back={{ href: '/admin/forms', label: 'Back to forms' }}
      facts={[
        <Fact label="Status" value={f.status === 'open' ? 'open' : 'closed'} />,
        <Fact label="Submissions" id="count" value={number(f.submission_count)} />,
        <Fact label="Created (UTC)" value={f.created_at.slice(0, 10)} />,
        <Fact label="Proof-of-work challenge" value={f.challenge} />,
        <Fact label="Public page" link={publicPath} />,
      ]}
    >
      {can.manage ? (
        <div class="actions">
          <a href={`/admin/forms/${f.id}/edit`}>Edit the form</a> <OpenCloseButton csrf={page.csrf} path={`/admin/forms/${f.id}`} open={f.status === 'open'} noun="form" />
        </div>
      ) : (
        ''
      )}
      {can.export ? (
        <p>
          <a href={`/admin/forms/${f.id}/submissions.csv`}>Download the submissions (CSV)</a>
        </p>
      ) : (
        ''
      )}
      {f.description ? <div class="lede">{petitionTextHtml(f.description) as 'safe'}</div> : ''}
      <h2>Questions</h2>
      <DataTable
        rows={f.questions}
        empty="No questions: the form asks only who the person is."
        columns={[
          { label: 'Question', head: true, text: (q) => q.label },
          { label: 'Kind', text: (q) => KIND_LABELS[q.kind] },
          { label: 'Choices', text: (q) => q.options.join(', ') },
          { label: 'Required', text: (q) => (q.required ? 'yes' : 'no') },
          { label: 'Custom field', text: (q) => q.field },
        ]}
      />
      {props.submissions ? <SubmissionTable formId={f.id} questions={f.questions} {...props.submissions} /> : ''}
    </ActionPage>
  );
}

function SubmissionTable(props: { formId: string; questions: Question[]; rows: SubmissionRow[]; search: string; page: number; pages: number; matching: number }): JSX.Element {
  const link = (page: number) => searchLink(`/admin/forms/${props.formId}`, props.search, page, '#submissions');
  const rows = props.rows.map((r) => ({ ...r, parsed: answersOf(r) }));
  return (
    <section aria-labelledby="submissions">
      <h2 id="submissions">Submissions</h2>
      <PeopleList
        action={`/admin/forms/${props.formId}#submissions`}
        search={props.search}
        status={
          props.search
            ? `${number(props.matching)} ${props.matching === 1 ? 'submission matches' : 'submissions match'} “${props.search}”.`
            : `${number(props.matching)} ${props.matching === 1 ? 'submission' : 'submissions'}, newest first.`
        }
        rows={rows}
        columns={[
          ...personColumns<(typeof rows)[number]>(),
          // A question's label is the organizer's text: escaped, as a heading is shown as it is.
          ...props.questions.map((q) => ({ label: escapeHtml(q.label), text: (r: (typeof rows)[number]) => answerText(r.parsed[q.id]) })),
          { label: 'Source', text: (r) => r.source ?? '' },
          { label: 'Submitted (UTC)', text: (r) => minute(r.created_at) },
        ]}
        pager={{ label: 'Pages of submissions', page: props.page, pages: props.pages, link, previous: 'Newer', next: 'Older' }}
      />
    </section>
  );
}

export function FormNotFoundPage(props: { page: AdminPage }): JSX.Element {
  return NotFoundPage({ page: props.page, title: 'Form not found', body: 'There is no such form in this organization.', back: { href: '/admin/forms', label: 'Go to the list of forms' } });
}
