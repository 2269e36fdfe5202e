import { createRequire } from 'node:module';
import { escapeHtml } from '@kitajs/html';
import { geoAlbersUsa, geoPath } from 'd3-geo';
import { feature, mesh } from 'topojson-client';
import { presimplify, quantile, simplify } from 'topojson-simplify';
import type { Topology, GeometryCollection } from 'topojson-specification';
import { LRUCache } from 'lru-cache';

// The states from us-atlas, already projected with geoAlbersUsa at this scale and translation
// into a 975×610 frame: dots are projected the same way so they land on their city.
const WIDTH = 975;
const HEIGHT = 610;
const projection = geoAlbersUsa().scale(1300).translate([487.5, 305]);

export interface MapCity {
  /** "Chicago, IL": shown in the dot's tooltip and the text alternative. */
  name: string;
  latitude: number;
  longitude: number;
  events: number;
}

let baseLayer: string | null = null;

/**
 * The outline of the country and its state borders as two paths, made once per process. The
 * 10m file is simplified to the tenth of its points that matter most (about 10 KB of paths
 * instead of 100), so the page still arrives quickly on a phone.
 */
function base(): string {
  if (baseLayer) return baseLayer;
  const require = createRequire(import.meta.url);
  const atlas = require('us-atlas/states-albers-10m.json') as Topology<{ states: GeometryCollection; nation: GeometryCollection }>;
  const pre = presimplify(atlas);
  const us = simplify(pre, quantile(pre, 0.1)) as typeof atlas;
  const path = geoPath(null).digits(0);
  const nation = path(feature(us, us.objects.nation)) ?? '';
  const borders = path(mesh(us, us.objects.states, (a, b) => a !== b)) ?? '';
  baseLayer =
    `<path d="${nation}" fill="#e4e7ee" stroke="#8a8fa3" stroke-width="1"/>` +
    `<path d="${borders}" fill="none" stroke="#ffffff" stroke-width="1" stroke-linejoin="round"/>`;
  return baseLayer;
}

const cache = new LRUCache<string, string>({ max: 500 });

/**
 * The map of a campaign as inline SVG: no tiles, no script, no request to anyone. The same
 * cities give the same map, so it is kept by its content: a new event in a new city makes a new
 * key and every web process draws it once.
 */
export function campaignMap(opts: { title: string; describedBy: string; cities: MapCity[]; dotLabel: (city: MapCity) => string }): string {
  const dots = opts.cities
    .map((city) => ({ city, at: projection([city.longitude, city.latitude]) }))
    .filter((d): d is { city: MapCity; at: [number, number] } => d.at !== null);
  const key = JSON.stringify([opts.title, opts.describedBy, dots.map((d) => [d.city.name, d.city.events, d.at, opts.dotLabel(d.city)])]);
  const hit = cache.get(key);
  if (hit) return hit;
  const circles = dots
    .map(({ city, at: [x, y] }) => {
      // Big enough to see on a phone, where the map is about 400 pixels wide.
      const r = Math.min(9 + 3 * Math.sqrt(city.events - 1), 22).toFixed(1);
      return `<circle class="event-dot" cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" fill="#d4351c" fill-opacity="0.85" stroke="#ffffff" stroke-width="2"><title>${escapeHtml(opts.dotLabel(city))}</title></circle>`;
    })
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-labelledby="event-map-title" aria-describedby="${escapeHtml(opts.describedBy)}" focusable="false">` +
    `<title id="event-map-title">${escapeHtml(opts.title)}</title>${base()}<g>${circles}</g></svg>`;
  cache.set(key, svg);
  return svg;
}

/** How many dots a map shows: cities outside the projection (Puerto Rico, abroad) are only listed. */
export function onMap(city: Pick<MapCity, 'latitude' | 'longitude'>): boolean {
  return projection([city.longitude, city.latitude]) !== null;
}
