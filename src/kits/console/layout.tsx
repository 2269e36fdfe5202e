import type { Organizer } from './session.ts';
import { can } from '../../accounts/policy.ts';
import type { ConsoleSection } from '../../context.ts';

export interface AdminPage {
  organizer: Organizer | null;
  csrf: string;
  /** The path of the page, to mark the current section in the menu. */
  path: string;
  notice?: string;
  /** The menu: every capability's sections, in order. */
  sections: readonly ConsoleSection[];
}


export function CsrfField(props: { token: string }): JSX.Element {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

/** The console's frame: a menu by role, the organization switch, sign out. No scripts. */
export function AdminLayout(props: { page: AdminPage; title: string; children?: JSX.Element | JSX.Element[] }): JSX.Element {
  const { organizer, csrf, path } = props.page;
  const org = organizer?.organization;
  const current = (href: string) => (href === '/admin' ? path === '/admin' : path.startsWith(href));
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <title safe>{`${props.title} · turnout`}</title>
          <link rel="stylesheet" href="/assets/turnout.css" />
        </head>
        <body class="admin">
          <a class="skip" href="#main">
            Skip to main content
          </a>
          <header class="site">
            <a href="/admin">turnout console</a>
            {organizer ? (
              <nav aria-label="Account" class="account-nav">
                {organizer.memberships.length > 1 ? (
                  <form method="post" action="/admin/switch" class="inline">
                    <CsrfField token={csrf} />
                    <label for="switch-org">Organization</label>
                    <select id="switch-org" name="organization_id">
                      {organizer.memberships.map((m) => (
                        <option value={m.id} selected={m.id === org?.id} safe>
                          {m.name}
                        </option>
                      ))}
                    </select>
                    <button type="submit" class="secondary">
                      Switch
                    </button>
                  </form>
                ) : org ? (
                  <span safe>{org.name}</span>
                ) : (
                  ''
                )}
                <a href="/admin/account">Your account</a>
                <form method="post" action="/admin/sign-out" class="inline">
                  <CsrfField token={csrf} />
                  <button type="submit" class="link">
                    Sign out
                  </button>
                </form>
              </nav>
            ) : (
              ''
            )}
          </header>
          {organizer && org ? (
            <nav aria-label="Console" class="console-nav">
              <ul>
                {props.page.sections.filter((s) => can(org.role, s.permission)).map(({ href, label }) => (
                  <li>
                    <a href={href} aria-current={current(href) ? 'page' : undefined} safe>
                      {label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : (
            ''
          )}
          <main id="main" class="console">
            {props.page.notice ? (
              <p class="notice" role="status" safe>
                {props.page.notice}
              </p>
            ) : (
              ''
            )}
            {props.children as 'safe'}
          </main>
        </body>
      </html>
    </>
  );
}

/** The ids a field's control names in `aria-describedby`: its hint's and its error's. */
export const describedBy = (props: { name: string; hint?: string; error?: string }): string | undefined =>
  [props.hint ? `${props.name}-hint` : '', props.error ? `${props.name}-error` : ''].filter(Boolean).join(' ') || undefined;

/**
 * The console's one field wrapper: the label, the hint and the error above the control it
 * holds (an input, a textarea, a select), whose id is `name` and which names `describedBy(props)`.
 */
export function Field(props: { name: string; label: string; hint?: string; error?: string; children: JSX.Element | JSX.Element[] }): JSX.Element {
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={props.name} safe>
        {props.label}
      </label>
      {props.hint ? (
        <span class="hint" id={`${props.name}-hint`} safe>
          {props.hint}
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
      {props.children as 'safe'}
    </div>
  );
}

/** A labelled text input with an optional hint and error, the console's one form field. */
export function Input(props: {
  name: string;
  label: string;
  type?: string;
  value?: string;
  hint?: string;
  error?: string;
  autocomplete?: string;
  required?: boolean;
  inputmode?: string;
  /** The language of the value when it is not the console's (a Spanish version: `es`). */
  lang?: string;
}): JSX.Element {
  const described = describedBy(props);
  return (
    <Field name={props.name} label={props.label} hint={props.hint} error={props.error}>
      <input
        type={props.type ?? 'text'}
        id={props.name}
        name={props.name}
        value={props.value ?? ''}
        autocomplete={props.autocomplete}
        required={props.required}
        inputmode={props.inputmode as 'numeric' | undefined}
        lang={props.lang}
        aria-describedby={described}
        aria-invalid={props.error ? 'true' : undefined}
      />
    </Field>
  );
}

/** A labelled multi-line field with an optional hint and error, like `Input`. */
export function TextArea(props: { name: string; label: string; value: string; hint?: string; error?: string; rows: number; lang?: string }): JSX.Element {
  const described = describedBy(props);
  return (
    <Field name={props.name} label={props.label} hint={props.hint} error={props.error}>
      <textarea id={props.name} name={props.name} rows={String(props.rows)} lang={props.lang} aria-describedby={described} aria-invalid={props.error ? 'true' : undefined} safe>
        {props.value}
      </textarea>
    </Field>
  );
}

/** An action's title field: the heading of its public page. */
export function TitleInput(props: { value: string; error?: string }): JSX.Element {
  return <Input name="title" label="Title" value={props.value} error={props.error} hint="Up to 200 characters, shown as the page's heading." required />;
}

/**
 * An action's web address, the end of `base`/…: for a new action optional (made from the title
 * when empty), `example` showing the way; for a saved one (`current`), a warning that changing it
 * breaks shared links.
 */
export function SlugInput(props: { value: string; error?: string; noun: string; base: string; example: string; current?: string }): JSX.Element {
  return (
    <Input
      name="slug"
      label={props.current === undefined ? 'Web address (optional)' : 'Web address'}
      value={props.value}
      error={props.error}
      hint={
        props.current === undefined
          ? `The end of the ${props.noun}’s address, like ${props.example} in ${props.base}/${props.example}. Leave it empty to make one from the title.`
          : `The end of the ${props.noun}'s address, ${props.base}/${props.current}. Changing it breaks links already shared.`
      }
    />
  );
}

/** An action's status: open (`open` says what supporters can do) or closed (`closed`, what its page shows). */
export function StatusRadios(props: { value: string; error?: string; open: string; closed: string }): JSX.Element {
  return (
    <Radios
      name="status"
      legend="Status"
      value={props.value}
      error={props.error}
      options={[
        ['open', `Open: ${props.open}`],
        ['closed', `Closed: ${props.closed}`],
      ]}
    />
  );
}

/** When an action closes by itself, a day or a day and a time in UTC; `then` says what its page does once closed. */
export function ClosesAtInput(props: { value: string; error?: string; then: string }): JSX.Element {
  return (
    <Input
      name="closes_at"
      label="Closes by itself at (optional)"
      value={props.value}
      error={props.error}
      hint={`A day, like 2026-06-30 (closing at the end of that day), or a day and a time in UTC, like 2026-06-30T17:00. ${props.then} Leave it empty to close it yourself.`}
    />
  );
}

export function ErrorSummary(props: { errors: Record<string, string | undefined> }): JSX.Element {
  const wrong = Object.entries(props.errors).filter((e): e is [string, string] => Boolean(e[1]));
  if (wrong.length === 0) return '';
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
      <h2 id="error-summary-title">There is a problem</h2>
      <ul>
        {wrong.map(([field, message]) => (
          <li>
            <a href={`#${field}`} safe>
              {message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Previous and next links under a long list, with where the reader is. */
export function Pager(props: { label: string; page: number; pages: number; link: (page: number) => string; previous?: string; next?: string }): JSX.Element {
  if (props.pages <= 1) return '';
  return (
    <nav aria-label={props.label}>
      <p>
        {props.page > 1 ? (
          <a href={props.link(props.page - 1)} rel="prev" safe>
            {props.previous ?? 'Previous'}
          </a>
        ) : (
          ''
        )}{' '}
        <span safe>{`Page ${props.page} of ${props.pages}`}</span>{' '}
        {props.page < props.pages ? (
          <a href={props.link(props.page + 1)} rel="next" safe>
            {props.next ?? 'Next'}
          </a>
        ) : (
          ''
        )}
      </p>
    </nav>
  );
}

/** One checkbox (value `yes`) with its label beside it. */
export function Checkbox(props: { name: string; label: string; checked?: boolean }): JSX.Element {
  return (
    <div class="checkbox">
      <input type="checkbox" id={props.name} name={props.name} value="yes" checked={props.checked} />
      <label for={props.name} safe>
        {props.label}
      </label>
    </div>
  );
}

/** A labelled group of radio buttons with an optional error; `options` are `[value, label]`, the first one takes the name's id. */
export function Radios(props: { name: string; legend: string; value: string; error?: string; options: [string, string][] }): JSX.Element {
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <fieldset aria-describedby={props.error ? `${props.name}-error` : undefined}>
        <legend safe>{props.legend}</legend>
        {props.error ? (
          <span class="error-message" id={`${props.name}-error`} safe>
            {props.error}
          </span>
        ) : (
          ''
        )}
        {props.options.map(([value, label], i) => (
          <div class="checkbox">
            <input type="radio" id={i === 0 ? props.name : `${props.name}-${value}`} name={props.name} value={value} checked={props.value === value} />
            <label for={i === 0 ? props.name : `${props.name}-${value}`} safe>
              {label}
            </label>
          </div>
        ))}
      </fieldset>
    </div>
  );
}
