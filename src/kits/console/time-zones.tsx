import { describedBy, Field } from './layout.tsx';

// The console's one time-zone field: a select whose first group is the zones most organizers
// here use (the United States'), then every other zone the runtime knows (Intl), grouped by
// region. Every label is derived from Intl, not a table: the place and its country
// ("Buenos Aires (Argentina)"), the zone's generic name when it says more than the country
// ("Central European Time") and today's offset ("GMT+1"), so a zone reads the same everywhere.

/** The common zones first; their labels lead with the name people say ("Eastern Time (New York) — GMT-5"). */
export const COMMON_ZONES: readonly string[] = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu', 'America/Puerto_Rico', 'UTC'];

const REGION_NAMES: Record<string, string> = {
  Africa: 'Africa', America: 'The Americas', Antarctica: 'Antarctica', Arctic: 'Arctic', Asia: 'Asia', Atlantic: 'Atlantic',
  Australia: 'Australia', Europe: 'Europe', Indian: 'Indian Ocean', Pacific: 'Pacific',
};

const regionNames = () => new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

// Intl.Locale's zones of a region: `timeZones` in Node.js 20, `getTimeZones()` in later runtimes.
type LocaleZones = Intl.Locale & { timeZones?: string[]; getTimeZones?: () => string[] };
const zonesOfRegion = (code: string): string[] => {
  const locale = new Intl.Locale(`und-${code}`) as LocaleZones;
  return locale.getTimeZones?.() ?? locale.timeZones ?? [];
};

let countryOfZone: Map<string, string> | null = null;

/**
 * Each zone's country name, from Intl: every two-letter region the runtime names, less the
 * retired codes (East Germany, Yugoslavia …) that canonicalize to another, asked for its zones.
 * Built once (a few hundred milliseconds), on the first select drawn.
 */
export function zoneCountries(): Map<string, string> {
  if (countryOfZone) return countryOfZone;
  const names = regionNames();
  const map = new Map<string, string>();
  for (let i = 0; i < 26 * 26; i++) {
    const code = String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26));
    const name = names.of(code);
    if (!name) continue;
    try {
      if (Intl.getCanonicalLocales(`und-${code}`)[0] !== `und-${code}`) continue;
    } catch {
      continue;
    }
    for (const zone of zonesOfRegion(code)) if (!map.has(zone)) map.set(zone, name);
  }
  countryOfZone = map;
  return map;
}

// One formatter per zone, kept: making one is the slow part (about a millisecond), using it is not.
const formatters = new Map<string, Intl.DateTimeFormat | null>();
const formatterOf = (zone: string): Intl.DateTimeFormat | null => {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longGeneric', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
    } catch {
      f = null;
    }
    formatters.set(zone, f);
  }
  return f;
};

/** The zone's generic name ("Central European Time") and its offset at `at`, written as Intl's `shortOffset` writes it ("GMT+5:30", "GMT-5", "GMT+0"). */
function zoneParts(zone: string, at: Date): { generic: string; offset: string } {
  const f = formatterOf(zone);
  if (!f) return { generic: '', offset: '' };
  const parts = f.formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'));
  const minutes = Math.round((wall - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
  const abs = Math.abs(minutes);
  const offset = `GMT${minutes < 0 ? '-' : '+'}${Math.floor(abs / 60)}${abs % 60 ? `:${String(abs % 60).padStart(2, '0')}` : ''}`;
  return { generic: parts.find((p) => p.type === 'timeZoneName')?.value ?? '', offset };
}

/** The place a zone is named after, with the state or province between when there is one ("Knox, Indiana"). */
function placeOf(zone: string, country: string | undefined): string {
  const parts = zone.split('/').map((p) => p.replace(/_/g, ' '));
  const [, ...rest] = parts;
  if (rest.length === 0) return parts[0]!;
  const city = rest[rest.length - 1]!;
  const between = rest.slice(0, -1).filter((p) => p !== country);
  return [city, ...between.reverse()].join(', ');
}

/** A zone as the select shows it, on the day `at`: "Paris (France) — Central European Time, GMT+1". */
export function zoneLabel(zone: string, at: Date = new Date()): string {
  const { generic, offset } = zoneParts(zone, at);
  if (zone === 'UTC' || zone === 'Etc/UTC') return offset ? `UTC — ${offset}` : 'UTC';
  const country = zoneCountries().get(zone);
  const place = placeOf(zone, country);
  if (COMMON_ZONES.includes(zone) && generic && !generic.startsWith('GMT')) return `${generic} (${place})${offset ? ` — ${offset}` : ''}`;
  // The generic name when it says more than the country or the offset: not "United Kingdom Time", not "GMT-05:00".
  const says = generic && !generic.startsWith('GMT') && generic !== `${country} Time` ? generic : '';
  const when = [says, offset].filter(Boolean).join(', ');
  return `${place}${country && country !== place ? ` (${country})` : ''}${when ? ` — ${when}` : ''}`;
}

type Grouped = { region: string; zones: [string, string][] }[];
// Offsets move with daylight saving: the labels are made again on a new day.
let grouped: { day: string; groups: Grouped; common: [string, string][] } | null = null;

function labelled(at: Date) {
  const day = at.toISOString().slice(0, 10);
  if (grouped?.day === day) return grouped;
  const common = new Set(COMMON_ZONES);
  const regions = new Map<string, [string, string][]>();
  for (const zone of Intl.supportedValuesOf('timeZone')) {
    if (common.has(zone)) continue;
    const [head, ...rest] = zone.split('/');
    const region = rest.length > 0 && REGION_NAMES[head!] ? REGION_NAMES[head!]! : 'Other';
    if (!regions.has(region)) regions.set(region, []);
    regions.get(region)!.push([zone, zoneLabel(zone, at)]);
  }
  const groups = [...regions]
    .sort(([a], [b]) => (a === 'Other' ? 1 : b === 'Other' ? -1 : a.localeCompare(b)))
    .map(([region, zones]) => ({ region, zones: zones.sort((a, b) => a[1].localeCompare(b[1])) }));
  grouped = { day, groups, common: COMMON_ZONES.map((z) => [z, zoneLabel(z, at)]) };
  return grouped;
}

/** Every zone the runtime knows but the common ones, by region, each with its label, sorted by it. */
export function zonesByRegion(at: Date = new Date()): Grouped {
  return labelled(at).groups;
}

/** Whether the runtime knows the zone (what the select offers, plus the aliases Intl accepts). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone !== '';
  } catch {
    return false;
  }
}

/** A labelled time-zone select with an optional hint and error, in the console's `Field` like `Input`. */
export function TimeZoneSelect(props: { name: string; label: string; value: string; hint?: string; error?: string }): JSX.Element {
  const { groups, common } = labelled(new Date());
  const known = common.some(([z]) => z === props.value) || groups.some((g) => g.zones.some(([z]) => z === props.value));
  return (
    <Field name={props.name} label={props.label} hint={props.hint} error={props.error}>
      <select id={props.name} name={props.name} aria-describedby={describedBy(props)} aria-invalid={props.error ? 'true' : undefined}>
        {!known && props.value ? (
          <option value={props.value} selected safe>
            {props.value}
          </option>
        ) : (
          ''
        )}
        <optgroup label="Common in the United States">
          {common.map(([zone, label]) => (
            <option value={zone} selected={props.value === zone} safe>
              {label}
            </option>
          ))}
        </optgroup>
        {groups.map((g) => (
          <optgroup label={g.region}>
            {g.zones.map(([zone, label]) => (
              <option value={zone} selected={props.value === zone} safe>
                {label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </Field>
  );
}
