import { canadianShape, lookupPostal, zipShape, type ZipPlace } from '../kits/places/postal.ts';
// The postal codes the offline table places (US ZIPs, Canadian postal codes) are the places kit's.
export { canadianShape, COVERED_COUNTRIES, isCovered, lookupPostal, lookupZip, withPlace, zipShape, type ZipPlace } from '../kits/places/postal.ts';
import { geoDistance } from 'd3-geo';

/** The distances a supporter can search within, in miles; anything else is refused. */
export const DISTANCES = [5, 10, 25, 50, 100] as const;
export type Distance = (typeof DISTANCES)[number];
export const DEFAULT_DISTANCE: Distance = 25;

// The mean radius of the Earth in miles: geoDistance answers in radians on the unit sphere.
const EARTH_RADIUS_MILES = 3958.8;

/** Great-circle distance in miles (d3-geo's, on a sphere: good to a fraction of a percent). */
export function milesBetween(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  return geoDistance([a.longitude, a.latitude], [b.longitude, b.latitude]) * EARTH_RADIUS_MILES;
}

export type SearchProblem = { field: 'zip'; kind: 'format' | 'unknown'; zip: string } | { field: 'distance'; kind: 'distance' };

/** A searched code as typed: a US ZIP, else a Canadian postal code; null for neither shape. */
function searchedCode(raw: string): { code: string; country: 'US' | 'CA' } | null {
  const five = zipShape(raw);
  if (five) return { code: five, country: 'US' };
  const ca = canadianShape(raw);
  return ca ? { code: ca, country: 'CA' } : null;
}

export interface Search {
  zip: string;
  origin: ZipPlace;
  miles: Distance;
}

/**
 * Reads `?zip=&distance=` as typed into the search form. No ZIP means no search; a ZIP that is
 * not five digits or not in the table, and any distance but the offered ones, are problems the
 * page explains (nothing is guessed: "10,000" or "-5" are not rounded to a choice).
 */
export function parseSearch(query: Record<string, unknown>): { search: Search | null; problems: SearchProblem[]; zip: string; distance: string } {
  const zipRaw = typeof query.zip === 'string' ? query.zip.trim().slice(0, 20) : '';
  const distanceRaw = typeof query.distance === 'string' ? query.distance.trim().slice(0, 20) : '';
  const problems: SearchProblem[] = [];
  const miles = distanceRaw === '' ? DEFAULT_DISTANCE : DISTANCES.find((d) => String(d) === distanceRaw);
  if (miles === undefined) problems.push({ field: 'distance', kind: 'distance' });
  if (!zipRaw) return { search: null, problems, zip: '', distance: distanceRaw };
  const shaped = searchedCode(zipRaw);
  const origin = shaped ? lookupPostal(shaped.code, shaped.country) : null;
  if (!shaped) problems.push({ field: 'zip', kind: 'format', zip: zipRaw });
  else if (!origin) problems.push({ field: 'zip', kind: 'unknown', zip: shaped.code });
  if (problems.length > 0 || !origin || miles === undefined) return { search: null, problems, zip: zipRaw, distance: distanceRaw };
  return { search: { zip: shaped!.code, origin, miles }, problems, zip: zipRaw, distance: distanceRaw };
}

/**
 * Where an event is: its own coordinates, or else its postal code's centroid where the offline
 * table covers the country (events made before a ZIP was known have none stored). Null for an
 * event with neither: it is listed, without a distance or a dot.
 */
export function eventPoint(e: { online: number; latitude: number | null; longitude: number | null; postal_code: string | null; country?: string }): { latitude: number; longitude: number } | null {
  if (e.online) return null;
  if (e.latitude !== null && e.longitude !== null) return { latitude: e.latitude, longitude: e.longitude };
  const zip = e.postal_code ? lookupPostal(e.postal_code, e.country ?? 'US') : null;
  return zip ? { latitude: zip.latitude, longitude: zip.longitude } : null;
}

