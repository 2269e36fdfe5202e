import { AdminLayout, CsrfField, type AdminPage } from './layout.tsx';

// A second step before something hard to undo (closing an action to supporters), without a
// script: the first POST answers with this page, whose button posts the same form again with
// `confirm=yes`; the other way goes back without changing anything.

/** Whether a POST is the confirmed second step. */
export const confirmed = (body: unknown) => typeof body === 'object' && body !== null && (body as Record<string, unknown>).confirm === 'yes';

/** The fields of a posted form to carry through the confirmation, as strings (the CSRF token and `confirm` aside). */
export function carriedFields(body: unknown): [string, string][] {
  if (typeof body !== 'object' || body === null) return [];
  return Object.entries(body as Record<string, unknown>).flatMap(([name, value]) =>
    name === '_csrf' || name === 'confirm' ? [] : [value].flat().filter((v): v is string => typeof v === 'string').map((v): [string, string] => [name, v]),
  );
}

export function ConfirmPage(props: { page: AdminPage; title: string; body: string[]; action: string; confirmLabel: string; back: { href: string; label: string }; fields?: [string, string][] }): JSX.Element {
  return (
    <AdminLayout page={props.page} title={props.title}>
      <h1 safe>{props.title}</h1>
      <>
        {props.body.map((line) => (
          <p safe>{line}</p>
        ))}
      </>
      <form method="post" action={props.action}>
        <CsrfField token={props.page.csrf} />
        {(props.fields ?? []).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="danger" safe>
          {props.confirmLabel}
        </button>
      </form>
      <p>
        <a href={props.back.href} safe>
          {props.back.label}
        </a>
      </p>
    </AdminLayout>
  );
}
