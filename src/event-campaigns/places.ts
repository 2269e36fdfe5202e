import { zipcodes } from '../kits/places/zipcodes.ts';
import { geoDistance } from 'd3-geo';

/** The distances a supporter can search within, in miles; anything else is refused. */
export const DISTANCES = [5, 10, 25, 50, 100] as const;
export type Distance = (typeof DISTANCES)[number];
export const DEFAULT_DISTANCE: Distance = 25;

// The mean radius of the Earth in miles: geoDistance answers in radians on the unit sphere.
const EARTH_RADIUS_MILES = 3958.8;

export interface ZipPlace {
  zip: string;
  latitude: number;
  longitude: number;
  city: string;
  state: string;
}

/** A five-digit US ZIP (a ZIP+4 is cut to its first five). */
export function zipShape(raw: string): string | null {
  const v = raw.trim();
  return /^\d{5}(-\d{4})?$/.test(v) ? v.slice(0, 5) : null;
}

/** The centroid of a US ZIP from the offline `zipcodes` table, or null when there is no such ZIP. */
export function lookupZip(zip: string): ZipPlace | null {
  const five = zipShape(zip);
  if (!five) return null;
  const found = zipcodes().lookup(five);
  if (!found || found.country !== 'US') return null;
  return { zip: five, latitude: found.latitude, longitude: found.longitude, city: found.city, state: found.state };
}

/** Great-circle distance in miles (d3-geo's, on a sphere: good to a fraction of a percent). */
export function milesBetween(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  return geoDistance([a.longitude, a.latitude], [b.longitude, b.latitude]) * EARTH_RADIUS_MILES;
}

export type SearchProblem = { field: 'zip'; kind: 'format' | 'unknown'; zip: string } | { field: 'distance'; kind: 'distance' };

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
  const five = zipShape(zipRaw);
  const origin = five ? lookupZip(five) : null;
  if (!five) problems.push({ field: 'zip', kind: 'format', zip: zipRaw });
  else if (!origin) problems.push({ field: 'zip', kind: 'unknown', zip: five });
  if (problems.length > 0 || !origin || miles === undefined) return { search: null, problems, zip: zipRaw, distance: distanceRaw };
  return { search: { zip: five!, origin, miles }, problems, zip: zipRaw, distance: distanceRaw };
}

/**
 * Where an event is on the map: its own coordinates, or else its ZIP's centroid (events made in
 * the console or before a ZIP was known have none stored). Null for an event with neither.
 */
export function eventPoint(e: { online: number; latitude: number | null; longitude: number | null; postal_code: string | null; country?: string }): { latitude: number; longitude: number } | null {
  if (e.online) return null;
  if (e.latitude !== null && e.longitude !== null) return { latitude: e.latitude, longitude: e.longitude };
  const zip = e.postal_code && (e.country ?? 'US') === 'US' ? lookupZip(e.postal_code) : null;
  return zip ? { latitude: zip.latitude, longitude: zip.longitude } : null;
}
