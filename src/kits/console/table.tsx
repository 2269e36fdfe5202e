import { escapeHtml } from '@kitajs/html';

/** A column of a console table: its heading, and how each row fills its cell. */
export interface Column<R> {
  /** The heading, written by the page (never data): shown as it is, so it may hold markup. */
  label: JSX.Element;
  /** Counts: right-aligned. */
  num?: boolean;
  /** The cell heads its row (`<th scope="row">`), as the name of the item does. */
  head?: boolean;
  /** The cell's text, escaped. */
  text?: (row: R) => string;
  /** With `text`: the cell is a link to there. */
  href?: (row: R) => string;
  /** A cell of markup (a form, several spans) instead of text. */
  cell?: (row: R) => JSX.Element;
}

/** The heading as plain text, for the label a narrow screen shows beside each cell (`data-label`). */
export function labelText(label: JSX.Element): string {
  return String(label)
    .replace(/<[^>]*>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

function Cell<R>(props: { column: Column<R>; row: R; label: string }): JSX.Element {
  const { column: c, row } = props;
  const text = c.text?.(row) ?? '';
  const content = c.cell ? c.cell(row) : c.href ? <a href={c.href(row)} safe>{text}</a> : escapeHtml(text);
  const label = props.label || undefined;
  if (c.head) return <th scope="row" data-label={label}>{content as 'safe'}</th>;
  return <td class={c.num ? 'num' : undefined} data-label={label}>{content as 'safe'}</td>;
}

/**
 * The console's table of items: a heading per column, a row per item, and `foot` (a total) as
 * the last row. `empty` stands instead of a table with no rows: a line, or '' for nothing;
 * without it an empty table is still drawn. On a narrow screen the stylesheet shows each row as
 * a block, every cell with its heading beside it (`data-label`); the markup stays a table.
 */
export function DataTable<R>(props: { columns: Column<R>[]; rows: readonly R[]; caption?: string; empty?: string; foot?: R }): JSX.Element {
  const { columns } = props;
  const labels = columns.map((c) => labelText(c.label));
  if (props.rows.length === 0 && props.empty !== undefined) return props.empty ? <p safe>{props.empty}</p> : '';
  return (
    <table class="stack">
      {props.caption ? <caption safe>{props.caption}</caption> : ''}
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" class={c.num ? 'num' : undefined}>
              {c.label as 'safe'}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr>
            {columns.map((c, i) => (
              <Cell column={c} row={row} label={labels[i]!} />
            ))}
          </tr>
        ))}
      </tbody>
      {props.foot ? (
        <tfoot>
          <tr>
            {columns.map((c, i) => (
              <Cell column={c} row={props.foot!} label={labels[i]!} />
            ))}
          </tr>
        </tfoot>
      ) : (
        ''
      )}
    </table>
  );
}
