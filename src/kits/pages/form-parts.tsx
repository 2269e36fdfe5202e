import type { PageContext } from './layout.tsx';
import type { MessageKey } from '../../i18n/index.ts';
import type { FieldErrors } from '../../actions/people/validate.ts';

// Small pieces the campaign's public forms share: GOV.UK-style fields with a hint under the
// label, the error repeated next to the field, and one summary at the top linking to each.

/** `autofocus` on the error summary brings it into view on a phone, without JavaScript. */
export const AUTOFOCUS = { autofocus: true } as Record<string, unknown>;

/** An error's text; a `field` value names the field's noun key, translated into the sentence. */
export function errorText(page: PageContext, errors: FieldErrors, field: string): string | undefined {
  const e = errors[field];
  if (!e) return undefined;
  const values = { ...e.values };
  if (typeof values.field === 'string') values.field = page.t(values.field as MessageKey);
  const text = page.t(e.key, values);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function ErrorSummary(props: { page: PageContext; errors: FieldErrors; order: readonly string[] }): JSX.Element {
  const wrong = [...props.order.filter((f) => props.errors[f]), ...Object.keys(props.errors).filter((f) => props.errors[f] && !props.order.includes(f))];
  if (wrong.length === 0) return '';
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" {...AUTOFOCUS}>
      <h2 id="error-summary-title" safe>
        {props.page.t('error.summary')}
      </h2>
      <ul>
        {wrong.map((f) => (
          <li>
            <a href={`#${f}`} safe>
              {errorText(props.page, props.errors, f)}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The ids a control's `aria-describedby` names: its hint, then its error. */
export function describedBy(name: string, hint: string | undefined, error: string | undefined): string | undefined {
  return [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;
}

/** What every field shows around its control: the label, then the hint and the error the control is described by. */
export function FieldFrame(props: { name: string; label: string; hint?: string; error?: string; children: JSX.Element }): JSX.Element {
  const { name } = props;
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={name} safe>
        {props.label}
      </label>
      {props.hint ? (
        <span class="hint" id={`${name}-hint`} safe>
          {props.hint}
        </span>
      ) : (
        ''
      )}
      {props.error ? (
        <span class="error-message" id={`${name}-error`} safe>
          {props.error}
        </span>
      ) : (
        ''
      )}
      {props.children as 'safe'}
    </div>
  );
}

export function TextField(props: {
  page: PageContext;
  name: string;
  label: string;
  value: string | undefined;
  errors: FieldErrors;
  type?: 'text' | 'email' | 'url' | 'date' | 'time';
  hint?: string;
  autocomplete?: string;
  inputmode?: 'numeric' | 'text' | 'url' | 'email' | 'tel';
  maxlength?: number;
  required?: boolean;
  width?: 'short';
  /** The language of the value when it is not the page's (a campaign's text shown in its other language). */
  lang?: string;
}): JSX.Element {
  const { name } = props;
  const error = errorText(props.page, props.errors, name);
  return (
    <FieldFrame name={name} label={props.label} hint={props.hint} error={error}>
      <input
        type={props.type ?? 'text'}
        id={name}
        name={name}
        value={props.value ?? ''}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        maxlength={props.maxlength ? String(props.maxlength) : undefined}
        required={props.required}
        aria-describedby={describedBy(name, props.hint, error)}
        aria-invalid={error ? 'true' : undefined}
        spellcheck={props.type === 'email' || props.type === 'url' ? 'false' : undefined}
        lang={props.lang}
      />
    </FieldFrame>
  );
}

export function TextArea(props: { page: PageContext; name: string; label: string; value: string | undefined; errors: FieldErrors; hint?: string; maxlength: number; rows?: number; lang?: string }): JSX.Element {
  const { name } = props;
  const error = errorText(props.page, props.errors, name);
  return (
    <FieldFrame name={name} label={props.label} hint={props.hint} error={error}>
      <textarea id={name} name={name} rows={String(props.rows ?? 5)} maxlength={String(props.maxlength)} aria-describedby={describedBy(name, props.hint, error)} aria-invalid={error ? 'true' : undefined} lang={props.lang} safe>
        {props.value ?? ''}
      </textarea>
    </FieldFrame>
  );
}

export function SelectField(props: {
  page: PageContext;
  name: string;
  label: string;
  value: string | undefined;
  errors: FieldErrors;
  options: { value: string; label: string }[];
  hint?: string;
  placeholder?: string;
}): JSX.Element {
  const { name } = props;
  const error = errorText(props.page, props.errors, name);
  return (
    <FieldFrame name={name} label={props.label} hint={props.hint} error={error}>
      <select id={name} name={name} aria-describedby={describedBy(name, props.hint, error)} aria-invalid={error ? 'true' : undefined}>
        {props.placeholder !== undefined ? (
          <option value="" selected={!props.value} safe>
            {props.placeholder}
          </option>
        ) : (
          ''
        )}
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value} safe>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}
