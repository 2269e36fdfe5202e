import { zipcodes } from './zipcodes.ts';

// Places from postal codes, offline: the centroid of a US ZIP or of a Canadian postal code's
// area from the `zipcodes` table (loaded on first use, see zipcodes.ts). Nothing else is covered.

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

/** Countries whose postal codes the offline table places: distance search works there. */
export const COVERED_COUNTRIES = ['US', 'CA'] as const;
export const isCovered = (country: string | null | undefined) => (COVERED_COUNTRIES as readonly string[]).includes(country ?? 'US');

/** A Canadian postal code (`K1A 0B1`, `k1a0b1`) or its first three characters (the FSA), written `K1A 0B1`. */
export function canadianShape(raw: string): string | null {
  const v = raw.trim().toUpperCase().replace(/[\s-]+/g, '');
  if (!/^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z](?:\d[ABCEGHJ-NPRSTV-Z]\d)?$/.test(v)) return null;
  return v.length === 6 ? `${v.slice(0, 3)} ${v.slice(3)}` : v;
}

/**
 * The centroid of a postal code where the offline table covers it: a US ZIP, or a Canadian
 * postal code's area (the table knows its first three characters). Null elsewhere or unknown.
 */
export function lookupPostal(raw: string, country: string): ZipPlace | null {
  if (country === 'US') return lookupZip(raw);
  if (country !== 'CA') return null;
  const code = canadianShape(raw);
  if (!code) return null;
  const found = zipcodes().lookup(code.slice(0, 3));
  if (!found || found.country !== 'Canada') return null;
  // The table names the area by its neighbourhoods ("Downtown Toronto (CN Tower / …)"): the first name is the city.
  const city = found.city.replace(/\s*\(.*$/, '').replace(/^(Downtown|Central|North|South|East|West)\s+/i, '');
  return { zip: code, latitude: found.latitude, longitude: found.longitude, city, state: provinceCode(found.state) };
}

const PROVINCES: Record<string, string> = {
  Alberta: 'AB', 'British Columbia': 'BC', Manitoba: 'MB', 'New Brunswick': 'NB', 'Newfoundland and Labrador': 'NL', 'Nova Scotia': 'NS',
  Ontario: 'ON', 'Prince Edward Island': 'PE', Quebec: 'QC', Québec: 'QC', Saskatchewan: 'SK', 'Northwest Territories': 'NT', Nunavut: 'NU', Yukon: 'YT',
};
const provinceCode = (name: string) => PROVINCES[name] ?? name;

/**
 * An event's columns with its place filled in from its postal code where the offline table
 * covers the country and none was given: the coordinates, and the state or province when empty.
 */
export function withPlace<T extends { online: number; latitude: number | null; longitude: number | null; postal_code: string | null; country: string; region: string | null }>(columns: T): T {
  if (columns.online || columns.latitude !== null || !columns.postal_code) return columns;
  const place = lookupPostal(columns.postal_code, columns.country);
  if (!place) return columns;
  return { ...columns, latitude: place.latitude, longitude: place.longitude, region: columns.region || place.state };
}
