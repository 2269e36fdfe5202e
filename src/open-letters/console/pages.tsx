import { Checkbox, AdminLayout, CsrfField, ErrorSummary, Input, TextArea, type AdminPage } from '../../kits/console/layout.tsx';
import { ListPage, NotFoundPage } from '../../kits/console/list-pages.tsx';
import { number } from '../../kits/console/format.ts';
import { SpanishFields } from '../../kits/console/spanish-fields.tsx';
import { petitionTextHtml } from '../../kits/pages/markdown.ts';
import type { LetterErrors } from '../fields.ts';

/** The letter form as typed: kept as it is when it comes back with errors. */
export interface LetterForm {
  title: string;
  slug: string;
  description: string;
  letter_text: string;
  title_es: string;
  description_es: string;
  letter_text_es: string;
  groups_es: string;
  targets: string;
  status: string;
  deadline: string;
  allow_individuals: boolean;
  hold_until_count: string;
  hold_until_date: string;
  list_order: string;
  featured_first: boolean;
  groups: string;
}

interface ListedLetter {
  id: string;
  title: string;
  status: string;
  deadline: string | null;
  organization_count: number;
  individual_count: number;
  created_at: string;
}

export function LettersListPage(props: { page: AdminPage; letters: ListedLetter[]; canCreate: boolean }): JSX.Element {
  return (
    <ListPage
      page={props.page}
      title="Open letters"
      create={props.canCreate ? { href: '/admin/open_letters/new', label: 'New open letter' } : undefined}
      empty="No open letters yet."
      rows={props.letters}
      columns={[
        { label: 'Letter', head: true, text: (l) => l.title, href: (l) => `/admin/open_letters/${l.id}` },
        { label: 'Status', text: (l) => l.status },
        { label: 'Deadline (UTC)', text: (l) => (l.deadline ? l.deadline.slice(0, 16).replace('T', ' ') : '') },
        { label: 'Organizations', num: true, text: (l) => number(l.organization_count) },
        { label: 'Individuals', num: true, text: (l) => number(l.individual_count) },
        { label: 'Created (UTC)', text: (l) => l.created_at.slice(0, 10) },
      ]}
    />
  );
}

function Radio(props: { name: string; value: string; checked: boolean; label: string; first?: boolean }): JSX.Element {
  const id = props.first ? props.name : `${props.name}-${props.value}`;
  return (
    <div class="checkbox">
      <input type="radio" id={id} name={props.name} value={props.value} checked={props.checked} />
      <label for={id} safe>{props.label}</label>
    </div>
  );
}


function Choice(props: { legend: string; error?: string; children: JSX.Element[] }): JSX.Element {
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <fieldset>
        <legend safe>{props.legend}</legend>
        {props.error ? <span class="error-message" safe>{props.error}</span> : ''}
        {props.children as unknown as 'safe'}
      </fieldset>
    </div>
  );
}

export function LetterFormPage(props: { page: AdminPage; letter?: { id: string; title: string; slug: string }; form: LetterForm; errors: LetterErrors; preview: boolean }): JSX.Element {
  const { page, letter, form, errors } = props;
  const action = letter ? `/admin/open_letters/${letter.id}/edit` : '/admin/open_letters/new';
  const heading = letter ? `Edit: ${letter.title}` : 'New open letter';
  const wrong = Object.values(errors).some(Boolean);
  return (
    <AdminLayout page={page} title={wrong ? `Error: ${heading}` : heading}>
      <p>
        <a href={letter ? `/admin/open_letters/${letter.id}` : '/admin/open_letters'}>{letter ? 'Back to the letter' : 'Back to open letters'}</a>
      </p>
      <h1 safe>{heading}</h1>
      <ErrorSummary errors={errors} />
      {props.preview && !wrong ? (
        <section aria-labelledby="preview-heading">
          <h2 id="preview-heading">Preview of the letter</h2>
          <p class="hint">Nothing is saved until you choose “Save letter”.</p>
          <blockquote class="petition-text">{petitionTextHtml(form.letter_text) as 'safe'}</blockquote>
          {form.letter_text_es ? (
            <>
              <h3>In Spanish</h3>
              <blockquote class="petition-text" lang="es">{petitionTextHtml(form.letter_text_es) as 'safe'}</blockquote>
            </>
          ) : (
            ''
          )}
        </section>
      ) : (
        ''
      )}
      <form method="post" action={action} novalidate>
        <CsrfField token={page.csrf} />
        <Input name="title" label="Title" value={form.title} error={errors.title} hint="Up to 200 characters, shown as the page's heading." required />
        <Input name="slug" label={letter ? 'Web address' : 'Web address (optional)'} value={form.slug} error={errors.slug} hint={letter ? `The end of the letter's address, /open_letters/${letter.slug}. Changing it breaks links already shared.` : 'Like end-face-surveillance in /open_letters/end-face-surveillance. Leave it empty to make one from the title.'} />
        <TextArea name="description" label="Description (optional)" value={form.description} error={errors.description} rows={3} hint="A short introduction shown above the letter." />
        <TextArea name="letter_text" label="Letter" value={form.letter_text} error={errors.letter_text} rows={14} hint="In Markdown: a blank line between paragraphs, **bold**, *italic*, - lists, [links](https://example.org). HTML is shown as text." />
        <SpanishFields
          fields={[
            { name: 'title_es', label: 'Title', value: form.title_es, error: errors.title_es },
            { name: 'description_es', label: 'Description', value: form.description_es, error: errors.description_es, rows: 3 },
            { name: 'letter_text_es', label: 'Letter', value: form.letter_text_es, error: errors.letter_text_es, rows: 14 },
            { name: 'groups_es', label: 'Groups', value: form.groups_es, error: errors.groups_es, rows: 4, hint: 'The Spanish name of each of the list’s groups (below), one per line in the same order.' },
          ]}
        />
        <TextArea name="targets" label="Addressed to (optional)" value={form.targets} error={errors.targets} rows={3} hint="Whom the letter is addressed to, one per line, like: Dana Reyes, Chief Executive Officer, Lumidex Inc." />
        <Input name="deadline" label="Deadline (optional)" value={form.deadline} error={errors.deadline} hint="The letter closes then: a day like 2026-06-30 (the end of that day, UTC) or a day and a time in UTC like 2026-06-30T17:00." />
        <Choice legend="Status" error={errors.status}>
          <Radio name="status" value="open" first checked={form.status === 'open'} label="Open: organizations can sign" />
          <Radio name="status" value="closed" checked={form.status === 'closed'} label="Closed: the page shows the letter and its signatories, without the form" />
        </Choice>
        <Checkbox name="allow_individuals" checked={form.allow_individuals} label="People may also sign as individuals (they are counted, not listed)" />
        <h2>Hold the list until it is strong</h2>
        <p class="hint">Until then the public page shows the count only, and every signer is told when names will be published. Leave both empty to publish names as soon as they are approved; with both, names are published at whichever comes first.</p>
        <Input name="hold_until_count" label="Publish names once this many organizations are approved (optional)" value={form.hold_until_count} error={errors.hold_until_count} inputmode="numeric" hint="A whole number, like 20." />
        <Input name="hold_until_date" label="Publish names on this day (optional)" value={form.hold_until_date} error={errors.hold_until_date} hint="A day like 2026-06-01 (its start, UTC), or a day and a time in UTC." />
        <h2>The list</h2>
        <Choice legend="Order" error={errors.list_order}>
          <Radio name="list_order" value="alphabetical" first checked={form.list_order === 'alphabetical'} label="Alphabetical" />
          <Radio name="list_order" value="signed" checked={form.list_order === 'signed'} label="By signing time, the first signers first" />
        </Choice>
        <Checkbox name="featured_first" checked={form.featured_first} label="Featured organizations first" />
        <TextArea name="groups" label="Groups (optional)" value={form.groups} error={errors.groups} rows={4} hint="The list's sections in their order, one per line, like National, State, Local. You put each organization in its group on the letter's page; the others come last." />
        <button type="submit" name="intent" value="save">Save letter</button>{' '}
        <button type="submit" name="intent" value="preview" class="secondary">Preview the letter</button>
      </form>
    </AdminLayout>
  );
}

export function LetterNotFoundPage(props: { page: AdminPage }): JSX.Element {
  return NotFoundPage({ page: props.page, title: 'Open letter not found', body: 'There is no such open letter in this organization.', back: { href: '/admin/open_letters', label: 'Go to the list of open letters' } });
}
