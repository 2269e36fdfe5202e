// What the import pages show, apart from their routes: the past imports table, the mapping form
// (the first rows and a select per column) and the report, with the labels and formats they
// share with the routes. Moved out of routes.tsx to keep that file short.
import type { Import } from '../tables.ts';
import { CsrfField, ErrorSummary, Input } from '../../kits/console/layout.tsx';
import { DataTable } from '../../kits/console/table.tsx';
import { counted, number } from '../../kits/console/format.ts';
import type { importsOf } from '../repository.ts';
import { REJECTIONS_KEPT, SUBSCRIBE_WORDING } from '../service.ts';
import { FIELD_LABELS, FIELDS, type Field } from '../parse.ts';

export type Errors = Record<string, string | undefined>;

// The routes write counts as these pages do.
export { number };
export const when = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;

export const STATUS_LABELS: Record<Import['status'], string> = {
  mapping: 'waiting for you to choose columns',
  queued: 'queued',
  running: 'importing',
  done: 'done',
  failed: 'failed',
};

function columnLabel(header: string, i: number): string {
  return header ? `Column ${i + 1}: ${header}` : `Column ${i + 1}`;
}

export function ImportsTable(props: { imports: Awaited<ReturnType<typeof importsOf>> }): JSX.Element {
  return (
    <DataTable
      caption="Past imports, newest first"
      empty="No imports yet."
      rows={props.imports}
      columns={[
        { label: 'File', head: true, text: (i) => i.file_name, href: (i) => `/admin/imports/${i.id}` },
        { label: 'Uploaded', text: (i) => [when(i.created_at), i.created_by_email ? `by ${i.created_by_email}` : ''].filter(Boolean).join(' ') },
        { label: 'Status', text: (i) => (i.status === 'running' ? `importing (${number(i.rows_done)} of ${number(i.total_rows)})` : STATUS_LABELS[i.status]) },
        { label: 'Rows', num: true, text: (i) => number(i.total_rows) },
        { label: 'Added', num: true, text: (i) => number(i.added) },
        { label: 'Merged', num: true, text: (i) => number(i.merged) },
        { label: 'Rejected', num: true, text: (i) => number(i.rejected) },
      ]}
    />
  );
}

/** The mapping form: one select per column, guessed from the header, with the first rows as examples. */
export function MappingForm(props: { imp: Import; csrf: string; mapping: Field[]; tag: string; subscribe: boolean; errors: Errors }): JSX.Element {
  const header = JSON.parse(props.imp.columns) as string[];
  const preview = JSON.parse(props.imp.preview) as string[][];
  const cut = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);
  return (
    <>
      <h2>The first rows</h2>
      <table>
        <caption safe>{preview.length >= props.imp.total_rows ? (props.imp.total_rows === 1 ? 'The only row' : `All ${counted(props.imp.total_rows, 'row')}`) : `The first ${number(preview.length)} of ${counted(props.imp.total_rows, 'row')}`}</caption>
        <thead>
          <tr>
            {header.map((h, i) => (
              <th scope="col" safe>
                {h || `Column ${i + 1}`}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.map((row) => (
            <tr>
              {header.map((_, i) => (
                <td safe>{cut(row[i] ?? '')}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <h2>What is in each column?</h2>
      <ErrorSummary errors={props.errors} />
      <form method="post" action={`/admin/imports/${props.imp.id}/start`}>
        <CsrfField token={props.csrf} />
        <table id="mapping">
          <caption>People are matched to your list by email. Columns you ignore are not stored; a phone column is kept as the person’s phone number.</caption>
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">First value</th>
              <th scope="col">Import as</th>
            </tr>
          </thead>
          <tbody>
            {header.map((h, i) => (
              <tr>
                <th scope="row">
                  <label for={`column_${i}`} safe>
                    {columnLabel(h, i)}
                  </label>
                </th>
                <td safe>{cut(preview[0]?.[i] ?? '')}</td>
                <td>
                  <select id={`column_${i}`} name={`column_${i}`}>
                    {FIELDS.map((f) => (
                      <option value={f} selected={props.mapping[i] === f} safe>
                        {FIELD_LABELS[f]}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Input name="tag" label="Tag everyone in this file (optional)" value={props.tag} hint="For example: march-2024-rally. Up to 100 characters." error={props.errors.tag} />
        <div class="checkbox">
          <input type="checkbox" id="subscribe" name="subscribe" value="yes" checked={props.subscribe} />
          <label for="subscribe">{SUBSCRIBE_WORDING}</label>
        </div>
        <p class="hint">
          Leave this unticked unless each person agreed to hear from you: new people are then added as not subscribed, and people already on your list keep their
          subscription as it is.
        </p>
        <button type="submit" safe>{`Import ${counted(props.imp.total_rows, 'row')}`}</button>
      </form>
      <p>Not the right file? Discard it: nothing from it has been imported.</p>
      <form method="post" action={`/admin/imports/${props.imp.id}/discard`}>
        <CsrfField token={props.csrf} />
        <button type="submit" class="secondary">
          Discard this file
        </button>
      </form>
    </>
  );
}

/** A row of the file that named a person an earlier row already named: its line, that line, and the email they share. */
export interface Duplicate {
  line: number;
  firstLine: number;
  email: string;
}

export function Report(props: { imp: Import; rejections: { line: number; reason: string }[]; duplicates: Duplicate[]; duplicateCount: number }): JSX.Element {
  const { imp } = props;
  const reasons = Object.entries(JSON.parse(imp.reasons) as Record<string, number>).sort((a, b) => b[1] - a[1]);
  return (
    <>
      <h2>Report</h2>
      <table>
        <tbody>
          <tr>
            <th scope="row">Added (new people)</th>
            <td class="num" safe>
              {number(imp.added)}
            </td>
          </tr>
          <tr>
            <th scope="row">Merged (already on your list, or twice in the file: updated)</th>
            <td class="num" safe>
              {number(imp.merged)}
            </td>
          </tr>
          <tr>
            <th scope="row">Rejected</th>
            <td class="num" safe>
              {number(imp.rejected)}
            </td>
          </tr>
        </tbody>
      </table>
      {props.duplicateCount > 0 ? (
        <>
          <h3 safe>{props.duplicateCount === 1 ? 'A person is in the file twice' : `${number(props.duplicateCount)} rows repeat a person already in the file`}</h3>
          <p>Rows with the same email are one person: they were merged, the later row’s values replacing the earlier ones and the tags added up. Check these lines if two different people share an address.</p>
          <DataTable
            rows={props.duplicates.slice(0, 50)}
            caption={props.duplicateCount > 50 ? `The first 50 of ${number(props.duplicateCount)}` : undefined}
            columns={[
              { label: 'Line', num: true, text: (d) => String(d.line) },
              { label: 'Same person as line', num: true, text: (d) => String(d.firstLine) },
              { label: 'Email', text: (d) => d.email },
            ]}
          />
        </>
      ) : (
        ''
      )}
      {reasons.length > 0 ? (
        <>
          <h3>Why rows were rejected</h3>
          <DataTable
            rows={reasons}
            columns={[
              { label: 'Reason', text: ([reason]) => reason },
              { label: 'Rows', num: true, text: ([, n]) => number(n) },
            ]}
          />
          <p>
            <a href={`/admin/imports/${imp.id}/rejected.csv`}>Download the rejected rows (CSV)</a>
            {imp.rejected > REJECTIONS_KEPT ? ` (the first ${number(REJECTIONS_KEPT)} are kept)` : ''}, fix them and import that file.
          </p>
          <h3>{imp.rejected > props.rejections.length ? `The first ${counted(props.rejections.length, 'rejected row')}` : 'Rejected rows'}</h3>
          <DataTable
            rows={props.rejections.slice(0, 20)}
            columns={[
              { label: 'Line', num: true, text: (r) => String(r.line) },
              { label: 'Reason', text: (r) => r.reason },
            ]}
          />
        </>
      ) : (
        ''
      )}
    </>
  );
}
