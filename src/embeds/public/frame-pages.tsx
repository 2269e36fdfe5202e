import '../messages.ts';
import type { Language } from '../../i18n/index.ts';
import { withLang, type PageContext } from '../../kits/pages/layout.tsx';
import type { FieldErrors } from '../../actions/people/validate.ts';
import { describedBy, ErrorSummary, errorText, SelectField, TextArea, TextField } from '../../kits/pages/form-parts.tsx';
import { ChallengeField } from '../../kits/pages/challenge-field.tsx';
import type { FieldDef } from '../kinds.ts';

// The iframe variant's pages: the action's form and its answers, compact (no site header or
// footer), from turnout's own origin, so the form posts to turnout as its own page does.

/** What the supporter typed, to show again next to the errors. */
export type FrameValues = Record<string, string | string[] | undefined>;

export function FrameLayout(props: { page: PageContext; title: string; children?: JSX.Element | JSX.Element[] }): JSX.Element {
  const { t, lang, path } = props.page;
  const other = lang === 'en' ? 'es' : 'en';
  return (
    <>
      {'<!doctype html>'}
      <html lang={lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{props.title}</title>
          <link rel="stylesheet" href="/assets/turnout.css" />
        </head>
        <body class="embedded">
          <main id="main">{props.children as 'safe'}</main>
          <p>
            <a class="lang-switch" href={withLang(path, other)} hreflang={other} lang={other} title={t('lang.switch_label')} safe>
              {t('lang.switch')}
            </a>
          </p>
        </body>
      </html>
    </>
  );
}

function Field(props: { page: PageContext; field: FieldDef; values: FrameValues; errors: FieldErrors }): JSX.Element {
  const { page, field: f, values, errors } = props;
  const value = typeof values[f.name] === 'string' ? (values[f.name] as string) : undefined;
  if (f.type === 'textarea') return <TextArea page={page} name={f.name} label={f.label} hint={f.hint} value={value} errors={errors} maxlength={f.maxlength ?? 1000} rows={3} />;
  if (f.type === 'select') return <SelectField page={page} name={f.name} label={f.label} value={value ?? f.selected} errors={errors} options={f.options ?? []} />;
  if (f.type === 'checkbox' || f.type === 'radios' || f.type === 'checkboxes') {
    const error = errorText(page, errors, f.name);
    const ticked = values[f.name];
    const isTicked = (v: string) => (Array.isArray(ticked) ? ticked.includes(v) : ticked === v);
    const messages = (
      <>
        {f.hint ? (
          <span class="hint" id={`${f.name}-hint`} safe>
            {f.hint}
          </span>
        ) : (
          ''
        )}
        {error ? (
          <span class="error-message" id={`${f.name}-error`} safe>
            {error}
          </span>
        ) : (
          ''
        )}
      </>
    );
    if (f.type === 'checkbox') {
      const id = f.name === 'share' ? `share-${f.value}` : f.name;
      return (
        <div class={error ? 'field has-error' : 'field'}>
          {messages as 'safe'}
          <div class="checkbox">
            <input type="checkbox" id={id} name={f.name} value={f.value} checked={isTicked(f.value!)} aria-describedby={describedBy(f.name, f.hint, error)} aria-invalid={error ? 'true' : undefined} />
            <label for={id} safe>
              {f.label}
            </label>
          </div>
        </div>
      );
    }
    // The first option carries the field's id, so the error summary's link lands on it.
    return (
      <div class={error ? 'field has-error' : 'field'}>
        <fieldset aria-describedby={describedBy(f.name, f.hint, error)}>
          <legend safe>{f.label}</legend>
          {messages as 'safe'}
          <>
            {(f.options ?? []).map((o, i) => (
              <div class="checkbox">
                <input type={f.type === 'radios' ? 'radio' : 'checkbox'} id={i === 0 ? f.name : `${f.name}-${i}`} name={f.name} value={o.value} checked={isTicked(o.value)} aria-invalid={error ? 'true' : undefined} />
                <label for={i === 0 ? f.name : `${f.name}-${i}`} safe>
                  {o.label}
                </label>
              </div>
            ))}
          </>
        </fieldset>
      </div>
    );
  }
  return (
    <TextField
      page={page}
      name={f.name}
      type={f.type === 'email' ? 'email' : 'text'}
      label={f.label}
      hint={f.hint}
      value={value}
      errors={errors}
      autocomplete={f.autocomplete}
      inputmode={f.inputmode as 'tel' | undefined}
      maxlength={f.maxlength}
      required={f.required}
    />
  );
}

export interface FrameForm {
  page: PageContext;
  title: string;
  /** The title's language when it is not the page's (the action has no version in the reader's). */
  titleLang?: Language;
  summary: string[];
  countText: string;
  heading: string;
  submit: string;
  fields: FieldDef[];
  /** Where the form posts: this frame's own path. */
  action: string;
  /** The listed site the frame was opened on, posted back as the referrer. */
  site: string | null;
  source: string | null;
  values: FrameValues;
  errors: FieldErrors;
  challenge: boolean;
  /** The action's own page, opened in a new tab. */
  pageUrl: string;
  organization: string;
}

export function FrameFormPage(props: FrameForm): JSX.Element {
  const { page, errors } = props;
  const { t, lang } = page;
  const order = props.fields.map((f) => f.name);
  const title = order.some((f) => errors[f]) ? `${t('error.summary')}: ${props.title}` : props.title;
  return (
    <FrameLayout page={page} title={title}>
      <h1 lang={props.titleLang} safe>
        {props.title}
      </h1>
      <>
        {props.summary.map((line) => (
          <p class="targets" safe>
            {line}
          </p>
        ))}
      </>
      <p class="count" id="count" safe>
        {props.countText}
      </p>
      <h2 id="form-heading" safe>
        {props.heading}
      </h2>
      <ErrorSummary page={page} errors={errors} order={order} />
      <form method="post" action={props.action} novalidate aria-labelledby="form-heading">
        <input type="hidden" name="lang" value={lang} />
        {props.site ? <input type="hidden" name="site" value={props.site} /> : ''}
        {props.source ? <input type="hidden" name="source" value={props.source} /> : ''}
        <>
          {props.fields.map((field) => (
            <Field page={page} field={field} values={props.values} errors={errors} />
          ))}
        </>
        {props.challenge ? <ChallengeField page={page} /> : ''}
        <button type="submit" safe>
          {props.submit}
        </button>
      </form>
      <p class="hint">
        <a href={props.pageUrl} target="_blank" rel="noopener" safe>
          {t('embed.powered', { org: props.organization })}
        </a>
      </p>
    </FrameLayout>
  );
}

/** A thank-you, a closed action or a refusal, inside the frame. */
export function FrameMessagePage(props: { page: PageContext; title: string; titleLang?: Language; body: string; link?: { href: string; label: string; lang?: Language } }): JSX.Element {
  return (
    <FrameLayout page={props.page} title={props.title}>
      <h1 lang={props.titleLang} safe>
        {props.title}
      </h1>
      <p role="status" safe>
        {props.body}
      </p>
      {props.link ? (
        <p>
          <a href={props.link.href} target="_blank" rel="noopener" lang={props.link.lang} safe>
            {props.link.label}
          </a>
        </p>
      ) : (
        ''
      )}
    </FrameLayout>
  );
}

/** The count on its own, for a small frame beside the host's text. */
export function CountFramePage(props: { page: PageContext; title: string; countText: string; pageUrl: string }): JSX.Element {
  return (
    <>
      {'<!doctype html>'}
      <html lang={props.page.lang}>
        <head>
          <meta charset="utf-8" />
          <title safe>{props.title}</title>
          <link rel="stylesheet" href="/assets/turnout.css" />
        </head>
        <body class="embedded count-only">
          <p class="count">
            <a href={props.pageUrl} target="_blank" rel="noopener" safe>
              {props.countText}
            </a>
          </p>
        </body>
      </html>
    </>
  );
}
