// The console's one time-zone field: a select whose first group is the zones most organizers
// here use (the United States'), then every other zone the runtime knows (Intl), grouped by
// region and sorted, with readable names ("America/Argentina/Buenos_Aires" → "Argentina / Buenos Aires").

/** The common zones first, with the names people say. */
export const COMMON_ZONES: readonly [string, string][] = [
  ['America/New_York', 'Eastern Time (New York)'],
  ['America/Chicago', 'Central Time (Chicago)'],
  ['America/Denver', 'Mountain Time (Denver)'],
  ['America/Phoenix', 'Mountain Time without daylight saving (Phoenix)'],
  ['America/Los_Angeles', 'Pacific Time (Los Angeles)'],
  ['America/Anchorage', 'Alaska Time (Anchorage)'],
  ['Pacific/Honolulu', 'Hawaii Time (Honolulu)'],
  ['America/Puerto_Rico', 'Atlantic Time (Puerto Rico)'],
  ['UTC', 'UTC'],
];

const REGION_NAMES: Record<string, string> = {
  Africa: 'Africa', America: 'The Americas', Antarctica: 'Antarctica', Arctic: 'Arctic', Asia: 'Asia', Atlantic: 'Atlantic',
  Australia: 'Australia', Europe: 'Europe', Indian: 'Indian Ocean', Pacific: 'Pacific',
};

let grouped: { region: string; zones: [string, string][] }[] | null = null;

/** Every zone the runtime knows but the common ones, by region, each with a readable name. */
export function zonesByRegion(): { region: string; zones: [string, string][] }[] {
  if (grouped) return grouped;
  const common = new Set(COMMON_ZONES.map(([z]) => z));
  const regions = new Map<string, [string, string][]>();
  for (const zone of Intl.supportedValuesOf('timeZone')) {
    if (common.has(zone)) continue;
    const [head, ...rest] = zone.split('/');
    const region = rest.length > 0 && REGION_NAMES[head!] ? REGION_NAMES[head!]! : 'Other';
    const name = (rest.length > 0 && REGION_NAMES[head!] ? rest : [zone]).join(' / ').replace(/_/g, ' ');
    if (!regions.has(region)) regions.set(region, []);
    regions.get(region)!.push([zone, name]);
  }
  grouped = [...regions]
    .sort(([a], [b]) => (a === 'Other' ? 1 : b === 'Other' ? -1 : a.localeCompare(b)))
    .map(([region, zones]) => ({ region, zones: zones.sort((a, b) => a[1].localeCompare(b[1])) }));
  return grouped;
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

/** A labelled time-zone select with an optional hint and error, like the console's `Input`. */
export function TimeZoneSelect(props: { name: string; label: string; value: string; hint?: string; error?: string }): JSX.Element {
  const described = [props.hint ? `${props.name}-hint` : '', props.error ? `${props.name}-error` : ''].filter(Boolean).join(' ');
  const known = COMMON_ZONES.some(([z]) => z === props.value) || zonesByRegion().some((g) => g.zones.some(([z]) => z === props.value));
  return (
    <div class={props.error ? 'field has-error' : 'field'}>
      <label for={props.name} safe>
        {props.label}
      </label>
      {props.hint ? (
        <span class="hint" id={`${props.name}-hint`} safe>
          {props.hint}
        </span>
      ) : (
        ''
      )}
      {props.error ? (
        <span class="error-message" id={`${props.name}-error`} safe>
          {props.error}
        </span>
      ) : (
        ''
      )}
      <select id={props.name} name={props.name} aria-describedby={described || undefined} aria-invalid={props.error ? 'true' : undefined}>
        {!known && props.value ? (
          <option value={props.value} selected safe>
            {props.value}
          </option>
        ) : (
          ''
        )}
        <optgroup label="Common in the United States">
          {COMMON_ZONES.map(([zone, label]) => (
            <option value={zone} selected={props.value === zone} safe>
              {label}
            </option>
          ))}
        </optgroup>
        {zonesByRegion().map((g) => (
          <optgroup label={g.region}>
            {g.zones.map(([zone, label]) => (
              <option value={zone} selected={props.value === zone} safe>
                {label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}
