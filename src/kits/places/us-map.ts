import { createRequire } from 'node:module';
import { escapeHtml } from '@kitajs/html';
import { geoAlbersUsa, geoPath } from 'd3-geo';
import { feature, mesh } from 'topojson-client';
import { presimplify, quantile, simplify } from 'topojson-simplify';
import type { Topology, GeometryCollection } from 'topojson-specification';

// Maps of the United States drawn on the server as inline SVG: no tiles, no script, no request
// to anyone. The states come from us-atlas, already projected with geoAlbersUsa at this scale
// and translation into a 975×610 frame; points are projected the same way so they land where
// they are. Loaded on first use (the atlas is read once per process).

export const MAP_WIDTH = 975;
export const MAP_HEIGHT = 610;
const projection = geoAlbersUsa().scale(1300).translate([487.5, 305]);

/** Where a point falls on the map, or null outside the projection (abroad, Puerto Rico). */
export function project(point: { latitude: number; longitude: number }): [number, number] | null {
  return projection([point.longitude, point.latitude]);
}

let baseLayer: string | null = null;

/**
 * The outline of the country and its state borders as two paths, made once per process. The
 * 10m file is simplified to the tenth of its points that matter most (about 10 KB of paths
 * instead of 100), so the page still arrives quickly on a phone. Strokes keep their width when
 * a map is framed on a smaller region.
 */
export function usBaseLayer(): string {
  if (baseLayer) return baseLayer;
  const require = createRequire(import.meta.url);
  const atlas = require('us-atlas/states-albers-10m.json') as Topology<{ states: GeometryCollection; nation: GeometryCollection }>;
  const pre = presimplify(atlas);
  const us = simplify(pre, quantile(pre, 0.1)) as typeof atlas;
  const path = geoPath(null).digits(0);
  const nation = path(feature(us, us.objects.nation)) ?? '';
  const borders = path(mesh(us, us.objects.states, (a, b) => a !== b)) ?? '';
  baseLayer =
    `<path d="${nation}" fill="#e4e7ee" stroke="#8a8fa3" stroke-width="1" vector-effect="non-scaling-stroke"/>` +
    `<path d="${borders}" fill="none" stroke="#ffffff" stroke-width="1" stroke-linejoin="round" vector-effect="non-scaling-stroke"/>`;
  return baseLayer;
}

/** A rectangle of the map frame: what a map shows. */
export interface Frame {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const WHOLE_MAP: Frame = { x: 0, y: 0, width: MAP_WIDTH, height: MAP_HEIGHT };

/**
 * The part of the map around `center` that shows `miles` in every direction, in the map's
 * proportions, never smaller than `minWidth` pixels of the whole map nor larger than it.
 */
export function frameAround(center: { latitude: number; longitude: number }, miles: number, minWidth = 40): Frame | null {
  const at = project(center);
  if (!at) return null;
  // A degree of latitude is about 69 miles; the projection's scale there gives pixels per mile.
  const north = project({ latitude: Math.min(center.latitude + miles / 69, 89), longitude: center.longitude });
  const south = project({ latitude: Math.max(center.latitude - miles / 69, -89), longitude: center.longitude });
  const perMile = north && south ? Math.abs(south[1] - north[1]) / (2 * miles) : 0.4;
  const half = Math.max((miles * perMile) * 1.15, minWidth / 2);
  let width = Math.min(Math.max(2 * half * (MAP_WIDTH / MAP_HEIGHT), minWidth), MAP_WIDTH);
  let height = width * (MAP_HEIGHT / MAP_WIDTH);
  if (height < 2 * half) {
    height = Math.min(2 * half, MAP_HEIGHT);
    width = height * (MAP_WIDTH / MAP_HEIGHT);
  }
  const x = Math.min(Math.max(at[0] - width / 2, 0), MAP_WIDTH - width);
  const y = Math.min(Math.max(at[1] - height / 2, 0), MAP_HEIGHT - height);
  return { x, y, width, height };
}

const n = (v: number) => v.toFixed(1);

/**
 * The SVG around a map's marks, framed on `frame`. `title` names it for screen readers. A map
 * whose marks are links is a named group, not an image: an image's content is hidden from
 * assistive technology, so links inside one could not be reached (axe's nested-interactive).
 */
export function mapSvg(opts: { title: string; titleId: string; describedBy?: string; frame: Frame; marks: string; label?: string }): string {
  const f = opts.frame;
  const described = opts.describedBy ? ` aria-describedby="${escapeHtml(opts.describedBy)}"` : '';
  const role = /<a[\s>]/.test(opts.marks) ? 'group' : 'img';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${n(f.x)} ${n(f.y)} ${n(f.width)} ${n(f.height)}" width="100%" role="${role}" aria-labelledby="${escapeHtml(opts.titleId)}"${described}>` +
    `<title id="${escapeHtml(opts.titleId)}">${escapeHtml(opts.title)}</title>${usBaseLayer()}${opts.marks}</svg>`
  );
}

/**
 * A small map of the area an event is in: a shaded circle of about `radiusMiles` around a point
 * that was already rounded, never a pin on the door. Null when the point is outside the map.
 */
export function areaMap(point: { latitude: number; longitude: number }, opts: { title: string; radiusMiles?: number }): string | null {
  const radius = opts.radiusMiles ?? 3;
  const frame = frameAround(point, radius * 8);
  const at = project(point);
  if (!frame || !at) return null;
  const north = project({ latitude: point.latitude + radius / 69, longitude: point.longitude });
  const r = north ? Math.max(Math.abs(at[1] - north[1]), frame.width / 30) : frame.width / 12;
  const marks = `<circle cx="${n(at[0])}" cy="${n(at[1])}" r="${r.toFixed(2)}" fill="#d4351c" fill-opacity="0.3" stroke="#d4351c" stroke-width="2" vector-effect="non-scaling-stroke"/>`;
  return mapSvg({ title: opts.title, titleId: 'area-map-title', frame, marks });
}
