import { Input, Radios, SlugInput, StatusRadios, TextArea, TitleInput, type AdminPage } from '../../kits/console/layout.tsx';
import { FormPage } from '../../kits/console/page.tsx';
import { SpanishFields } from '../../kits/console/spanish-fields.tsx';
import { KIND_LABELS, QUESTION_KINDS, QUESTION_LIMITS, type Question, type QuestionInput } from '../questions.ts';

// The console's form editor. It works without JavaScript: the questions are rows of fields
// with an order number and a box to remove each, and a few blank rows take new questions;
// saving (or "Add more questions") gives blank rows again.

/** Blank question rows under the form's questions. */
export const BLANK_ROWS = 3;

/** One question's row as typed. */
export interface QuestionRow {
  id: string;
  kind: string;
  label: string;
  hint: string;
  required: boolean;
  options: string;
  field: string;
  order: string;
  remove: boolean;
  /** The Spanish versions ('' for none), the choices one per line. */
  label_es: string;
  hint_es: string;
  options_es: string;
}

/** The editor as typed: kept as it is when it comes back with errors. */
export interface FormEditor {
  title: string;
  slug: string;
  description: string;
  /** The Spanish versions ('' for none). */
  title_es: string;
  description_es: string;
  status: string;
  challenge: string;
  rows: QuestionRow[];
}

export type EditorErrors = Record<string, string | undefined>;

type Body = Record<string, unknown>;
const text = (body: Body | undefined, name: string) => {
  const v = body?.[name];
  return typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : '';
};
const ticked = (body: Body | undefined, name: string) => body?.[name] === 'yes';

export const blankRow = (order: number): QuestionRow => ({ id: '', kind: 'short_text', label: '', hint: '', required: false, options: '', field: '', order: String(order), remove: false, label_es: '', hint_es: '', options_es: '' });

/** A row something was typed in (or a saved question's): a blank new row adds nothing. */
export const filledIn = (r: QuestionRow): boolean => Boolean(r.id || r.label || r.options || r.field || r.hint || r.label_es || r.hint_es || r.options_es);

/** The editor's fields from a posted body: up to the most questions a form has, plus the blank rows. */
export function readEditor(body: Body | undefined): FormEditor {
  const rows: QuestionRow[] = [];
  for (let i = 0; i < QUESTION_LIMITS.questions + BLANK_ROWS; i++) {
    const p = `q${i}_`;
    if (!body || !Object.keys(body).some((k) => k.startsWith(p))) continue;
    rows.push({
      id: text(body, `${p}id`),
      kind: text(body, `${p}kind`),
      label: text(body, `${p}label`),
      hint: text(body, `${p}hint`),
      required: ticked(body, `${p}required`),
      options: text(body, `${p}options`),
      field: text(body, `${p}field`),
      order: text(body, `${p}order`),
      remove: ticked(body, `${p}remove`),
      label_es: text(body, `${p}label_es`),
      hint_es: text(body, `${p}hint_es`),
      options_es: text(body, `${p}options_es`),
    });
  }
  return {
    title: text(body, 'title'),
    slug: text(body, 'slug').toLowerCase(),
    description: text(body, 'description'),
    title_es: text(body, 'title_es'),
    description_es: text(body, 'description_es'),
    status: text(body, 'status') || 'open', challenge: text(body, 'challenge') || 'automatic', rows };
}

/** The questions the rows ask for, in their order: blank rows and removed ones left out. */
export function questionInputs(rows: readonly QuestionRow[]): { inputs: QuestionInput[]; rowOf: number[] } {
  const kept = rows
    .map((r, i) => ({ r, i, order: /^\d{1,3}$/.test(r.order) ? Number(r.order) : 1000 + i }))
    .filter(({ r }) => !r.remove && filledIn({ ...r, id: '' }))
    .sort((a, b) => a.order - b.order || a.i - b.i);
  return {
    inputs: kept.map(({ r }) => ({
      id: r.id || undefined,
      kind: r.kind,
      label: r.label,
      hint: r.hint,
      required: r.required,
      options: r.options.split('\n'),
      field: r.field,
      label_es: r.label_es,
      hint_es: r.hint_es,
      options_es: r.options_es.split('\n'),
    })),
    rowOf: kept.map(({ i }) => i),
  };
}

/** The rows of a saved form's questions, then the blank rows. */
export function rowsOf(questions: readonly Question[]): QuestionRow[] {
  const rows = questions.map((q, i) => ({
    id: q.id,
    kind: q.kind,
    label: q.label,
    hint: q.hint,
    required: q.required,
    options: q.options.join('\n'),
    field: q.field,
    order: String(i + 1),
    remove: false,
    label_es: q.label_es ?? '',
    hint_es: q.hint_es ?? '',
    options_es: (q.options_es ?? []).join('\n'),
  }));
  return withBlankRows(rows);
}

export function withBlankRows(rows: QuestionRow[]): QuestionRow[] {
  const room = Math.max(0, Math.min(BLANK_ROWS, QUESTION_LIMITS.questions + BLANK_ROWS - rows.length));
  return [...rows, ...Array.from({ length: room }, (_, i) => blankRow(rows.length + i + 1))];
}

function QuestionRowFields(props: { i: number; row: QuestionRow; errors: EditorErrors }): JSX.Element {
  const { i, row, errors } = props;
  const p = `q${i}_`;
  const n = i + 1;
  return (
    <fieldset class="question">
      <legend safe>{row.id ? `Question ${n}` : `New question ${n}`}</legend>
      {row.id ? <input type="hidden" name={`${p}id`} value={row.id} /> : ''}
      <div class={errors[`${p}kind`] ? 'field has-error' : 'field'}>
        <label for={`${p}kind`}>Kind</label>
        {errors[`${p}kind`] ? <span class="error-message" id={`${p}kind-error`} safe>{errors[`${p}kind`]}</span> : ''}
        <select id={`${p}kind`} name={`${p}kind`}>
          {QUESTION_KINDS.map((k) => (
            <option value={k} selected={row.kind === k} safe>
              {KIND_LABELS[k]}
            </option>
          ))}
        </select>
      </div>
      <Input name={`${p}label`} label="Question" value={row.label} error={errors[`${p}label`]} hint={`Up to ${QUESTION_LIMITS.label} characters. Leave a new question empty to add nothing.`} />
      <Input name={`${p}hint`} label="Hint (optional)" value={row.hint} error={errors[`${p}hint`]} hint="Shown under the question." />
      <TextArea name={`${p}options`} label="Choices (one choice and several choices only)" value={row.options} error={errors[`${p}options`]} hint="One per line, at least two." rows={3} />
      <fieldset class="spanish-version" aria-describedby={`${p}spanish-hint`}>
        <legend>Spanish version (optional)</legend>
        <p class="hint" id={`${p}spanish-hint`}>
          Shown to readers whose browser asks for Spanish; an empty field shows them the English text. The answers are kept as the English choices, whatever the language.
        </p>
        <Input name={`${p}label_es`} label="Question in Spanish" value={row.label_es} error={errors[`${p}label_es`]} lang="es" />
        <Input name={`${p}hint_es`} label="Hint in Spanish" value={row.hint_es} error={errors[`${p}hint_es`]} lang="es" />
        <TextArea name={`${p}options_es`} label="Choices in Spanish" value={row.options_es} error={errors[`${p}options_es`]} hint="One per line, in the same order as the choices: all of them or none." rows={3} lang="es" />
      </fieldset>
      <Input name={`${p}field`} label="Custom field (optional)" value={row.field} error={errors[`${p}field`]} hint="The answer is kept on the person under this name. Leave it empty to make one from the question." />
      <Input name={`${p}order`} label="Position" value={row.order} inputmode="numeric" hint="Questions are shown in the order of these numbers." />
      <div class="checkbox">
        <input type="checkbox" id={`${p}required`} name={`${p}required`} value="yes" checked={row.required} />
        <label for={`${p}required`}>Required</label>
      </div>
      {row.id ? (
        <div class="checkbox">
          <input type="checkbox" id={`${p}remove`} name={`${p}remove`} value="yes" checked={row.remove} />
          <label for={`${p}remove`}>Remove this question (its answers stay with the submissions already made)</label>
        </div>
      ) : (
        ''
      )}
    </fieldset>
  );
}

export function FormEditorPage(props: { page: AdminPage; form?: { id: string; title: string; slug: string }; editor: FormEditor; errors: EditorErrors }): JSX.Element {
  const { page, form, editor, errors } = props;
  const action = form ? `/admin/forms/${form.id}/edit` : '/admin/forms/new';
  const heading = form ? `Edit: ${form.title}` : 'New form';
  return (
    <FormPage page={page} heading={heading} back={form ? { href: `/admin/forms/${form.id}`, label: 'Back to the form' } : { href: '/admin/forms', label: 'Back to forms' }} errors={errors} action={action}>
      <TitleInput value={editor.title} error={errors.title} />
      <SlugInput value={editor.slug} error={errors.slug} noun="form" base="/forms" example="volunteer" current={form?.slug} />
      <TextArea name="description" label="Description (optional)" value={editor.description} error={errors.description} hint="Shown above the questions, in Markdown: a blank line between paragraphs, **bold**, *italic*, - lists, [links](https://example.org)." rows={6} />
      <SpanishFields
        fields={[
          { name: 'title_es', label: 'Title', value: editor.title_es, error: errors.title_es },
          { name: 'description_es', label: 'Description', value: editor.description_es, error: errors.description_es, rows: 6 },
        ]}
      />
      <StatusRadios value={editor.status} error={errors.status} open="people can fill it in" closed="the page says so, without the form" />
      <Radios
        name="challenge"
        legend="Proof-of-work challenge"
        value={editor.challenge}
        error={errors.challenge}
        options={[
          ['automatic', 'Automatic: on while a surge looks automated (recommended)'],
          ['always', 'Always: every browser does a few seconds of work before it sends'],
          ['off', 'Off'],
        ]}
      />
      <h2>Questions</h2>
      <p class="hint" safe>{`Every form asks first and last name, email and ZIP code. Add your questions below; a form has up to ${QUESTION_LIMITS.questions}.`}</p>
      {errors.questions ? <p class="error-message" id="questions" safe>{errors.questions}</p> : ''}
      {editor.rows.map((row, i) => (
        <QuestionRowFields i={i} row={row} errors={errors} />
      ))}
      <button type="submit" name="intent" value="save">
        Save form
      </button>{' '}
      <button type="submit" name="intent" value="add" class="secondary">
        Save and add more questions
      </button>
    </FormPage>
  );
}
