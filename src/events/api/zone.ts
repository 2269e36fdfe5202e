import { zipcodes } from '../../kits/places/zipcodes.ts';
import { canonicalZone } from '../fields.ts';

// The time zone of an event sent without `timezone_identifier` (Action Network requires none):
// from its coordinates when a time zone lookup library is installed, else from its US or
// Canadian postal code, region or position through the offline ZIP table (src/kits/places/),
// else from a country that has one time zone; the caller falls back on the organization's.

export interface Place {
  postalCode?: string | null;
  region?: string | null;
  country?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

/** Each US state's (and territory's) time zone where most of it lives; ZIP3_ZONES corrects the parts that differ. */
const STATE_ZONES: Record<string, string> = {
  AL: 'America/Chicago', AK: 'America/Anchorage', AZ: 'America/Phoenix', AR: 'America/Chicago', CA: 'America/Los_Angeles',
  CO: 'America/Denver', CT: 'America/New_York', DE: 'America/New_York', DC: 'America/New_York', FL: 'America/New_York',
  GA: 'America/New_York', HI: 'Pacific/Honolulu', ID: 'America/Boise', IL: 'America/Chicago', IN: 'America/Indiana/Indianapolis',
  IA: 'America/Chicago', KS: 'America/Chicago', KY: 'America/New_York', LA: 'America/Chicago', ME: 'America/New_York',
  MD: 'America/New_York', MA: 'America/New_York', MI: 'America/Detroit', MN: 'America/Chicago', MS: 'America/Chicago',
  MO: 'America/Chicago', MT: 'America/Denver', NE: 'America/Chicago', NV: 'America/Los_Angeles', NH: 'America/New_York',
  NJ: 'America/New_York', NM: 'America/Denver', NY: 'America/New_York', NC: 'America/New_York', ND: 'America/Chicago',
  OH: 'America/New_York', OK: 'America/Chicago', OR: 'America/Los_Angeles', PA: 'America/New_York', RI: 'America/New_York',
  SC: 'America/New_York', SD: 'America/Chicago', TN: 'America/Chicago', TX: 'America/Chicago', UT: 'America/Denver',
  VT: 'America/New_York', VA: 'America/New_York', WA: 'America/Los_Angeles', WV: 'America/New_York', WI: 'America/Chicago',
  WY: 'America/Denver', PR: 'America/Puerto_Rico', VI: 'America/St_Thomas', GU: 'Pacific/Guam', AS: 'Pacific/Pago_Pago',
  MP: 'Pacific/Saipan',
};

/** Three-digit ZIP prefixes of split states whose clocks differ from the rest of their state. */
const ZIP3_ZONES: Record<string, string> = {
  // Florida's western panhandle, northern Idaho, Indiana's corners near Chicago and Evansville.
  '324': 'America/Chicago', '325': 'America/Chicago', '835': 'America/Los_Angeles', '838': 'America/Los_Angeles',
  '463': 'America/Chicago', '464': 'America/Chicago', '476': 'America/Chicago', '477': 'America/Chicago',
  // Western Kentucky, Michigan's western Upper Peninsula, western Nebraska, the Dakotas' west.
  '420': 'America/Chicago', '421': 'America/Chicago', '422': 'America/Chicago', '423': 'America/Chicago', '424': 'America/Chicago',
  '498': 'America/Menominee', '499': 'America/Menominee', '693': 'America/Denver', '586': 'America/Denver', '577': 'America/Denver',
  // Eastern Tennessee, Oregon's Malheur county, El Paso.
  '373': 'America/New_York', '374': 'America/New_York', '376': 'America/New_York', '377': 'America/New_York',
  '378': 'America/New_York', '379': 'America/New_York', '979': 'America/Boise', '798': 'America/Denver', '799': 'America/Denver',
  '885': 'America/Denver',
};

/** Canada's provinces as the ZIP table names them (postal codes' first three characters). */
const PROVINCE_ZONES: Record<string, string> = {
  Ontario: 'America/Toronto', Quebec: 'America/Toronto', 'British Columbia': 'America/Vancouver', Alberta: 'America/Edmonton',
  Manitoba: 'America/Winnipeg', Saskatchewan: 'America/Regina', 'Nova Scotia': 'America/Halifax', 'New Brunswick': 'America/Moncton',
  'Newfoundland and Labrador': 'America/St_Johns', 'Prince Edward Island': 'America/Halifax', Yukon: 'America/Whitehorse',
  'Northwest Territories': 'America/Yellowknife', Nunavut: 'America/Iqaluit',
};

/** Countries that keep one time zone (their overseas parts aside). */
const COUNTRY_ZONES: Record<string, string> = {
  GB: 'Europe/London', IE: 'Europe/Dublin', FR: 'Europe/Paris', DE: 'Europe/Berlin', ES: 'Europe/Madrid', IT: 'Europe/Rome',
  NL: 'Europe/Amsterdam', BE: 'Europe/Brussels', LU: 'Europe/Luxembourg', PT: 'Europe/Lisbon', CH: 'Europe/Zurich',
  AT: 'Europe/Vienna', SE: 'Europe/Stockholm', NO: 'Europe/Oslo', DK: 'Europe/Copenhagen', FI: 'Europe/Helsinki',
  IS: 'Atlantic/Reykjavik', PL: 'Europe/Warsaw', CZ: 'Europe/Prague', SK: 'Europe/Bratislava', HU: 'Europe/Budapest',
  GR: 'Europe/Athens', RO: 'Europe/Bucharest', BG: 'Europe/Sofia', HR: 'Europe/Zagreb', SI: 'Europe/Ljubljana',
  RS: 'Europe/Belgrade', UA: 'Europe/Kyiv', TR: 'Europe/Istanbul', IL: 'Asia/Jerusalem', PS: 'Asia/Hebron', EG: 'Africa/Cairo',
  ZA: 'Africa/Johannesburg', NG: 'Africa/Lagos', KE: 'Africa/Nairobi', GH: 'Africa/Accra', IN: 'Asia/Kolkata',
  PK: 'Asia/Karachi', BD: 'Asia/Dhaka', JP: 'Asia/Tokyo', KR: 'Asia/Seoul', CN: 'Asia/Shanghai', TW: 'Asia/Taipei',
  HK: 'Asia/Hong_Kong', SG: 'Asia/Singapore', PH: 'Asia/Manila', TH: 'Asia/Bangkok', VN: 'Asia/Ho_Chi_Minh',
  MY: 'Asia/Kuala_Lumpur', NZ: 'Pacific/Auckland', CO: 'America/Bogota', PE: 'America/Lima', VE: 'America/Caracas',
  CL: 'America/Santiago', AR: 'America/Argentina/Buenos_Aires', UY: 'America/Montevideo', GT: 'America/Guatemala',
  SV: 'America/El_Salvador', HN: 'America/Tegucigalpa', NI: 'America/Managua', CR: 'America/Costa_Rica',
  PA: 'America/Panama', CU: 'America/Havana', DO: 'America/Santo_Domingo', HT: 'America/Port-au-Prince',
  JM: 'America/Jamaica', PR: 'America/Puerto_Rico',
};

// Beyond this, the nearest ZIP of the table says nothing about a place (it is in another country).
const NEAREST_ZIP_KM = 80;

type LookupLibrary = (latitude: number, longitude: number) => string;
let library: Promise<LookupLibrary | null> | undefined;

/** A coordinates-to-zone library, when one is installed (`@photostructure/tz-lookup`); null otherwise. */
function zoneLibrary(): Promise<LookupLibrary | null> {
  const name = '@photostructure/tz-lookup';
  library ??= import(name).then(
    (m: { default?: unknown }) => (typeof m.default === 'function' ? (m.default as LookupLibrary) : null),
    () => null,
  );
  return library;
}

const km = (lat1: number, lon1: number, lat2: number, lon2: number) => {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 12_742 * Math.asin(Math.sqrt(a));
};

function zoneOfZip(zip: { zip: string; state: string; country: string }): string | null {
  if (zip.country === 'US') return ZIP3_ZONES[zip.zip.slice(0, 3)] ?? STATE_ZONES[zip.state] ?? null;
  if (zip.country === 'Canada') return PROVINCE_ZONES[zip.state] ?? null;
  return null;
}

const validCoordinates = (p: Place) =>
  typeof p.latitude === 'number' && typeof p.longitude === 'number' && Math.abs(p.latitude) <= 90 && Math.abs(p.longitude) <= 180;

/** The time zone a place is in, as well as turnout can tell offline; null when it cannot. */
export async function zoneOfPlace(p: Place): Promise<string | null> {
  const country = (p.country ?? 'US').trim().toUpperCase() || 'US';
  if (validCoordinates(p)) {
    const lookup = await zoneLibrary();
    const found = lookup ? canonicalZone(safely(() => lookup(p.latitude!, p.longitude!)) ?? '') : null;
    if (found) return found;
  }
  const postal = (p.postalCode ?? '').trim().toUpperCase();
  if (postal && (country === 'US' || country === 'CA')) {
    const zip = zipcodes().lookup(country === 'US' ? postal.slice(0, 5) : postal.slice(0, 3));
    const zone = zip ? zoneOfZip(zip) : null;
    if (zone) return zone;
  }
  const region = (p.region ?? '').trim().toUpperCase();
  if (country === 'US' && STATE_ZONES[region]) return STATE_ZONES[region]!;
  if (validCoordinates(p) && (country === 'US' || country === 'CA')) {
    const zip = zipcodes().lookupByCoords(p.latitude!, p.longitude!);
    if (zip && km(p.latitude!, p.longitude!, zip.latitude, zip.longitude) <= NEAREST_ZIP_KM) {
      const zone = zoneOfZip(zip);
      if (zone) return zone;
    }
  }
  return COUNTRY_ZONES[country] ?? null;
}

function safely<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}
