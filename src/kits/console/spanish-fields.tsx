import { Input, TextArea } from './layout.tsx';

// The Spanish version of an action's own words, under its English fields: one fieldset, its
// inputs marked `lang="es"` (so spelling checkers and screen readers take them as Spanish), each
// optional, checked like the English field it translates (src/kits/pages/localized.ts).

export interface SpanishField {
  /** The form field's name, like `title_es`. */
  name: string;
  /** What the field translates, like "Title". */
  label: string;
  value: string;
  error?: string;
  /** Rows of a multi-line text; absent: one line. */
  rows?: number;
  hint?: string;
}

export function SpanishFields(props: { fields: SpanishField[] }): JSX.Element {
  return (
    <fieldset class="spanish-version" aria-describedby="spanish-version-hint">
      <legend>Spanish version (optional)</legend>
      <p class="hint" id="spanish-version-hint">
        Shown to readers whose browser asks for Spanish. Leave a field empty and they see the English text, marked as English for screen readers.
      </p>
      {props.fields.map((f) =>
        f.rows ? (
          <TextArea name={f.name} label={`${f.label} in Spanish`} value={f.value} error={f.error} hint={f.hint} rows={f.rows} lang="es" />
        ) : (
          <Input name={f.name} label={`${f.label} in Spanish`} value={f.value} error={f.error} hint={f.hint} lang="es" />
        ),
      )}
    </fieldset>
  );
}
