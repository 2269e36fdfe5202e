import { createRequire } from 'node:module';
import { escapeHtml } from '@kitajs/html';
import { geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { MAP_HEIGHT, MAP_WIDTH } from '../places/us-map.ts';
import { number } from './format.ts';
import { DataTable, type Datum } from './charts.tsx';

// A map of the United States shaded by a count per state (a petition's signatures), with the
// counts in a table beside it. Counts under 10 are written "fewer than 10", in the map's labels
// and in the table alike, so nobody in a small place can be picked out; and when only one state
// is that small, the next smallest is written as a range too, so the known total minus the other
// states does not give the small one away. Loaded on first use (d3-geo, the atlas).

/** Counts under this are never shown as they are. */
export const SMALL_COUNT = 10;

/** USPS code, name and FIPS code of each state, DC and Puerto Rico. */
const STATES: [string, string, string][] = [
  ['AL', 'Alabama', '01'], ['AK', 'Alaska', '02'], ['AZ', 'Arizona', '04'], ['AR', 'Arkansas', '05'], ['CA', 'California', '06'],
  ['CO', 'Colorado', '08'], ['CT', 'Connecticut', '09'], ['DE', 'Delaware', '10'], ['DC', 'District of Columbia', '11'], ['FL', 'Florida', '12'],
  ['GA', 'Georgia', '13'], ['HI', 'Hawaii', '15'], ['ID', 'Idaho', '16'], ['IL', 'Illinois', '17'], ['IN', 'Indiana', '18'],
  ['IA', 'Iowa', '19'], ['KS', 'Kansas', '20'], ['KY', 'Kentucky', '21'], ['LA', 'Louisiana', '22'], ['ME', 'Maine', '23'],
  ['MD', 'Maryland', '24'], ['MA', 'Massachusetts', '25'], ['MI', 'Michigan', '26'], ['MN', 'Minnesota', '27'], ['MS', 'Mississippi', '28'],
  ['MO', 'Missouri', '29'], ['MT', 'Montana', '30'], ['NE', 'Nebraska', '31'], ['NV', 'Nevada', '32'], ['NH', 'New Hampshire', '33'],
  ['NJ', 'New Jersey', '34'], ['NM', 'New Mexico', '35'], ['NY', 'New York', '36'], ['NC', 'North Carolina', '37'], ['ND', 'North Dakota', '38'],
  ['OH', 'Ohio', '39'], ['OK', 'Oklahoma', '40'], ['OR', 'Oregon', '41'], ['PA', 'Pennsylvania', '42'], ['RI', 'Rhode Island', '44'],
  ['SC', 'South Carolina', '45'], ['SD', 'South Dakota', '46'], ['TN', 'Tennessee', '47'], ['TX', 'Texas', '48'], ['UT', 'Utah', '49'],
  ['VT', 'Vermont', '50'], ['VA', 'Virginia', '51'], ['WA', 'Washington', '53'], ['WV', 'West Virginia', '54'], ['WI', 'Wisconsin', '55'],
  ['WY', 'Wyoming', '56'], ['PR', 'Puerto Rico', '72'],
];
const BY_FIPS = new Map(STATES.map(([code, name, fips]) => [fips, { code, name }]));
export const STATE_NAMES = new Map(STATES.map(([code, name]) => [code, name]));

/**
 * The counts as they may be shown: under 10 is "fewer than 10"; if exactly one is under 10, the
 * smallest of the others is shown as its range of ten ("10 to 19") so that no subtraction from a
 * known total finds the small one. Largest first.
 */
export function protectedCounts(rows: readonly { label: string; value: number }[]): Datum[] {
  const data: Datum[] = rows.filter((r) => r.value > 0).map((r) => ({ ...r, shown: r.value < SMALL_COUNT ? `fewer than ${SMALL_COUNT}` : number(r.value) }));
  const small = data.filter((d) => d.value < SMALL_COUNT);
  if (small.length === 1) {
    const next = data.filter((d) => d.value >= SMALL_COUNT).sort((a, b) => a.value - b.value)[0];
    if (next) {
      const low = Math.floor(next.value / 10) * 10;
      next.shown = `${number(low)} to ${number(low + 9)}`;
    }
  }
  // Largest first; the small ones last, in name order, so their place in the list says nothing.
  return data.sort((a, b) => (a.value < SMALL_COUNT && b.value < SMALL_COUNT ? a.label.localeCompare(b.label) : b.value - a.value));
}

let shapes: { code: string; name: string; d: string; at: [number, number] }[] | null = null;

/** Each state's outline and the point for its label, from us-atlas (already projected), made once per process. */
function stateShapes() {
  if (shapes) return shapes;
  const require = createRequire(import.meta.url);
  const atlas = require('us-atlas/states-albers-10m.json') as Topology<{ states: GeometryCollection }>;
  const path = geoPath(null).digits(0);
  const features = feature(atlas, atlas.objects.states) as unknown as { features: { id?: string | number; geometry: object }[] };
  shapes = features.features.flatMap((f) => {
    const state = BY_FIPS.get(String(f.id).padStart(2, '0'));
    if (!state) return [];
    const d = path(f as never) ?? '';
    const [x, y] = path.centroid(f as never);
    return [{ ...state, d, at: [x, y] as [number, number] }];
  });
  return shapes;
}

/** Which of five shades a count takes: 0 none, then four steps up to the largest. */
function shadeOf(value: number, max: number): number {
  if (value <= 0) return 0;
  if (value < SMALL_COUNT) return 1;
  return Math.min(4, 1 + Math.ceil((value / max) * 3));
}

/**
 * The map and its table. `counts` by USPS code; `elsewhere` counts those with no US state (no ZIP,
 * another country), listed in the table under that name with the same rule.
 */
export function StateMap(props: { id: string; title: string; counts: ReadonlyMap<string, number>; elsewhere: number; head: [string, string] }): JSX.Element {
  const rows = [...props.counts].filter(([code]) => STATE_NAMES.has(code)).map(([code, value]) => ({ label: STATE_NAMES.get(code)!, value, code }));
  const all = protectedCounts([...rows, { label: 'Elsewhere or unknown', value: props.elsewhere }]);
  const shownByName = new Map(all.map((d) => [d.label, d.shown!]));
  const max = Math.max(SMALL_COUNT, ...rows.map((r) => r.value));
  const valueOf = new Map(rows.map((r) => [r.code, r.value]));
  const e = escapeHtml;
  const summary =
    rows.length === 0
      ? 'No signatures from a US state yet.'
      : `Signatures from ${rows.length} ${rows.length === 1 ? 'state' : 'states'}, darker where there are more. Counts under ${SMALL_COUNT} are written “fewer than ${SMALL_COUNT}”. The table beside it has each state.`;
  let svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}" width="${MAP_WIDTH}" height="${MAP_HEIGHT}" role="img" aria-labelledby="${e(props.id)}-title ${e(props.id)}-desc">` +
    `<title id="${e(props.id)}-title">${e(props.title)}</title><desc id="${e(props.id)}-desc">${e(summary)}</desc>`;
  for (const s of stateShapes()) {
    const value = valueOf.get(s.code) ?? 0;
    const shown = value > 0 ? shownByName.get(s.name)! : 'none';
    svg += `<path class="state shade-${shadeOf(value, max)}" d="${s.d}"><title>${e(`${s.name}: ${shown}`)}</title></path>`;
  }
  for (const s of stateShapes()) {
    const value = valueOf.get(s.code) ?? 0;
    if (value >= SMALL_COUNT && Number.isFinite(s.at[0])) {
      const dark = shadeOf(value, max) >= 3;
      svg += `<text x="${s.at[0].toFixed(0)}" y="${s.at[1].toFixed(0)}" text-anchor="middle" font-size="14"${dark ? ' fill="#ffffff"' : ''}>${e(s.code)}</text>`;
    }
  }
  svg += '</svg>';
  const legend = (
    <ul class="legend" aria-hidden="true">
      <li>
        <span class="swatch shade-0"></span>none
      </li>
      <li>
        <span class="swatch shade-1"></span>
        {`fewer than ${SMALL_COUNT}`}
      </li>
      <li>
        <span class="swatch shade-2"></span>some
      </li>
      <li>
        <span class="swatch shade-4"></span>the most
      </li>
    </ul>
  );
  return (
    <figure class="chart" aria-labelledby={`${props.id}-caption`}>
      <figcaption id={`${props.id}-caption`}>
        <strong safe>{props.title}</strong>
      </figcaption>
      <div class="chart-pair">
        <div>
          {svg as 'safe'}
          {legend}
        </div>
        <div>
          <DataTable caption={props.title} head={props.head} data={all} empty="None yet." />
        </div>
      </div>
    </figure>
  );
}
