import { escapeHtml } from '@kitajs/html';
import { number } from './format.ts';

// Charts drawn on the server as SVG, no script: bars from values scaled by hand (a linear scale
// from zero is all a count needs). Each chart is an image with a title and a one-line summary for
// screen readers, beside a table of the same numbers, so nothing is only in the picture.

/** One bar: its label, its value, and how the value is written (a count by default). */
export interface Datum {
  label: string;
  value: number;
  /** The value as the table and the bar's label write it ("fewer than 10"); `number(value)` by default. */
  shown?: string;
}

const e = escapeHtml;
const f = (v: number) => (Math.round(v * 10) / 10).toString();

/** A tick a little above the largest value, so the longest bar nearly fills the chart: 1, 2, 5 × 10ⁿ. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}

function Figure(props: { id: string; title: string; summary: string; svg: string; table: JSX.Element }): JSX.Element {
  return (
    <figure class="chart" aria-labelledby={`${props.id}-caption`}>
      <figcaption id={`${props.id}-caption`}>
        <strong safe>{props.title}</strong>
      </figcaption>
      <div class="chart-pair">
        <div>{props.svg as 'safe'}</div>
        <div>{props.table as 'safe'}</div>
      </div>
    </figure>
  );
}

function svgOpen(id: string, width: number, height: number, title: string, summary: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${e(id)}-title ${e(id)}-desc">` +
    `<title id="${e(id)}-title">${e(title)}</title><desc id="${e(id)}-desc">${e(summary)}</desc>`
  );
}

/**
 * The numbers of a chart as a two-column table (a label, its value as `shown` writes it), for
 * screen readers and for copying; `empty` stands in for it when there are none. With an `id`, the
 * table is `${id}-table`.
 */
export function DataTable(props: { id?: string; caption: string; head: [string, string]; data: readonly Datum[]; empty: string }): JSX.Element {
  if (props.data.length === 0) return <p safe>{props.empty}</p>;
  return (
    <table class="stack" id={props.id === undefined ? undefined : `${props.id}-table`}>
      <caption class="skip" safe>
        {props.caption}
      </caption>
      <thead>
        <tr>
          <th scope="col" safe>
            {props.head[0]}
          </th>
          <th scope="col" class="num" safe>
            {props.head[1]}
          </th>
        </tr>
      </thead>
      <tbody>
        {props.data.map((d) => (
          <tr>
            <th scope="row" data-label={props.head[0]} safe>
              {d.label}
            </th>
            <td class="num" data-label={props.head[1]} safe>
              {d.shown ?? number(d.value)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Horizontal bars, one per item (by source, by state …), largest first as given, with the same numbers in a table. */
export function BarChart(props: { id: string; title: string; data: readonly Datum[]; head: [string, string]; empty: string }): JSX.Element {
  const data = props.data;
  const summary = data.length === 0 ? props.empty : `${data.length} ${data.length === 1 ? 'bar' : 'bars'}; the largest is ${data.reduce((a, b) => (b.value > a.value ? b : a)).label}. The table beside it has the numbers.`;
  const row = 28;
  const labelWidth = 160;
  const width = 560;
  const barsWidth = width - labelWidth - 110;
  const height = Math.max(data.length, 1) * row + 8;
  const max = niceMax(Math.max(0, ...data.map((d) => d.value)));
  if (data.length === 0) return <Figure id={props.id} title={props.title} summary={summary} svg="" table={<p safe>{props.empty}</p>} />;
  let svg = svgOpen(props.id, width, height, props.title, summary);
  data.forEach((d, i) => {
    const y = i * row + 4;
    const w = Math.max((d.value / max) * barsWidth, d.value > 0 ? 2 : 0);
    const label = d.label.length > 22 ? `${d.label.slice(0, 21)}…` : d.label;
    svg +=
      `<text x="${labelWidth - 6}" y="${y + 17}" text-anchor="end">${e(label)}</text>` +
      `<rect class="bar" x="${labelWidth}" y="${y + 3}" width="${f(w)}" height="${row - 8}"/>` +
      `<text x="${f(labelWidth + w + 6)}" y="${y + 17}">${e(d.shown ?? number(d.value))}</text>`;
  });
  svg += `<line class="axis" x1="${labelWidth}" y1="0" x2="${labelWidth}" y2="${height}"/></svg>`;
  return <Figure id={props.id} title={props.title} summary={summary} svg={svg} table={<DataTable id={props.id} caption={props.title} head={props.head} data={data} empty={props.empty} />} />;
}

/** Columns per day (oldest first), days given as YYYY-MM-DD, with the same numbers in a table. */
export function DailyChart(props: { id: string; title: string; days: readonly { day: string; value: number }[]; head: [string, string] }): JSX.Element {
  const days = props.days;
  const total = days.reduce((n, d) => n + d.value, 0);
  const peak = days.reduce((a, b) => (b.value > a.value ? b : a), days[0] ?? { day: '', value: 0 });
  const summary = total === 0 ? 'None in these days.' : `${number(total)} in ${days.length} days; the most, ${number(peak.value)}, on ${peak.day}. The table beside it has each day.`;
  const width = 560;
  const height = 200;
  const left = 44;
  const bottom = 24;
  const plotH = height - bottom - 10;
  const max = niceMax(Math.max(0, ...days.map((d) => d.value)));
  const slot = (width - left) / Math.max(days.length, 1);
  let svg = svgOpen(props.id, width, height, props.title, summary);
  svg += `<text x="${left - 6}" y="16" text-anchor="end">${e(number(max))}</text><text x="${left - 6}" y="${height - bottom}" text-anchor="end">0</text>`;
  days.forEach((d, i) => {
    const h = (d.value / max) * plotH;
    const x = left + i * slot;
    svg += `<rect class="bar" x="${f(x + 1)}" y="${f(height - bottom - h)}" width="${f(Math.max(slot - 2, 1))}" height="${f(h)}"/>`;
    // A label every week, and the last day's unless it would touch the one before.
    if (i % 7 === 0 || (i === days.length - 1 && i % 7 >= 4)) svg += `<text x="${f(x + slot / 2)}" y="${height - 6}" text-anchor="middle">${e(d.day.slice(5))}</text>`;
  });
  svg += `<line class="axis" x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}"/></svg>`;
  // The table lists the days that had any, so it stays short; the chart shows every day.
  const data = days.filter((d) => d.value > 0).map((d) => ({ label: d.day, value: d.value }));
  const empty = `None in these ${days.length} days.`;
  const table = <DataTable id={props.id} caption={`${props.title}: the days with any`} head={props.head} data={data} empty={empty} />;
  return <Figure id={props.id} title={props.title} summary={summary} svg={svg} table={data.length > 0 && data.length < days.length ? <>{table}<p class="hint">Every other day: none.</p></> : table} />;
}
