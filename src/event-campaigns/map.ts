import { escapeHtml } from '@kitajs/html';
import { LRUCache } from 'lru-cache';
import { frameAround, mapSvg, project, WHOLE_MAP, MAP_WIDTH, type Frame } from '../kits/places/us-map.ts';

// The campaign's map: one linked dot per event, dots that would overlap grouped into one circle
// with a count, framed on the searched region with its matches marked apart from the rest.

export interface MapEvent {
  slug: string;
  title: string;
  /** "Chicago, IL": in the link's name and the list under the map. */
  place: string;
  postal_code: string | null;
  latitude: number;
  longitude: number;
  /** Within the search (always true when nobody searched). */
  match: boolean;
}

/** Events drawn as one circle: close enough on this map to overlap. */
export interface MapCluster {
  events: MapEvent[];
  x: number;
  y: number;
  match: boolean;
}

// A dot's radius on a 975-pixel-wide frame: big enough to tap on a phone, where the map is
// about 400 pixels wide. Framed on a region, dots keep that size on the screen.
const DOT = 9;

/**
 * Groups the events whose dots would overlap on `frame` (centres closer than a dot's diameter,
 * measured on the frame as shown), matches and the rest apart so each circle is one or the other.
 * Events outside the projection (Puerto Rico, abroad) are left out: the page lists them.
 */
export function clusterEvents(events: MapEvent[], frame: Frame): MapCluster[] {
  const scale = frame.width / MAP_WIDTH;
  const reach = 2 * DOT * scale;
  const clusters: (MapCluster & { sx: number; sy: number })[] = [];
  const placed = events
    .map((e) => ({ e, at: project(e) }))
    .filter((p): p is { e: MapEvent; at: [number, number] } => p.at !== null)
    .sort((a, b) => a.at[0] - b.at[0] || a.at[1] - b.at[1] || a.e.slug.localeCompare(b.e.slug));
  for (const { e, at } of placed) {
    const near = clusters.find((c) => c.match === e.match && Math.hypot(c.x - at[0], c.y - at[1]) < reach);
    if (near) {
      near.events.push(e);
      near.sx += at[0];
      near.sy += at[1];
      near.x = near.sx / near.events.length;
      near.y = near.sy / near.events.length;
    } else clusters.push({ events: [e], x: at[0], y: at[1], match: e.match, sx: at[0], sy: at[1] });
  }
  return clusters.map(({ events, x, y, match }) => ({ events, x, y, match }));
}

const cache = new LRUCache<string, string>({ max: 500 });

export interface CampaignMapOptions {
  title: string;
  describedBy: string;
  events: MapEvent[];
  /** The searched region: the map is framed on it and its centre marked. */
  region?: { latitude: number; longitude: number; miles: number } | null;
  /** Where a circle of several events leads (the search around them, say). */
  clusterHref: (cluster: MapCluster) => string;
  /** The link's accessible name: "Vigil for privacy, Chicago, IL" or "3 events near Chicago, IL". */
  label: (cluster: MapCluster) => string;
  originLabel?: string;
}

/**
 * The map of a campaign as inline SVG, each circle a link (`<a href>` with its name). The same
 * events and search give the same map, so it is kept by its content: a new event makes a new
 * key and every web process draws it once.
 */
export function campaignMap(opts: CampaignMapOptions): string {
  const frame = (opts.region && frameAround(opts.region, opts.region.miles)) || WHOLE_MAP;
  const clusters = clusterEvents(opts.events, frame);
  const drawn = clusters.map((c) => ({ c, href: c.events.length === 1 ? `/events/${c.events[0]!.slug}` : opts.clusterHref(c), label: opts.label(c) }));
  const key = JSON.stringify([opts.title, opts.describedBy, frame, opts.region, opts.originLabel, drawn.map((d) => [d.c.x, d.c.y, d.c.match, d.c.events.length, d.href, d.label])]);
  const hit = cache.get(key);
  if (hit) return hit;
  const scale = frame.width / MAP_WIDTH;
  const f = (v: number) => v.toFixed(2);
  // Matches last, so they are drawn over the rest and come first to no one: the list is the order.
  const ordered = [...drawn].sort((a, b) => Number(a.c.match) - Number(b.c.match));
  const marks = ordered
    .map(({ c, href, label }) => {
      const count = c.events.length;
      const r = Math.min(DOT + 3 * Math.sqrt(count - 1), 22) * scale;
      const fill = c.match ? '#d4351c' : '#6b7280';
      const cls = c.match ? 'event-dot match' : 'event-dot';
      const text =
        count > 1
          ? `<text x="${f(c.x)}" y="${f(c.y)}" dy="0.35em" text-anchor="middle" font-size="${f(11 * scale)}" font-weight="bold" fill="#ffffff" aria-hidden="true">${count}</text>`
          : '';
      return (
        `<a href="${escapeHtml(href)}" aria-label="${escapeHtml(label)}">` +
        `<circle class="${cls}" cx="${f(c.x)}" cy="${f(c.y)}" r="${f(r)}" fill="${fill}" fill-opacity="${c.match ? '0.9' : '0.6'}" stroke="#ffffff" stroke-width="2" vector-effect="non-scaling-stroke"><title>${escapeHtml(label)}</title></circle>${text}</a>`
      );
    })
    .join('');
  let origin = '';
  const at = opts.region ? project(opts.region) : null;
  if (at) {
    const s = 7 * scale;
    origin =
      `<g class="search-origin" stroke="#0b0c0c" stroke-width="2" vector-effect="non-scaling-stroke" fill="none">` +
      (opts.originLabel ? `<title>${escapeHtml(opts.originLabel)}</title>` : '') +
      `<circle cx="${f(at[0])}" cy="${f(at[1])}" r="${f(s)}" vector-effect="non-scaling-stroke"/>` +
      `<path d="M${f(at[0] - s * 1.6)} ${f(at[1])}H${f(at[0] + s * 1.6)}M${f(at[0])} ${f(at[1] - s * 1.6)}V${f(at[1] + s * 1.6)}" vector-effect="non-scaling-stroke"/></g>`;
  }
  const svg = mapSvg({ title: opts.title, titleId: 'event-map-title', describedBy: opts.describedBy, frame, marks: `${origin}<g>${marks}</g>` });
  cache.set(key, svg);
  return svg;
}

/** Whether a point has a place on the map: events outside the projection (Puerto Rico, abroad) are only listed. */
export function onMap(point: { latitude: number; longitude: number }): boolean {
  return project(point) !== null;
}
