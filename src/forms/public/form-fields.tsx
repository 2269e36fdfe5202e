import type { Brand, PageContext } from '../../kits/pages/layout.tsx';
import '../messages.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { describedBy, ErrorSummary, errorText } from '../../kits/pages/form-parts.tsx';
import { ConsentBoxes, PERSON_FIELDS, PersonFields, type PersonValues } from '../../kits/pages/person-fields.tsx';
import { ChallengeField } from '../../kits/pages/challenge-field.tsx';
import { escapeHtml } from '@kitajs/html';
import type { Localized } from '../../kits/pages/localized.ts';
import { QUESTION_LIMITS, questionInLanguage, type Answer, type Question } from '../questions.ts';

// A form's fields, apart from the page around them, so that an embed can show the same form.

export interface PublicForm {
  slug: string;
  title: string;
  /** Markdown. */
  description: string;
  /** The Spanish versions (null: the English text is shown on Spanish pages too). */
  title_es?: string | null;
  description_es?: string | null;
  questions: Question[];
  status: 'open' | 'closed';
  submission_count: number;
  organization_name: string;
  brand?: Brand & { accent?: string | null };
}

export interface FormValues extends PersonValues {
  opt_in?: boolean;
  /** What the supporter answered, by question id, kept when the form comes back with errors. */
  answers?: Record<string, Answer>;
  source?: string;
}

/** The fields in the order of the form: the error summary links to them in this order. */
export const fieldOrder = (form: Pick<PublicForm, 'questions'>): string[] => [...PERSON_FIELDS, ...form.questions.map((q) => `q_${q.id}`)];

/** The error summary, then the whole `<form>`: the person's fields, the questions, the consent boxes, the challenge and the button. */
export function FormFields(props: { page: PageContext; form: PublicForm; action: string; values: FormValues; errors: FieldErrors; challenge?: boolean }): JSX.Element {
  const { page, form, values, errors } = props;
  const { t, lang } = page;
  return (
    <>
      <ErrorSummary page={page} errors={errors} order={fieldOrder(form)} />
      <form method="post" action={props.action} novalidate>
        <input type="hidden" name="lang" value={lang} />
        <fieldset>
          <legend safe>{t('forms.heading')}</legend>
          <PersonFields page={page} values={values} errors={errors} emailHint={t('forms.email_hint')} />
        </fieldset>
        {form.questions.map((q) => (
          <QuestionField page={page} question={q} value={values.answers?.[q.id]} errors={errors} />
        ))}
        <ConsentBoxes page={page} organization={form.organization_name} partners={[]} optIn={values.opt_in} />
        {props.challenge ? <ChallengeField page={page} /> : ''}
        <button type="submit" safe>
          {t('forms.submit')}
        </button>
      </form>
    </>
  );
}

/** The organizer's words in the reader's language, inside a `lang` span when in the other one. */
function Said(props: { text: Localized }): JSX.Element {
  const { text, lang } = props.text;
  return lang ? (
    <span lang={lang} safe>
      {text}
    </span>
  ) : (
    escapeHtml(text)
  );
}

/** The question's label (markup), marked optional when it is (but a lone checkbox). */
function labelOf(page: PageContext, q: Question, label: Localized): JSX.Element {
  // A lone checkbox is optional by nature; a required one ("I agree …") says so by its error.
  return q.required || q.kind === 'checkbox' ? <Said text={label} /> : (
    <>
      <Said text={label} /> {escapeHtml(page.t('forms.optional'))}
    </>
  );
}

function Messages(props: { name: string; hint: Localized | undefined; error: string | undefined }): JSX.Element {
  return (
    <>
      {props.hint ? (
        <span class="hint" id={`${props.name}-hint`} lang={props.hint.lang} safe>
          {props.hint.text}
        </span>
      ) : (
        ''
      )}
      {props.error ? (
        <span class="error-message" id={`${props.name}-error`} safe>
          {props.error}
        </span>
      ) : (
        ''
      )}
    </>
  );
}

/** One question: a text box, a text area, radios or checkboxes in a fieldset, or one checkbox. */
export function QuestionField(props: { page: PageContext; question: Question; value: Answer | undefined; errors: FieldErrors }): JSX.Element {
  const { page, question: q } = props;
  const name = `q_${q.id}`;
  const error = errorText(page, props.errors, name);
  // The reader's version of each text; a choice's value stays the option itself (src/forms/README.md, "Both languages").
  const shown = questionInLanguage(page.lang, q);
  const hint = shown.hint.text ? shown.hint : undefined;
  const described = describedBy(name, hint?.text, error);
  const invalid = error ? 'true' : undefined;
  const text = typeof props.value === 'string' ? props.value : '';
  const chosen = Array.isArray(props.value) ? props.value : typeof props.value === 'string' ? [props.value] : [];
  const frame = error ? 'field has-error' : 'field';
  if (q.kind === 'short_text' || q.kind === 'long_text') {
    return (
      <div class={frame}>
        <label for={name}>{labelOf(page, q, shown.label)}</label>
        <Messages name={name} hint={hint} error={error} />
        {q.kind === 'short_text' ? (
          <input type="text" id={name} name={name} value={text} maxlength={String(QUESTION_LIMITS.shortAnswer)} required={q.required} aria-describedby={described} aria-invalid={invalid} />
        ) : (
          <textarea id={name} name={name} rows="5" maxlength={String(QUESTION_LIMITS.longAnswer)} required={q.required} aria-describedby={described} aria-invalid={invalid} safe>
            {text}
          </textarea>
        )}
      </div>
    );
  }
  if (q.kind === 'checkbox') {
    return (
      <div class={frame}>
        <Messages name={name} hint={hint} error={error} />
        <div class="checkbox">
          <input type="checkbox" id={name} name={name} value="yes" checked={chosen.includes('yes')} required={q.required} aria-describedby={described} aria-invalid={invalid} />
          <label for={name}>{labelOf(page, q, shown.label)}</label>
        </div>
      </div>
    );
  }
  // Radios or checkboxes: the first one carries the field's id, so the error summary's link lands on it.
  const type = q.kind === 'one_choice' ? 'radio' : 'checkbox';
  return (
    <div class={frame}>
      <fieldset aria-describedby={described}>
        <legend>{labelOf(page, q, shown.label)}</legend>
        <Messages name={name} hint={hint} error={error} />
        {shown.options.map((option, i) => {
          const id = i === 0 ? name : `${name}-${i}`;
          return (
            <div class="checkbox">
              <input type={type} id={id} name={name} value={option.value} checked={chosen.includes(option.value)} aria-invalid={invalid} />
              <label for={id} lang={option.label.lang} safe>
                {option.label.text}
              </label>
            </div>
          );
        })}
      </fieldset>
    </div>
  );
}
